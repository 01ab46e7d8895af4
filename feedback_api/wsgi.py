"""The WSGI entry point: `gunicorn feedback_api.wsgi:app`."""

from feedback_api import create_app

app = create_app()
