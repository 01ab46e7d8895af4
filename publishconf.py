"""Production settings: what differs from `pelicanconf.py` when the site is published."""

import os
import sys

sys.path.append(os.path.dirname(__file__))
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("ENGAGE_SITE_URL", "https://engage.example.nhs.uk")
ENGAGE_SITE_URL = SITEURL
FEED_DOMAIN = SITEURL
DELETE_OUTPUT_DIRECTORY = True
LOAD_CONTENT_CACHE = False
ENGAGE_PUBLISH_TARGET = os.environ.get("ENGAGE_PUBLISH_TARGET", "")
