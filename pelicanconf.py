"""Development settings for the Engage site (used by `invoke build` and plain `pelican`).

Site facts live here; `publishconf.py` overrides what differs in production. Every `ENGAGE_*`
setting is declared with its default and help in `plugins/engagement/settings.py`.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent

# --- The organisation ------------------------------------------------------------------------
SITENAME = "NHS Riverside and Vale Integrated Care Board"
AUTHOR = "NHS Riverside and Vale ICB"
SITEURL = ""
SITE_DESCRIPTION = (
    "Have your say on health services in Riverside, Vale Cross and Millbrook: news, "
    "consultations and ways to get involved."
)
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en-GB"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

# --- Content ---------------------------------------------------------------------------------
PATH = "content"
ARTICLE_PATHS = ["posts", "consultations"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
SLUGIFY_SOURCE = "basename"  # the file name is the URL: stable when an editor retitles a post
USE_FOLDER_AS_CATEGORY = False
DEFAULT_CATEGORY = ""

# --- Theme and plugin ------------------------------------------------------------------------
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["engagement"]

# Pages may also be written in these (about.cy.md is the Welsh version of about.md): each
# language has its folder (/cy/about/), feed and place in the language switcher.
ENGAGE_LANGUAGES = ["cy", "ur", "pl"]
# What each language's pages say differently: the organisation's name and the links, written as
# in English (the build links each to its version in the language).
ENGAGE_LANGUAGE_SETTINGS = {
    "cy": {
        "SITENAME": "Bwrdd Gofal Integredig GIG Riverside a'r Fro",
        "SITE_DESCRIPTION": (
            "Dweud eich dweud am wasanaethau iechyd yn Riverside, Vale Cross a Millbrook: "
            "newyddion, ymgynghoriadau a ffyrdd o gymryd rhan."
        ),
        "ENGAGE_NAVIGATION": [
            ("Ymgynghoriadau", "consultations/"),
            ("Newyddion a chyngor", "blog/"),
            ("Amdanom ni", "about/"),
            ("Cysylltu â ni", "contact/"),
        ],
        "ENGAGE_FOOTER_LINKS": [
            ("Dywedoch chi, gwnaethom ni", "you-said-we-did/"),
            ("Rheolau sylfaenol ar gyfer cymryd rhan", "ground-rules/"),
            ("Hysbysiad preifatrwydd", "privacy/"),
            ("Datganiad hygyrchedd", "accessibility/"),
            ("Cysylltu â ni", "contact/"),
        ],
        "ENGAGE_CATEGORIES": ["Newyddion", "Cyngor iechyd", "Dweud eich dweud"],
    },
    "ur": {
        "SITENAME": "این ایچ ایس ریور سائیڈ اینڈ ویل انٹیگریٹڈ کیئر بورڈ",
        "SITE_DESCRIPTION": (
            "ریور سائیڈ، ویل کراس اور مل بروک میں صحت کی خدمات کے بارے میں اپنی رائے دیں۔"  # noqa: RUF001 (Urdu full stop)
        ),
        "ENGAGE_NAVIGATION": [
            ("مشاورتیں", "consultations/"),
            ("خبریں اور مشورے", "blog/"),
            ("ہمارے بارے میں", "about/"),
            ("ہم سے رابطہ کریں", "contact/"),
        ],
        "ENGAGE_FOOTER_LINKS": [
            ("آپ نے کہا، ہم نے کیا", "you-said-we-did/"),
            ("حصہ لینے کے بنیادی اصول", "ground-rules/"),
            ("رازداری کا نوٹس", "privacy/"),
            ("رسائی کا بیان", "accessibility/"),
            ("ہم سے رابطہ کریں", "contact/"),
        ],
        "ENGAGE_CATEGORIES": ["خبریں", "صحت کے بارے میں مشورہ", "اپنی رائے دیں"],
    },
    "pl": {
        "SITENAME": "NHS Riverside and Vale Integrated Care Board",
        "SITE_DESCRIPTION": (
            "Wyraź swoją opinię o usługach zdrowotnych w Riverside, Vale Cross i Millbrook."
        ),
        "ENGAGE_NAVIGATION": [
            ("Konsultacje", "consultations/"),
            ("Aktualności i porady", "blog/"),
            ("O nas", "about/"),
            ("Kontakt", "contact/"),
        ],
        "ENGAGE_FOOTER_LINKS": [
            ("Powiedzieliście, zrobiliśmy", "you-said-we-did/"),
            ("Zasady udziału", "ground-rules/"),
            ("Informacja o prywatności", "privacy/"),
            ("Deklaracja dostępności", "accessibility/"),
            ("Kontakt", "contact/"),
        ],
        "ENGAGE_CATEGORIES": ["Aktualności", "Porady zdrowotne", "Wyraź swoją opinię"],
    },
}
ENGAGE_CATEGORIES = ["News", "Health advice", "Have your say"]
# Consultations first: on a phone the header shows the first items and puts the rest under "More".
ENGAGE_NAVIGATION = [
    ("Consultations", "consultations/"),
    ("News and advice", "blog/"),
    ("About us", "about/"),
    ("Contact us", "contact/"),
]
ENGAGE_FOOTER_LINKS = [
    ("You said, we did", "you-said-we-did/"),
    ("Ground rules for taking part", "ground-rules/"),
    ("Privacy notice", "privacy/"),
    ("Accessibility statement", "accessibility/"),
    ("Contact us", "contact/"),
]
# `make run PORT=8123` sets it, so canonical links and feeds name the port actually served.
ENGAGE_SITE_URL = os.environ.get("ENGAGE_SITE_URL", "http://127.0.0.1:8000")
ENGAGE_API_URL = "/api"
# The parameter that names the channel a reader came through (?via=mastodon): the same for the
# build, the API and the cross-poster; the forms copy it into their hidden `via` field.
ENGAGE_CROSSPOST_VIA = os.environ.get("ENGAGE_CROSSPOST_VIA", "via")
ENGAGE_NODE_MODULES = str(ROOT / "node_modules")
ENGAGE_SCSS = str(ROOT / "theme" / "scss" / "main.scss")

# --- URLs: folders with index.html, so addresses stay tidy on any static host ----------------
ARTICLE_URL = "blog/{slug}/"
ARTICLE_SAVE_AS = "blog/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "blog/category/{slug}/"
CATEGORY_SAVE_AS = "blog/category/{slug}/index.html"
TAG_URL = "blog/tag/{slug}/"
TAG_SAVE_AS = "blog/tag/{slug}/index.html"
CATEGORIES_URL = "blog/categories/"
CATEGORIES_SAVE_AS = "blog/categories/index.html"
TAGS_URL = "blog/tags/"
TAGS_SAVE_AS = "blog/tags/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"

DIRECT_TEMPLATES = [
    "home",
    "index",
    "categories",
    "tags",
    "consultations",
    "you_said_we_did",
    "notfound",
    "search",
    "sitemap",
    "robots",
]
HOME_SAVE_AS = "index.html"
INDEX_URL = "blog/"
INDEX_SAVE_AS = "blog/index.html"
CONSULTATIONS_URL = "consultations/"
CONSULTATIONS_SAVE_AS = "consultations/index.html"
YOU_SAID_WE_DID_URL = "you-said-we-did/"
YOU_SAID_WE_DID_SAVE_AS = "you-said-we-did/index.html"
NOTFOUND_SAVE_AS = "404.html"
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
SITEMAP_SAVE_AS = "sitemap.xml"
ROBOTS_SAVE_AS = "robots.txt"

DEFAULT_PAGINATION = 10
# Tags are narrow enough to list whole; the blog and categories are paginated.
PAGINATED_TEMPLATES = {"index": None, "category": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# --- Feeds: Atom and RSS for all posts, Atom per category (consultations have their own) -----
FEED_DOMAIN = ENGAGE_SITE_URL  # feed links must be absolute for feed readers and cross-posting
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
FEED_MAX_ITEMS = 50
RSS_FEED_SUMMARY_ONLY = True

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
    },
    "output_format": "html5",
}

# --- Build -----------------------------------------------------------------------------------
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = str(ROOT / ".cache" / "pelican")
GZIP_CACHE = False  # a few more megabytes on disk for a quicker rebuild
RELATIVE_URLS = False
TYPOGRIFY = False
