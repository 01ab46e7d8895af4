"""The WSGI entry point: `gunicorn feedback_api.wsgi:app`.

Served this way the API is in production (an empty or short `ENGAGE_SECRET_KEY` stops start-up)
unless `ENGAGE_ENVIRONMENT=development` says otherwise.
"""

import os

from feedback_api import create_app

if not os.environ.get("ENGAGE_ENVIRONMENT") and not os.environ.get("ENGAGE_ENVIRONMENT_FILE"):
    os.environ["ENGAGE_ENVIRONMENT"] = "production"
app = create_app()
