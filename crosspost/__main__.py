"""`python -m crosspost`: see crosspost.cli."""

import sys

from .cli import main

sys.exit(main())
