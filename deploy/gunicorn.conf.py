"""gunicorn's settings for the feedback API, as the systemd unit and the container run it:
`gunicorn -c deploy/gunicorn.conf.py feedback_api.wsgi:app`. Where it listens and how many workers
run come from the environment (deploy/engage.env.example); the rest is fixed here on purpose.

Two choices matter. The access log never names the client: an address is personal data, and the
API keeps only a keyed hash of it. And gunicorn trusts no forwarded headers itself
(`forwarded_allow_ips`): the API's ProxyFix alone reads them, as many proxies deep as
ENGAGE_TRUSTED_PROXIES says, so the scheme and address are worked out in one place.
"""

import os

bind = os.environ.get("ENGAGE_BIND", "127.0.0.1:8001").split(",")
workers = int(os.environ.get("ENGAGE_WORKERS", "4"))

# A request gets 30 seconds; on stop or reload a worker finishes what it is doing first (the
# systemd unit waits longer than this before it kills).
timeout = 30
graceful_timeout = 25
keepalive = 5

forwarded_allow_ips = ""
proxy_allow_ips = ""

# Time, <worker pid>, "method path" (no query string: it may hold what a person typed), status,
# bytes, milliseconds. Never %(h)s (the client), %(a)s (its user agent) or %(f)s (the referrer).
accesslog = "-"
access_log_format = '%(t)s %(p)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = "info"
# With the API's ENGAGE_LOG_FORMAT=json, gunicorn's own lines are JSON lines too.
if os.environ.get("ENGAGE_LOG_FORMAT", "").strip().lower() == "json":
    from feedback_api.operations.logs import gunicorn_logconfig

    logconfig_dict = gunicorn_logconfig()

# No control socket in the home folder of a service account that has none.
control_socket_disable = True
