"""Move a WordPress export (WXR 1.0–1.2) into content/: posts, pages, images, comments, old URLs.

Everything is planned in memory first: files to write, images to copy, comments for the moderation
queue. Every item is judged (a broken one is reported by name, the others are still checked); only a
complete plan without errors is written, all files or none (sitetools.wordpress.files). A second run
on the same export finds every file identical and writes nothing. No e-mail address, IP address or
user agent from the export is written anywhere; no value from the export reaches a metadata line with
a line break, and no id or name from it becomes a path before it is checked.
"""

from __future__ import annotations

import html
import io
import logging
import re
import unicodedata
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup
from comments.cleaning import WebsiteError, check_website
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from markupsafe import Markup
from pelican.utils import slugify
from unidecode import unidecode

from sitetools.wordpress import files, redirects
from sitetools.wordpress.markdown import (
    MAX_DEPTH,
    UPLOADS_MARK,
    CommentConverter,
    PostConverter,
    autop,
    html_depth,
)

logger = logging.getLogger(__name__)

DEFAULT_NS = {
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
}
WP_NS_RE = re.compile(r"\Ahttps?://wordpress\.org/export/1\.[0-2]/\Z")
WXR_VERSION_RE = re.compile(r"\A\d+\.\d+\Z")
WP_ID_RE = re.compile(r"\A[0-9]{1,20}\Z")
SLUG_RE = re.compile(r"\A[a-z0-9]+(?:-[a-z0-9]+)*\Z")
BLOCK_EDITOR_RE = re.compile(r"<!--\s*/?wp:")
BLOCK_COMMENT_RE = re.compile(r"<!--\s*/?wp:.*?-->", re.S)
MORE_RE = re.compile(r"<!--\s*(?:more|nextpage|noteaser)\b.*?-->", re.S)
CAPTION_RE = re.compile(r"\[caption[^\]]*\](?P<inner>.*?)\[/caption\]", re.S)
EMBED_SHORTCODE_RE = re.compile(r"\[embed[^\]]*\](?P<url>.*?)\[/embed\]", re.S)
SHORTCODE_RE = re.compile(r"\[/?[a-zA-Z][\w-]*(?:\s[^\]\n]*)?\]")
BARE_URL_LINE_RE = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.M)
CREDIT_RE = re.compile(r"\A\s*(?:Foto|Fotos|Bild|Bildnachweis|Photo)\s*(?:©|\(c\))?\s*:?\s*(?P<credit>.+)", re.I | re.S)
RESIZED_RE = re.compile(r"-\d+x\d+(?=\.\w+$)")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


class ImportError_(ValueError):
    """The export cannot be imported; the message says why and what to do (German, for the author)."""


class ItemError(ValueError):
    """One item of the export cannot be imported (German message naming it); the others are still judged."""


def plural(count: int, one: str, many: str) -> str:
    """ "1 Seite", "2 Seiten"."""
    return f"{count} {one if count == 1 else many}"


def clean(value: object) -> str:
    """A value for one metadata line: control characters and line breaks become spaces, runs collapse."""
    return " ".join(CONTROL_RE.sub(" ", str(value)).split())


def shown(value: str, limit: int = 60) -> str:
    """A refused value as the report shows it: control characters visible, long ones cut."""
    text = value.encode("unicode_escape").decode("ascii") if CONTROL_RE.search(value) else value
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass
class Summary:
    """What a run did, for the German report at its end."""

    counts: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        """Something the author should look at (each only once)."""
        if text not in self.notes:
            self.notes.append(text)

    def report(self, dry_run: bool) -> str:
        """The German summary."""
        c = self.counts
        lines = [
            ("Probelauf – nichts geschrieben. " if dry_run else "") + "Import aus WordPress:",
            f"  {plural(c['posts'], 'Beitrag', 'Beiträge')} ({c['drafts']} davon als Entwurf), "
            f"{plural(c['pages'], 'Seite', 'Seiten')}",
            f"  {plural(c['images'], 'Bild', 'Bilder')}, {plural(c['comments'], 'Kommentar', 'Kommentare')}, "
            f"{plural(c['pingbacks'], 'Pingback', 'Pingbacks')}",
            f"  {plural(c['pending'], 'wartender Kommentar', 'wartende Kommentare')} in der Moderation "
            "(invoke comments.list)",
            f"  übersprungen: {c['trash']} im Papierkorb, {c['spam']} Spam, "
            f"{plural(c['other'], 'Eintrag', 'Einträge')} anderer Art (Menüs, Vorlagen, Blöcke), "
            f"{plural(c['unchanged'], 'Datei', 'Dateien')} schon vorhanden und gleich",
            f"  geschrieben: {plural(c['written'], 'Datei', 'Dateien')}",
        ]
        if self.notes:
            lines.append("Bitte von Hand prüfen:")
            lines += [f"  - {note}" for note in self.notes]
        return "\n".join(lines)


