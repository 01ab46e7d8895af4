"""The feedback API's settings: each declared once, with its default, its help (the README's
table says the same) and how its text is parsed. `config.load` applies them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from feedback_api.screening import risk
from feedback_api.settings_parse import (  # noqa: F401 (config and tests read some here)
    BANK_HOLIDAY_NATIONS,
    ENVIRONMENTS,
    MAKE_SECRET,
    SECRET_KEY_MIN_LENGTH,
    bank_holidays,
    digest,
    flag,
    log_format,
    non_negative_float,
    parse_environment,
    positive_int,
    rate_limit,
    terms,
    via_parameter,
    word_list,
)


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "ENGAGE_ENVIRONMENT",
        "development",
        "development or production. feedback_api.wsgi (what gunicorn runs) makes it production "
        "unless set; production refuses an empty or short ENGAGE_SECRET_KEY.",
        parse_environment,
    ),
    Setting(
        "ENGAGE_INSTANCE_PATH",
        "",
        "Folder for the SQLite database, the development secret and caches; empty means "
        "instance/ in the project folder (in a checkout) or in the current folder (installed).",
    ),
    Setting(
        "DATABASE_URL",
        "",
        "SQLAlchemy database URL. Empty: SQLite at instance/engage.db (WAL mode). For "
        "PostgreSQL: postgresql+psycopg://user:password@host/dbname (postgres:// is accepted).",
    ),
    Setting(
        "ENGAGE_SECRET_KEY",
        "",
        "Secret for signing and for hashing client addresses, the same on every host. Required "
        f"in production, at least {SECRET_KEY_MIN_LENGTH} characters; in development, when empty, "
        "a random key is made and kept in instance/secret_key.",
    ),
    Setting(
        "ENGAGE_MANIFEST",
        "output/engagement.json",
        "The site manifest written by the build: which pages take comments.",
    ),
    Setting(
        "ENGAGE_MANIFEST_MAX_AGE_HOURS",
        26.0,
        "/api/health reports the manifest as stale (manifest.ok false, still 200) when the "
        "build last wrote it longer ago than this; 26 suits a daily rebuild. 0: never stale.",
        non_negative_float,
    ),
    Setting(
        "ENGAGE_LOG_FORMAT",
        "text",
        "text, or json: every log record of the API and its commands as one JSON object per "
        "line on standard error (time, level, logger, message, exception).",
        log_format,
    ),
    Setting(
        "ENGAGE_SITE_DIR",
        "output",
        "The built site, served at / by the same process (for `make run`); empty to serve the "
        "API only, as behind a static host or CDN.",
    ),
    Setting(
        "ENGAGE_RATELIMIT_COMMENTS",
        "5/minute;30/hour",
        "New comments allowed per client, in Flask-Limiter's syntax.",
        rate_limit,
    ),
    Setting(
        "ENGAGE_RATELIMIT_RESPONSES",
        "10/hour",
        "Questionnaire responses allowed per client, in Flask-Limiter's syntax.",
        rate_limit,
    ),
    Setting(
        "ENGAGE_RATELIMIT_STORAGE",
        "memory://",
        "Where rate-limit counters live: memory:// (one process) or redis://host:6379 (shared "
        "by every worker and host).",
    ),
    Setting(
        "ENGAGE_TRUSTED_PROXIES",
        0,
        "How many reverse proxies in front of the API set X-Forwarded-For; 0 trusts none.",
        positive_int,
    ),
    Setting(
        "ENGAGE_MAX_REQUEST_BYTES",
        65536,
        "Largest request body accepted (413 above it).",
        positive_int,
    ),
    Setting(
        "ENGAGE_READ_CACHE_SECONDS",
        1.0,
        "How long a worker reuses a page's comment count and version before asking the database "
        "again (public reads are already cacheable for 10 seconds); 0 to always ask.",
        float,
    ),
    Setting(
        "ENGAGE_EDIT_MINUTES",
        15,
        "How long after posting a writer may edit or delete a comment once it is approved (a "
        "pending comment can be changed until a moderator acts).",
        positive_int,
    ),
    Setting(
        "ENGAGE_RETAIN_REJECTED_DAYS",
        90,
        "`purge` deletes rejected and spam comments this many days after the decision.",
        positive_int,
    ),
    Setting(
        "ENGAGE_RETAIN_IP_DAYS",
        30,
        "`purge` clears the hashed client address of comments older than this.",
        positive_int,
    ),
    Setting(
        "ENGAGE_RETAIN_EMAIL_DAYS",
        365,
        "`purge` clears email addresses (and reply notices) of comments older than this.",
        positive_int,
    ),
    Setting(
        "ENGAGE_RESPONSE_TARGET_DAYS",
        2.0,
        "Working days (Monday to Friday in UK time, bank holidays excepted) within which "
        "comments should be moderated and questions answered; the dashboard counts those "
        "waiting longer.",
        float,
    ),
    Setting(
        "ENGAGE_BANK_HOLIDAYS",
        "england",
        "Whose bank holidays are not working days for the response target: england, wales, "
        "scotland or northern_ireland.",
        bank_holidays,
    ),
    Setting(
        "ENGAGE_REPORT_SMALL_GROUP",
        5,
        "In reports broken down by an equality-monitoring answer, groups of fewer people than "
        "this show their size only, so nobody can be picked out; 1 shows every group.",
        positive_int,
    ),
    Setting(
        "ENGAGE_CROSSPOST_VIA",
        "via",
        "The parameter on links that says which channel brought the reader (?via=mastodon: "
        "the cross-poster adds it, a newsletter or poster can too); comments and questionnaire "
        "answers record it as their channel. off: the cross-poster adds none (via and "
        "utm_source are still read). The same value as the build's and the cross-poster's.",
        via_parameter,
    ),
    Setting(
        "ENGAGE_DIGEST",
        "immediate",
        "When moderators are emailed about new comments: immediate, hourly or daily (sent by "
        "`flask --app feedback_api notify digest` from cron), or off.",
        digest,
    ),
    Setting(
        "ENGAGE_OUTBOX_ATTEMPTS",
        10,
        "How often the worker tries to deliver a notice or rebuild before marking it failed "
        "(shown on the dashboard); the waits between tries double from "
        "ENGAGE_OUTBOX_RETRY_SECONDS up to an hour, about eight hours in all by default.",
        positive_int,
    ),
    Setting(
        "ENGAGE_OUTBOX_RETRY_SECONDS",
        60.0,
        "The worker's first wait before trying a failed delivery again.",
        float,
    ),
    Setting(
        "ENGAGE_OUTBOX_LEASE_SECONDS",
        300.0,
        "How long a worker holds a message it is delivering; a worker that dies leaves it to "
        "another once this has passed. Longer than the slowest delivery (a site rebuild).",
        float,
    ),
    Setting(
        "ENGAGE_RETAIN_OUTBOX_DAYS",
        30,
        "`purge` deletes delivered and failed outbox messages (they hold addresses and text) "
        "older than this.",
        positive_int,
    ),
    Setting(
        "ENGAGE_REBUILD_COMMAND",
        "",
        "Command the worker runs to rebuild the static site after a change readers can see "
        "(for example `invoke build`, run in the worker's folder); empty: no rebuilds.",
    ),
    Setting(
        "ENGAGE_REBUILD_DELAY_SECONDS",
        20.0,
        "How long after a change readers can see the worker rebuilds the site, so that a run "
        "of approvals shares one rebuild (readers without JavaScript see them within a minute).",
        float,
    ),
    Setting(
        "ENGAGE_REBUILD_TIMEOUT_SECONDS",
        240.0,
        "A rebuild taking longer than this is stopped and tried again later.",
        float,
    ),
    Setting(
        "ENGAGE_REBUILD_PAGES",
        False,
        "After a change readers can see, the worker rebuilds just the pages it touched into "
        "ENGAGE_SITE_DIR (and copies them to ENGAGE_PUBLISH_TARGET), with ENGAGE_BUILD_SETTINGS; "
        "instead of running ENGAGE_REBUILD_COMMAND.",
        flag,
    ),
    Setting(
        "ENGAGE_OUTPUT",
        "",
        "The built site the worker's builds replace and update (the Publish page, page "
        "rebuilds) before copying it to ENGAGE_PUBLISH_TARGET; empty: ENGAGE_SITE_DIR.",
    ),
    Setting(
        "ENGAGE_BUILD_HOST",
        True,
        "This host's worker builds and publishes the site (it has the content and the site's "
        "folders); set false on the other API hosts, whose workers then deliver mail only.",
        flag,
    ),
    Setting(
        "ENGAGE_BUILD_LOCK",
        "",
        "A file the worker locks (flock) while it builds or publishes, as the daily rebuild's "
        "`flock FILE invoke publish` does, so the two never write the site at once.",
    ),
    Setting(
        "ENGAGE_PROJECT_DIR",
        "",
        "The checkout with pelicanconf.py, publishconf.py and content/, where the worker builds "
        "the site for the workspace's Publish page; empty: the checkout the API runs from.",
    ),
    Setting(
        "ENGAGE_CONTENT_DIR",
        "content",
        "The editors' markdown, relative to ENGAGE_PROJECT_DIR (a git checkout can be pulled "
        "from the Publish page).",
    ),
    Setting(
        "ENGAGE_BUILD_SETTINGS",
        "publishconf.py",
        "The Pelican settings file the workspace's builds use, relative to ENGAGE_PROJECT_DIR.",
    ),
    Setting(
        "ENGAGE_PUBLISH_TARGET",
        "",
        "Where Publish copies the site after ENGAGE_SITE_DIR, with rsync (a folder, or "
        "user@host:/var/www/engage/); empty: ENGAGE_SITE_DIR is the published site.",
    ),
    Setting(
        "ENGAGE_BUILD_TIMEOUT_SECONDS",
        900.0,
        "A workspace build, pull or copy taking longer than this is stopped and reported.",
        non_negative_float,
    ),
    Setting("ENGAGE_SMTP_HOST", "", "SMTP server for notices; empty sends no email."),
    Setting("ENGAGE_SMTP_PORT", 25, "SMTP port (587 with STARTTLS is usual).", positive_int),
    Setting("ENGAGE_SMTP_USER", "", "SMTP user name, if the server needs one."),
    Setting("ENGAGE_SMTP_PASSWORD", "", "SMTP password, from the environment only."),
    Setting("ENGAGE_SMTP_STARTTLS", False, "Upgrade the SMTP connection with STARTTLS.", flag),
    Setting(
        "ENGAGE_MAIL_FROM",
        "engage@localhost",
        "The From address of notices, e.g. 'Riverside ICB <engage@example.nhs.uk>'.",
    ),
    Setting(
        "ENGAGE_SECURE_COOKIES",
        True,
        "Send the staff session cookie only over HTTPS. Browsers treat http://127.0.0.1 as "
        "secure, so this stays on for local use too; turn off only for plain-HTTP test setups.",
        flag,
    ),
    Setting(
        "ENGAGE_ADMIN_TOTP",
        False,
        "Administrators must use an authenticator app (`flask --app feedback_api users totp "
        "EMAIL`) to sign in; an administrator without one is refused with that instruction.",
        flag,
    ),
    Setting(
        "ENGAGE_IDLE_MINUTES",
        30,
        "A staff session ends after this many minutes without a request.",
        positive_int,
    ),
    Setting(
        "ENGAGE_RATELIMIT_SIGN_IN",
        "10/minute;50/hour",
        "Sign-in attempts allowed per client address (accounts also lock for 15 minutes after 5 "
        "wrong passwords or authenticator codes in a row).",
        rate_limit,
    ),
    Setting(
        "ENGAGE_SCREEN_WORDS",
        (),
        "Comma-separated words or phrases that hold a comment for a moderator's attention.",
        word_list,
    ),
    Setting(
        "ENGAGE_MAX_LINKS",
        2,
        "A comment with more links than this is held and flagged.",
        positive_int,
    ),
    Setting(
        "ENGAGE_SAFEGUARDING_SELF_HARM",
        word_list(risk.SELF_HARM),
        "Comma-separated phrases suggesting self-harm or suicide: an item with one is urgent "
        "(first in the queue, moderators e-mailed at once). A safety net, not a clinical service.",
        word_list,
    ),
    Setting(
        "ENGAGE_SAFEGUARDING_ABUSE",
        word_list(risk.ABUSE),
        "Comma-separated phrases suggesting abuse or neglect: the item is urgent.",
        word_list,
    ),
    Setting(
        "ENGAGE_SAFEGUARDING_EMERGENCY",
        word_list(risk.EMERGENCY),
        "Comma-separated phrases suggesting a medical emergency: the item is urgent.",
        word_list,
    ),
    Setting(
        "ENGAGE_LISTEN_TERMS",
        (),
        'Watched hashtags and phrases, comma-separated (#ValeCrossUrgentCare, "Riverside ICB"): '
        "`flask --app feedback_api listen` brings in public posts with them where the platform "
        "offers search (Mastodon hashtags and search on the account's server, Bluesky).",
        terms,
    ),
    Setting(
        "ENGAGE_LISTEN_COUNTS_MINUTES",
        15,
        "How often a poll asks again for cross-posted posts' replies, reposts, likes and "
        "quotes (a few requests for all of them), reads again the threads that grew, and "
        "checks that mentions are still there; 0: every poll. Comments on a Facebook post "
        "are found this way only.",
        positive_int,
    ),
    Setting(
        "ENGAGE_LISTEN_DAYS",
        30,
        "How long after posting a cross-posted post is followed (its counts and thread); "
        "mentions and watched terms are followed always.",
        positive_int,
    ),
    Setting(
        "ENGAGE_RETAIN_SOCIAL_DAYS",
        365,
        "Social media items (and our replies to them) older than this are deleted by "
        "`flask --app feedback_api purge`.",
        positive_int,
    ),
)

BY_NAME = {setting.name: setting for setting in SETTINGS}
