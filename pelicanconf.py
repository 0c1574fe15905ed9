"""Pelican settings for writing and previewing the blog (``invoke build``, ``make serve``)."""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # lets publishconf, tasks and tests import this module

from theme.filters import JINJA_FILTERS  # noqa: E402,F401  (Pelican reads it from here)

AUTHOR = "Katrin Albrecht"
SITENAME = "Social Media mit Augenmaß"
SITESUBTITLE = "Wann sich Social Media für kleine und mittlere Unternehmen lohnt – und wann nicht"
SITE_DESCRIPTION = (
    "Praxisnahe Beratung für kleine und mittlere Unternehmen: Ziele, Budget, Kanäle, "
    "Erfolgsmessung und der Mut, auf einen Kanal zu verzichten."
)

# Absolute base for canonical, Open Graph, JSON-LD and sitemap URLs. Links between pages
# and to assets stay relative (RELATIVE_URLS), so a preview works on any host and port.
SITEURL = "http://127.0.0.1:8000"
ABSOLUTE_SITEURL = SITEURL
RELATIVE_URLS = True

PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
# Pelican matches these against base names, so its own default "**/.*" lets ".DS_Store" or a
# ".git" folder through: ".*" keeps every hidden file and folder (and editor locks ".#*") out.
IGNORE_FILES = ["**/.*", ".*", "*~", "README.md"]

THEME = str(HERE / "theme")
PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "content_check",
    "comments",
    "search",
    "checklists",
    "recommendations",
    "share_images",
    "section_links",
    "feeds",
    "redirects",
    "minify_css",
]
# URL paths a program answers rather than a file (the comment form posts to /kommentare/):
# the link check of `invoke build` and `invoke publish` does not look for files there.
LINK_CHECK_IGNORE = ["/kommentare/"]
# Metadata keys the theme reads; plugins declare theirs in PLUGIN_METADATA_KEYS, a site adds its
# own in EXTRA_METADATA_KEYS. Any other key is a typo to the content check ("Stauts: draft").
THEME_METADATA_KEYS = ["image", "image_alt", "image_credit"]
EXTRA_METADATA_KEYS = ["placeholder"]  # "Placeholder: true" marks starter pages (invoke publish warns)

# Comment intake (plugins/comments): the moderation queue lives outside content/; the environment
# variables of the same names override both.
COMMENTS_DB = str(HERE / "var" / "kommentare.sqlite3")
COMMENTS_RATE_LIMIT = 5  # accepted posts per client per 10 minutes; 0 turns the limit off

TIMEZONE = "Europe/Berlin"
DEFAULT_LANG = "de"
WITH_FUTURE_DATES = False  # a future date makes an article a draft
DEFAULT_PAGINATION = 10
SUMMARY_MAX_LENGTH = 40

# Drafts (and future-dated articles) are never written into the site. For a look on your own
# machine, `PREVIEW_DRAFTS=1 make serve` writes them to /entwurf/<slug>/; publishconf.py turns
# this off whatever the environment says.
PREVIEW_DRAFTS = os.environ.get("PREVIEW_DRAFTS") == "1"
DRAFT_URL = "entwurf/{slug}/"
DRAFT_SAVE_AS = "entwurf/{slug}/index.html" if PREVIEW_DRAFTS else ""
DRAFT_PAGE_URL = "entwurf/seite/{slug}/"
DRAFT_PAGE_SAVE_AS = "entwurf/seite/{slug}/index.html" if PREVIEW_DRAFTS else ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""

# Pretty URLs in German.
ARTICLE_URL = "{slug}/"
ARTICLE_SAVE_AS = "{slug}/index.html"
ARTICLE_LANG_URL = "{slug}-{lang}/"
ARTICLE_LANG_SAVE_AS = "{slug}-{lang}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
PAGE_LANG_URL = "{slug}-{lang}/"
PAGE_LANG_SAVE_AS = "{slug}-{lang}/index.html"
CATEGORY_URL = "kategorie/{slug}/"
CATEGORY_SAVE_AS = "kategorie/{slug}/index.html"
CATEGORIES_URL = "kategorien/"
CATEGORIES_SAVE_AS = "kategorien/index.html"
TAG_URL = "schlagwort/{slug}/"
TAG_SAVE_AS = "schlagwort/{slug}/index.html"
TAGS_URL = "schlagwoerter/"
TAGS_SAVE_AS = "schlagwoerter/index.html"
AUTHOR_URL = "autor/{slug}/"
AUTHOR_SAVE_AS = "autor/{slug}/index.html"
AUTHORS_URL = "autoren/"
AUTHORS_SAVE_AS = "autoren/index.html"
ARCHIVES_URL = "archiv/"
ARCHIVES_SAVE_AS = "archiv/index.html"
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/seite/{number}/", "{base_name}/seite/{number}/index.html"),
)
DIRECT_TEMPLATES = ["index", "categories", "tags", "authors", "archives", "404", "sitemap", "robots"]
# Ten teasers on the home page; topic, tag and author archives list twenty per page.
PAGINATED_TEMPLATES = {"index": None, "category": 20, "tag": 20, "author": 20}
SITEMAP_SAVE_AS = "sitemap.xml"
ROBOTS_SAVE_AS = "robots.txt"
# 404.html sits at the root but is served for any missing path: its links are root-relative.
# (Pelican derives the name "404_SAVE_AS" for it; the default 404.html is what hosts expect.)

# German-aware slugs: "Für Größe" -> "fuer-groesse". Pelican runs these substitutions after
# its optional unidecode step, so keep Unicode and spell out German first, then other accents.
SLUGIFY_USE_UNICODE = True
SLUG_REGEX_SUBSTITUTIONS = [
    ("ä", "ae"),
    ("ö", "oe"),
    ("ü", "ue"),
    ("ß", "ss"),
    ("[àáâãå]", "a"),
    ("[çč]", "c"),
    ("[èéêë]", "e"),
    ("[ìíîï]", "i"),
    ("[ñ]", "n"),
    ("[òóôõø]", "o"),
    ("[ùúû]", "u"),
    ("&", " und "),
    (r"[^a-z0-9\s-]", ""),  # any other character is dropped: slugs stay plain ASCII
    (r"[-\s]+", "-"),
    (r"\A-+|-+\Z", ""),
]
CATEGORY_REGEX_SUBSTITUTIONS = SLUG_REGEX_SUBSTITUTIONS
TAG_REGEX_SUBSTITUTIONS = SLUG_REGEX_SUBSTITUTIONS
AUTHOR_REGEX_SUBSTITUTIONS = SLUG_REGEX_SUBSTITUTIONS

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "pymdownx.blocks.caption": {},
        "theme.markdown_extensions": {},  # tables scroll on phones, charts link to their file
    },
    "output_format": "html5",
}

# Feeds: the feeds plugin writes every feed with feedgen (settings: FEEDS, see README "Feeds").
# Pelican's own feed writer stays off; FEED_MAX_ITEMS is the number of entries per feed.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
FEED_MAX_ITEMS = 20
FEEDS: dict[str, object] = {}

# Theme
FOOTER_PAGES = ["ueber", "kontakt", "impressum", "datenschutz"]
NAV_PAGES = [("ueber", "Über"), "kontakt"]  # "slug" or ("slug", "short label in the menu")
READING_WORDS_PER_MINUTE = 200