@dataclass
class Post:
    """One post or page of the export, as far as the import needs it."""

    wp_id: str
    kind: str  # "post" or "page"
    title: str
    slug: str
    status: str
    link: str
    item: object
    date: datetime | None = None
    category: str = ""
    protected: bool = False  # by a password

    @property
    def draft(self) -> bool:
        """Drafts, pending, private and password-protected posts stay unpublished."""
        return self.status in ("draft", "pending", "auto-draft", "future", "private") or self.protected

    @property
    def label(self) -> str:
        """How the report names the item."""
        return f"{'Beitrag' if self.kind == 'post' else 'Seite'} „{self.title}“ (ID {self.wp_id})"


def _text(element, path: str, ns: dict[str, str]) -> str:
    found = element.find(path, ns)
    return (found.text or "").strip() if found is not None else ""


def parse_export(data: bytes) -> tuple[object, dict[str, str]]:
    """The channel element and the namespaces the document declares; refuses DTDs, entities, foreign XML.

    Like WordPress' own importer, the prefixes `wp`, `excerpt`, `content` and `dc` mean what the file
    declares for them (WXR 1.0 to 1.2, http or https).
    """
    declared: dict[str, str] = {}
    root = None
    try:
        for event, value in iterparse(
            io.BytesIO(data), events=("start-ns", "start"), forbid_dtd=True, forbid_entities=True
        ):
            if event == "start-ns" and root is None:
                declared.setdefault(value[0], value[1])
            elif event == "start" and root is None:
                root = value
    except DefusedXmlException as exc:
        raise ImportError_(
            "Die Datei enthält eine DTD oder Entitäten, wie sie WordPress nie schreibt; aus Sicherheitsgründen "
            f"wird sie nicht gelesen ({type(exc).__name__})."
        ) from exc
    except ElementTree.ParseError as exc:
        raise ImportError_(f"Die Datei ist kein lesbares XML ({exc}).") from exc
    channel = root.find("channel") if root is not None and root.tag == "rss" else None
    wp = declared.get("wp", "")
    if channel is not None and not WP_NS_RE.match(wp):  # undeclared or unusual: the namespace of wxr_version
        wp = next((c.tag[1:].split("}")[0] for c in channel if c.tag.endswith("}wxr_version")), "")
    version = channel.find(f"{{{wp}}}wxr_version") if channel is not None and WP_NS_RE.match(wp) else None
    if version is None:
        raise ImportError_(
            "Das ist keine WordPress-Exportdatei (WXR). Exportieren Sie in WordPress unter "
            "„Werkzeuge → Daten exportieren“ und geben Sie diese Datei an."
        )
    if not WXR_VERSION_RE.match((version.text or "").strip()):
        raise ImportError_(
            f"Die Exportdatei nennt keine gültige WXR-Version („{shown((version.text or '').strip())}“); "
            "exportieren Sie sie in WordPress neu."
        )
    ns = {
        **DEFAULT_NS,
        **{k: v for k, v in declared.items() if k in ("content", "dc")},
        "wp": wp,
        "excerpt": declared.get("excerpt", f"{wp}excerpt/"),
    }
    return channel, ns


class WordPressImport:
    """Plans and writes one import into a content directory."""

    def __init__(
        self,
        export: Path,
        content: Path,
        settings: dict,
        uploads: Path | None = None,
        force: bool = False,
        deploy: Path | None = None,
    ) -> None:
        self.export = export
        self.content = content
        self.settings = settings
        self.uploads = uploads
        self.force = force
        self.deploy = deploy
        self.timezone = ZoneInfo(settings["TIMEZONE"])
        self.summary = Summary()
        self.files: dict[Path, str] = {}
        self.copies: dict[Path, Path] = {}
        self.pending: list[dict] = []
        self.errors: list[str] = []
        self.redirects: dict[str, str] = {}  # old path (or ?p=ID) -> new URL path
        self.used_terms: dict[str, set[str]] = {"category": set(), "tag": set()}  # of published posts
        self.archive_redirects: dict[str, str] = {}  # old category/tag archive -> new one (content/redirects.txt)

    # --- reading the export -------------------------------------------------------------------

    def slug(self, text: str) -> str:
        """A readable ASCII slug: German spelled out (ü -> ue), other scripts transliterated (Unidecode)."""
        text = unidecode(unicodedata.normalize("NFC", text).translate(GERMAN))
        return slugify(text, regex_subs=self.settings["SLUG_REGEX_SUBSTITUTIONS"], use_unicode=False)

    def term_slug(self, name: str, kind: str) -> str:
        """The slug Pelican itself gives a category or tag name (for the new archive address)."""
        subs = self.settings.get(f"{kind.upper()}_REGEX_SUBSTITUTIONS", self.settings["SLUG_REGEX_SUBSTITUTIONS"])
        return slugify(name, regex_subs=subs, use_unicode=self.settings.get("SLUGIFY_USE_UNICODE", False))

    def url(self, setting: str, **values) -> str:
        """A new address from the site's URL setting (ARTICLE_URL, PAGE_URL, …), as a path from the root."""
        pattern = self.settings.get(setting, "{slug}/")
        values.setdefault("lang", self.settings.get("DEFAULT_LANG", "de"))
        try:
            return "/" + pattern.format(**values).lstrip("/")
        except (KeyError, AttributeError, IndexError, ValueError) as exc:
            raise ImportError_(
                f"Die Einstellung {setting} = {pattern!r} braucht {exc}, das der Import nicht kennt; "
                "nutzen Sie {slug}, {date}, {lang} oder {category}."
            ) from exc

    def post_url(self, post: Post) -> str:
        """Where the new site shows a post or page."""
        if post.kind == "page":
            return self.url("PAGE_URL", slug=post.slug)
        return self.url("ARTICLE_URL", slug=post.slug, date=post.date or datetime.now(self.timezone),
                        category=post.category and self.term_slug(post.category, "category"))  # fmt: skip

    def read(self) -> None:
        """Parse the export and plan every file; every broken item is named, then the whole run refused."""
        try:
            data = self.export.read_bytes()
        except OSError as exc:
            raise ImportError_(f"{self.export} lässt sich nicht lesen ({exc.strerror}).") from exc
        channel, self.ns = parse_export(data)
        self.base_url = (_text(channel, "wp:base_blog_url", self.ns) or _text(channel, "link", self.ns)).rstrip("/")
        self.authors = {}
        for author in channel.findall("wp:author", self.ns):
            login = _text(author, "wp:author_login", self.ns)
            self.authors[login] = (clean(_text(author, "wp:author_display_name", self.ns) or login),
                                   _text(author, "wp:author_id", self.ns))  # fmt: skip
        items = channel.findall("item")
        self.attachments = {
            _text(i, "wp:post_id", self.ns): i for i in items if _text(i, "wp:post_type", self.ns) == "attachment"
        }
        posts = []
        for item in items:
            kind = _text(item, "wp:post_type", self.ns)
            if kind not in ("post", "page"):
                self.summary.counts["other"] += kind not in ("attachment", "revision")
                continue
            try:
                post = self.post(item)
            except ItemError as exc:
                self.errors.append(str(exc))
                continue
            if post:
                posts.append(post)
        self.assign_slugs(posts)
        self.by_link = {}
        for post in posts:
            for key in self.link_keys(post):
                self.by_link.setdefault(key, post)
        for post in posts:
            try:
                self.plan_post(post)
            except ItemError as exc:
                self.errors.append(str(exc))
        self.plan_archive_redirects(channel)
        if self.errors:
            count = len(self.errors)
            head = "Ein Eintrag der Exportdatei lässt" if count == 1 else f"{count} Einträge der Exportdatei lassen"
            raise ImportError_(f"{head} sich nicht übernehmen:\n" + "\n".join(f"  - {e}" for e in self.errors))

    def post(self, item) -> Post | None:
        """A Post for an item, or None for trash and items with a refused id."""
        status = _text(item, "wp:status", self.ns)
        title = clean(html.unescape(_text(item, "title", self.ns))) or "Ohne Titel"
        kind = _text(item, "wp:post_type", self.ns)
        if status == "trash":
            self.summary.counts["trash"] += 1
            return None
        wp_id = _text(item, "wp:post_id", self.ns)
        if not WP_ID_RE.match(wp_id):
            self.summary.note(f"„{title}“ nicht übernommen: die WordPress-ID „{shown(wp_id)}“ ist keine Zahl")
            return None
        post = Post(wp_id, kind, title, "", status, _text(item, "link", self.ns), item)
        post.protected = bool(_text(item, "wp:post_password", self.ns))
        post.date = self.date(item, "wp:post_date", "wp:post_date_gmt", post.label) or self.pub_date(item)
        categories = self.terms(item, "category")
        post.category = categories[0] if categories else ""
        return post

    def assign_slugs(self, posts: list[Post]) -> None:
        """Readable, unique slugs (published items first, in export order); a bare number never is one."""
        taken: set[str] = set()
        for post in sorted(posts, key=lambda p: p.draft):
            wp_slug = clean(unquote(_text(post.item, "wp:post_name", self.ns))).removesuffix("__trashed")
            slug = wp_slug if SLUG_RE.match(wp_slug) and not wp_slug.isdigit() else self.slug(wp_slug)
            if not slug or slug.isdigit():
                slug = self.slug(post.title) if post.title != "Ohne Titel" else ""
            if not slug or slug.isdigit():
                slug = f"{'beitrag' if post.kind == 'post' else 'seite'}-{slug or post.wp_id}"
            unique, number = slug, 2
            while unique in taken:
                unique, number = f"{slug}-{number}", number + 1
            if unique != slug:
                self.summary.note(f"{post.label}: Slug „{slug}“ ist schon vergeben, neu: „{unique}“")
            taken.add(unique)
            post.slug = unique

    def terms(self, item, kind: str) -> list[str]:
        """The item's categories (kind "category") or tags, as names (WXR 1.0 writes tags as domain "tag")."""
        domains = ("category",) if kind == "category" else ("post_tag", "tag")
        names = [clean(html.unescape(c.text or "")) for c in item.findall("category") if c.get("domain") in domains]
        names = [n for n in names if n and n != "Uncategorized"]
        return list(dict.fromkeys(names))

    def link_keys(self, post: Post) -> list[str]:
        """Every address under which the old site served the post (permalink path, ?p=ID, guid)."""
        keys = [f"?p={post.wp_id}"] + ([f"?page_id={post.wp_id}"] if post.kind == "page" else [])
        for url in (post.link, _text(post.item, "guid", self.ns)):
            if not url.startswith(("http://", "https://")) or CONTROL_RE.search(url):
                continue
            parts = urlsplit(url)
            path = redirects.old_path(parts.path)
            if path is None:
                self.summary.note(f"{post.label}: alte Adresse „{shown(url)}“ abgelehnt, keine Weiterleitung")
            elif path != "/":
                keys.append(path.rstrip("/") + "/")
            for name in ("p", "page_id"):
                value = parse_qs(parts.query).get(name, [""])[0]
                if WP_ID_RE.match(value):
                    keys.append(f"?{name}={value}")
        return list(dict.fromkeys(keys))

    # --- planning -----------------------------------------------------------------------------

    def date(self, element, local: str, gmt: str, label: str) -> datetime | None:
        """A post or comment date in the site's time zone (from the GMT field, else the local one)."""
        value = _text(element, gmt, self.ns)
        zone = ZoneInfo("UTC")
        if not value or value.startswith("0000"):
            value, zone = _text(element, local, self.ns), self.timezone
        if not value or value.startswith("0000"):
            return None
        try:
            return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone).astimezone(self.timezone)
        except ValueError:
            raise ItemError(
                f"{label}: das Datum „{shown(value)}“ ist kein gültiges Datum (erwartet wie 2014-01-09 14:30:00)"
            ) from None

    def pub_date(self, item) -> datetime | None:
        """The RSS pubDate of an item, for exports without WordPress dates."""
        try:
            return parsedate_to_datetime(_text(item, "pubDate", self.ns)).astimezone(self.timezone)
        except (TypeError, ValueError):
            return None

    def plan_post(self, post: Post) -> None:
        """Plan the Markdown file, its images, comments and old URLs."""
        item, ns = post.item, self.ns
        folder = "articles" if post.kind == "post" else "pages"
        path = self.content / folder / f"{post.slug}.md"
        if post.status == "private" or post.protected:
            reason = "privat" if post.status == "private" else "mit Passwort geschützt"
            self.summary.note(f"„{post.title}“ war {reason} und ist jetzt ein Entwurf: {path.name}")
        meta = [("Title", post.title)]
        if post.date is None and post.kind == "post":  # WordPress dates such a post at the import; so do we, once
            earlier = re.search(r"^Date: (\S+)$", path.read_text(encoding="utf-8"), re.M) if path.is_file() else None
            try:
                post.date = datetime.fromisoformat(earlier[1]) if earlier else None
            except ValueError:
                post.date = None
            post.date = post.date or datetime.now(self.timezone).replace(microsecond=0)
            self.summary.note(f"{post.label} hat kein Datum; wie in WordPress gilt der erste Import: {path.name}")
        if post.date:
            meta.append(("Date", post.date.isoformat(timespec="seconds")))
        modified = self.date(item, "wp:post_modified", "wp:post_modified_gmt", post.label)
        if modified and post.date and modified > post.date:
            meta.append(("Modified", modified.isoformat(timespec="seconds")))
        if post.kind == "post":
            author = self.authors.get(_text(item, "dc:creator", ns), (_text(item, "dc:creator", ns), ""))[0]
            if clean(author):
                meta.append(("Author", author))
            categories, tags = self.terms(item, "category"), self.terms(item, "tag")
            if categories:
                meta.append(("Category", categories[0]))
            if tags or categories[1:]:
                meta.append(("Tags", ", ".join(dict.fromkeys(t.replace(",", " ") for t in categories[1:] + tags))))
            if not post.draft:
                self.used_terms["category"].update(categories[:1])
                self.used_terms["tag"].update(tags)
        excerpt = Markup(_text(item, "excerpt:encoded", ns)).striptags()  # tags out, entities decoded
        if clean(excerpt):
            meta.append(("Summary", excerpt))
        meta.append(("Slug", post.slug))
        if post.draft:
            meta.append(("Status", "draft"))
        if _text(item, "wp:comment_status", ns) == "closed":
            meta.append(("Comments", "closed"))
        featured = self.featured_image(item)
        body = self.convert(_text(item, "content:encoded", ns), post, featured)
        if featured:
            meta += [("Image", featured.path), ("Image_alt", featured.alt or post.title)]
            if featured.credit:
                meta.append(("Image_credit", featured.credit))
        meta.append(("Wordpress_id", post.wp_id))
        new_url = self.post_url(post)
        if not post.draft:
            old = sorted({k for k in self.link_keys(post) if not k.startswith("?")} - {new_url})
            if old:
                meta.append(("Redirect_from", ", ".join(redirects.file_path(o) for o in old)))
            for key in self.link_keys(post):
                self.redirects.setdefault(key, new_url)
        header = "\n".join(f"{key}: {clean(value)}" for key, value in meta if clean(value))
        self.plan_file(path, f"{header}\n\n{body}\n", post.wp_id)
        self.summary.counts["pages" if post.kind == "page" else "posts"] += 1
        if post.draft and post.kind == "post":
            self.summary.counts["drafts"] += 1
        self.plan_comments(post)

    def plan_file(self, path: Path, text: str, wp_id: str | None = None) -> None:
        """Plan one text file; an existing different file is kept unless --force replaces an imported one."""
        if not files.inside(path, [self.content]):
            raise ItemError(f"{path} läge außerhalb von {self.content}; nichts wurde geschrieben")
        if path in self.files:
            raise ItemError(f"zwei Einträge der Exportdatei ergeben dieselbe Datei {path}; bitte Slugs prüfen")
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise ItemError(f"{path} ist keine gewöhnliche Datei; bitte umbenennen")
        if path.exists():
            old = path.read_text(encoding="utf-8", errors="replace")
            if old == text:
                self.summary.counts["unchanged"] += 1
                return
            imported = wp_id is not None and re.search(rf"^Wordpress_id: {re.escape(wp_id)}$", old, re.M)
            if not (self.force and (imported or wp_id is None)):
                raise ItemError(
                    f"{path} gibt es schon mit anderem Inhalt. Benennen Sie die Datei um "
                    "oder ersetzen Sie importierte Dateien mit --force"
                )
        self.files[path] = text

    def featured_image(self, item) -> FeaturedImage | None:
        """The post's featured image (_thumbnail_id): its copied path, alt text and credit."""
        for meta in item.findall("wp:postmeta", self.ns):
            if _text(meta, "wp:meta_key", self.ns) != "_thumbnail_id":
                continue
            attachment = self.attachments.get(_text(meta, "wp:meta_value", self.ns))
            if attachment is None:
                return None
            url = _text(attachment, "wp:attachment_url", self.ns) or _text(attachment, "guid", self.ns)
            local = self.image(url)
            if not local:
                return None
            alt = ""
            for att_meta in attachment.findall("wp:postmeta", self.ns):
                if _text(att_meta, "wp:meta_key", self.ns) == "_wp_attachment_image_alt":
                    alt = _text(att_meta, "wp:meta_value", self.ns)
            credit = CREDIT_RE.match(Markup(_text(attachment, "excerpt:encoded", self.ns)).striptags())
            return FeaturedImage(
                local.removeprefix("{static}/"),
                clean(alt or html.unescape(_text(attachment, "title", self.ns))),
                clean(credit["credit"]) if credit else "",
                RESIZED_RE.sub("", url.split("?")[0]),
            )
        return None

    def image(self, url: str) -> str | None:
        """Plan copying an uploaded file; its `{static}` path, or None (listed in the summary) if missing."""
        if UPLOADS_MARK not in url:
            return None
        relative = PurePosixPath(unquote(url.split(UPLOADS_MARK, 1)[1].split("?")[0].split("#")[0]))
        if not relative.parts or any(p in ("..", ".", "") for p in relative.parts) or CONTROL_RE.search(str(relative)):
            self.summary.note(f"Bildadresse abgelehnt: {shown(url)}")
            return None
        if re.search(r"[\s()<>\[\]]", str(relative)):
            self.summary.note(f"Bild mit Leerzeichen oder Klammern im Namen nicht übernommen: {shown(url)}")
            return None
        candidates = [relative]
        original = RESIZED_RE.sub("", relative.name)  # WordPress' resized copies
        if original != relative.name:
            candidates.append(relative.with_name(original))
        for candidate in candidates:
            source = self.uploads / candidate if self.uploads else None
            if source is None or not (source.exists() or source.is_symlink()):
                continue
            if not files.inside(source, [self.uploads]) or not source.resolve().is_file():
                self.summary.note(
                    f"Bild {candidate} nicht kopiert: es liegt nicht als Datei in --uploads (Verknüpfung?)"
                )
                continue
            target = self.content / "images" / candidate
            if not files.inside(target, [self.content / "images"]):
                self.summary.note(f"Bild {candidate} nicht kopiert: Ziel läge außerhalb von {self.content}/images")
                continue
            if target not in self.copies:
                if not (target.is_file() and target.read_bytes() == source.resolve().read_bytes()):
                    self.copies[target] = source.resolve()
                self.summary.counts["images"] += 1
            return f"{{static}}/images/{candidate.as_posix()}"
        self.summary.note(f"Bild fehlt, im Text bleibt ein Link: {shown(url, 120)}")
        return None

    # --- body ---------------------------------------------------------------------------------

    def convert(self, body: str, post: Post, featured: FeaturedImage | None = None) -> str:
        """WordPress post HTML (classic or block editor) as clean Markdown; removals are listed."""
        removed: list[str] = []
        body = body.replace("\r\n", "\n").replace("\r", "\n")
        classic = not BLOCK_EDITOR_RE.search(body)  # the block editor marks its blocks, the classic one does not
        removed += sorted({re.sub(r"\s+", "", m) for m in MORE_RE.findall(body)})
        body = BLOCK_COMMENT_RE.sub("", MORE_RE.sub("\n\n" if classic else "", body))
        body = CAPTION_RE.sub(lambda m: self.caption(m["inner"]), body)
        body = EMBED_SHORTCODE_RE.sub(lambda m: f"\n\n{m['url'].strip()}\n\n", body)
        removed += sorted(set(SHORTCODE_RE.findall(body)))
        # A shortcode alone on its line leaves a paragraph break, one inside a sentence just goes.
        body = re.sub(rf"^[ \t]*(?:{SHORTCODE_RE.pattern}[ \t]*)+$", "\n", body, flags=re.M)
        body = SHORTCODE_RE.sub("", body)
        body = BARE_URL_LINE_RE.sub(lambda m: f'<a href="{m[1]}">{m[1]}</a>', body)  # oEmbed URLs: plain links
        if classic:
            body = autop(body)
        soup = BeautifulSoup(body, "html.parser")
        if html_depth(soup) > MAX_DEPTH:
            raise ItemError(
                f"{post.label}: der Text ist mehr als {MAX_DEPTH} Ebenen tief verschachtelt "
                "(z. B. <div> in <div>); bitte in WordPress vereinfachen"
            )
        if featured:
            self.drop_lead_image(soup, featured)
        dropped: list[str] = []
        converter = PostConverter(importer=self, report=dropped.append)
        markdown = converter.convert_soup(soup)
        if removed:
            self.summary.note(f"„{post.title}“: entfernt: {', '.join(removed)[:200]}")
        for text in dropped:
            self.summary.note(f"„{post.title}“: {text}")
        return re.sub(r"\n{3,}", "\n\n", markdown).strip()

    def drop_lead_image(self, soup: BeautifulSoup, featured: FeaturedImage) -> None:
        """The featured image shown again as the first image of the text goes (the theme shows it on top).

        Its caption's "Foto: …" credit becomes Image_credit when the attachment names none.
        """
        first = soup.find("img")
        if first is None or RESIZED_RE.sub("", first.get("src", "").split("?")[0]) != featured.source:
            return
        figure = first.find_parent("figure")
        caption = figure.find("figcaption") if figure is not None else None
        if caption is not None and not featured.credit:
            credit = CREDIT_RE.match(caption.get_text(" "))
            if credit:
                featured.credit = clean(credit["credit"])
        if not featured.alt and first.get("alt"):
            featured.alt = clean(first["alt"])
        wrapper = figure or (first.parent if first.parent.name == "a" else first)
        wrapper.decompose()

    def caption(self, inner: str) -> str:
        """A [caption] shortcode as a <figure> with its caption (the image's own markup comes first)."""
        match = re.match(r"\s*(?P<media>(?:<a[^>]*>\s*)?<img[^>]*>(?:\s*</a>)?)(?P<text>.*)", inner, re.S)
        if not match:
            return inner
        return f"<figure>{match['media']}<figcaption>{match['text'].strip()}</figcaption></figure>"

    def internal_link(self, href: str) -> str:
        """A link to another imported post becomes a {filename} link; everything else stays."""
        if not self.base_url or not href.startswith(self.base_url):
            return href
        parts = urlsplit(href)
        keys = [redirects.normalise_path(parts.path).rstrip("/") + "/"]
        keys += [f"?{k}={v[0]}" for k, v in parse_qs(parts.query).items()]
        for key in keys:
            target = self.by_link.get(key)
            if target:
                folder = "articles" if target.kind == "post" else "pages"
                return f"{{filename}}/{folder}/{target.slug}.md" + (f"#{parts.fragment}" if parts.fragment else "")
        return href

    # --- comments -----------------------------------------------------------------------------

    def plan_comments(self, post: Post) -> None:
        """Approved comments and pingbacks become files; pending ones go to the queue; spam and trash go."""
        comments = post.item.findall("wp:comment", self.ns)
        author_id = self.authors.get(_text(post.item, "dc:creator", self.ns), ("", ""))[1]
        valid = {}
        for comment in comments:
            wp_id = _text(comment, "wp:comment_id", self.ns)
            if WP_ID_RE.match(wp_id):
                valid[wp_id] = comment
            else:
                self.summary.note(f"{post.label}: Kommentar mit ungültiger ID „{shown(wp_id)}“ nicht übernommen")
        approved = {i for i, c in valid.items() if _text(c, "wp:comment_approved", self.ns) == "1"}
        for wp_id, comment in valid.items():
            state = _text(comment, "wp:comment_approved", self.ns)
            kind = _text(comment, "wp:comment_type", self.ns) or "comment"
            if state in ("spam", "trash"):
                self.summary.counts["spam" if state == "spam" else "trash"] += 1
                continue
            if kind not in ("comment", "pingback", "trackback"):
                continue
            if state not in ("0", "1"):  # WordPress lists such a comment nowhere, neither approved nor pending
                self.summary.note(f"{post.label}: Kommentar {wp_id} ohne Freigabestatus übergangen")
                continue
            label = f"{post.label}, Kommentar {wp_id}"
            parent = _text(comment, "wp:comment_parent", self.ns)
            reply_to = f"wp{parent}" if parent in approved and parent != wp_id else None
            url = _text(comment, "wp:comment_author_url", self.ns)
            if url:
                try:
                    url = check_website(url)  # the same check as the intake and the build
                except WebsiteError:
                    self.summary.note(f"{label}: Webadresse „{shown(url)}“ verworfen")
                    url = ""
            author = clean(html.unescape(_text(comment, "wp:comment_author", self.ns))) or "Anonym"
            dropped: list[str] = []
            soup = BeautifulSoup(autop(_text(comment, "wp:comment_content", self.ns)), "html.parser")
            if html_depth(soup) > MAX_DEPTH:
                raise ItemError(f"{label}: der Text ist mehr als {MAX_DEPTH} Ebenen tief verschachtelt")
            text = CommentConverter(report=dropped.append).convert_soup(soup)
            for note in dropped:
                self.summary.note(f"{label}: {note}")
            text = re.sub(r"\n{3,}", "\n\n", text).strip() or "…"
            date = self.date(comment, "wp:comment_date", "wp:comment_date_gmt", label)
            if date is None:
                raise ItemError(f"{label}: der Kommentar hat kein Datum")
            by_author = author_id not in ("", "0") and _text(comment, "wp:comment_user_id", self.ns) == author_id
            entry_type = "pingback" if kind in ("pingback", "trackback") else "comment"
            if state == "1":
                meta = [("Author", author), ("Date", date.isoformat(timespec="seconds")), ("Url", url)]
                meta += [("Reply_to", reply_to), ("Type", entry_type), ("Site_author", "true" if by_author else "")]
                header = "\n".join(f"{key}: {clean(value)}" for key, value in meta if value and clean(value))
                path = self.content / "comments" / post.slug / f"wp{wp_id}.md"
                self.plan_file(path, header + "\n\n" + text + "\n")
                self.summary.counts["pingbacks" if entry_type == "pingback" else "comments"] += 1
            else:
                self.pending.append(
                    {
                        "article": post.slug,
                        "author": author,
                        "url": url or None,
                        "body": text,
                        "reply_to": reply_to,
                        "type": entry_type,
                        "created": date,
                    }
                )
                self.summary.counts["pending"] += 1

    # --- redirects ----------------------------------------------------------------------------

    def plan_archive_redirects(self, channel) -> None:
        """Old category and tag archives lead to the new ones."""
        for kind, element, slug_key, name_key, setting in (
            ("category", "wp:category", "wp:category_nicename", "wp:cat_name", "CATEGORY_URL"),
            ("tag", "wp:tag", "wp:tag_slug", "wp:tag_name", "TAG_URL"),
        ):
            for term in channel.findall(element, self.ns):
                nicename = _text(term, slug_key, self.ns)
                name = clean(html.unescape(_text(term, name_key, self.ns)))
                new_slug = self.term_slug(name, kind)
                if nicename and new_slug and name in self.used_terms[kind]:  # only archives the new site has
                    old = redirects.old_path(f"/{kind}/{nicename}/")
                    new = self.url(setting, slug=new_slug)
                    if old is None:
                        self.summary.note(f"Archiv „{name}“: alte Adresse „{shown(nicename)}“ abgelehnt")
                    elif old != new:
                        self.redirects.setdefault(old, new)
                        self.archive_redirects.setdefault(old, new)

    def queue_pending(self, queue) -> None:
        """Put the pending comments into the moderation queue with their WordPress date (it drops repeats)."""
        for entry in self.pending:
            _, duplicate = queue.add(email=None, **entry)
            if duplicate:
                self.summary.counts["pending"] -= 1
                self.summary.counts["pending_known"] += 1

    # --- writing ------------------------------------------------------------------------------

    def plan(self) -> None:
        """Read the export and plan everything, including the merged redirect lists."""
        self.read()
        lists = [(self.content / "redirects.txt", "txt", self.archive_redirects)]
        if self.deploy:
            lists += [(self.deploy / "redirects-nginx.conf", "nginx", self.redirects),
                      (self.deploy / "_redirects", "netlify", self.redirects)]  # fmt: skip
        for path, kind, entries in lists:
            if not entries and not path.exists():
                continue
            old = path.read_text(encoding="utf-8") if path.is_file() else None
            text, kept = redirects.merge(old, kind, entries)
            for address in kept:
                self.summary.note(f"{path.name}: {address} bleibt, wie es dort steht (von Hand geändert?)")
            if text != old:
                self.files[path] = text

    def write(self) -> None:
        """Write the plan: all files or none (staged, checked, renamed; rolled back if a rename fails)."""
        data = {target: text.encode("utf-8") for target, text in self.files.items()}
        data.update({target: source.read_bytes() for target, source in self.copies.items()})
        roots = [self.content] + ([self.deploy] if self.deploy else [])
        try:
            self.summary.counts["written"] += files.write_all(data, roots)
        except files.UnsafePath as exc:
            raise ImportError_(f"{exc} läge außerhalb von content/ oder deploy/; nichts wurde geschrieben.") from exc
        except OSError as exc:
            raise ImportError_(
                f"Schreiben fehlgeschlagen ({exc.strerror}: {exc.filename}); alles zurückgenommen, nichts geändert."
            ) from exc


@dataclass
class FeaturedImage:
    """The lead image of a post."""

    path: str  # below content/, for Image:
    alt: str
    credit: str
    source: str  # its upload URL without size suffix, to find it again in the text
