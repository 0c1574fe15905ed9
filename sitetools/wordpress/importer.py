"""Move a WordPress export (WXR 1.1/1.2) into content/: posts, pages, images, comments, old URLs.

Everything is planned in memory first: files to write, images to copy, comments for the moderation
queue. Only a complete plan is written, every file through a temporary name and a rename, so a run
writes all files or none; a second run on the same export finds every file identical and writes
nothing. No e-mail address, IP address or user agent from the export is written anywhere.
"""

from __future__ import annotations

import html
import logging
import os
import re
import tempfile
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from markdownify import MarkdownConverter
from markupsafe import Markup
from pelican.utils import slugify

from sitetools.wordpress.markdown import BLOCK_TAG_RE, UPLOADS_MARK, PostConverter, autop

logger = logging.getLogger(__name__)

NS = {
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
}
WP_NAMESPACES = [f"http://wordpress.org/export/{v}/" for v in ("1.2", "1.1", "1.0")]
SLUG_RE = re.compile(r"\A[a-z0-9]+(?:-[a-z0-9]+)*\Z")
BLOCK_COMMENT_RE = re.compile(r"<!--\s*/?wp:.*?-->", re.S)
MORE_RE = re.compile(r"<!--\s*(?:more|nextpage|noteaser)\b.*?-->", re.S)
CAPTION_RE = re.compile(r"\[caption[^\]]*\](?P<inner>.*?)\[/caption\]", re.S)
EMBED_SHORTCODE_RE = re.compile(r"\[embed[^\]]*\](?P<url>.*?)\[/embed\]", re.S)
SHORTCODE_RE = re.compile(r"\[/?[a-zA-Z][\w-]*(?:\s[^\]]*)?\]")
BARE_URL_LINE_RE = re.compile(r"^[ \t]*(https?://\S+)[ \t]*$", re.M)
EMBED_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "twitter.com", "x.com", "instagram.com", "soundcloud.com")


class ImportError_(ValueError):
    """The export cannot be imported; the message says why and what to do (German, for the author)."""


@dataclass
class Summary:
    """What a run did, for the German report at its end."""

    counts: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def report(self, dry_run: bool) -> str:
        """The German summary."""
        c = self.counts
        lines = [
            ("Probelauf – nichts geschrieben. " if dry_run else "") + "Import aus WordPress:",
            f"  {c['posts']} Beiträge ({c['drafts']} davon als Entwurf), {c['pages']} Seiten",
            f"  {c['images']} Bilder, {c['comments']} Kommentare, {c['pingbacks']} Pingbacks",
            f"  {c['pending']} wartende Kommentare in der Moderation (invoke comments.list)",
            f"  übersprungen: {c['trash']} im Papierkorb, {c['spam']} Spam, "
            f"{c['unchanged']} Dateien schon vorhanden und gleich",
            f"  geschrieben: {c['written']} Dateien",
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


def _text(element, path: str, ns: dict[str, str]) -> str:
    found = element.find(path, ns)
    return (found.text or "").strip() if found is not None else ""


def parse_export(data: bytes) -> tuple[object, dict[str, str]]:
    """The channel element and namespaces of a WXR file; refuses DTDs, entities and non-WordPress XML."""
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ImportError_(
            "Die Datei enthält eine DTD oder Entitäten, wie sie WordPress nie schreibt; aus Sicherheitsgründen "
            f"wird sie nicht gelesen ({type(exc).__name__})."
        ) from exc
    except ElementTree.ParseError as exc:
        raise ImportError_(f"Die Datei ist kein lesbares XML ({exc}).") from exc
    channel = root.find("channel") if root.tag == "rss" else None
    wp = next(
        (ns for ns in WP_NAMESPACES if channel is not None and channel.find(f"{{{ns}}}wxr_version") is not None), None
    )
    if channel is None or wp is None:
        raise ImportError_(
            "Das ist keine WordPress-Exportdatei (WXR). Exportieren Sie in WordPress unter "
            "„Werkzeuge → Daten exportieren“ und geben Sie diese Datei an."
        )
    return channel, {**NS, "wp": wp, "excerpt": f"{wp}excerpt/"}


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
        self.redirects: dict[str, str] = {}  # old path (or ?p=ID) -> new URL path
        self.used_terms: dict[str, set[str]] = {"category": set(), "tag": set()}  # of published posts
        self.archive_redirects: dict[str, str] = {}  # old category/tag archive -> new one (content/redirects.txt)

    # --- reading the export -------------------------------------------------------------------

    def slug(self, text: str) -> str:
        """A German slug with the site's own rules."""
        return slugify(text, regex_subs=self.settings["SLUG_REGEX_SUBSTITUTIONS"], use_unicode=True)

    def read(self) -> None:
        """Parse the export and plan every file."""
        try:
            data = self.export.read_bytes()
        except OSError as exc:
            raise ImportError_(f"{self.export} lässt sich nicht lesen ({exc.strerror}).") from exc
        channel, self.ns = parse_export(data)
        self.base_url = (_text(channel, "wp:base_blog_url", self.ns) or _text(channel, "link", self.ns)).rstrip("/")
        self.authors = {
            _text(a, "wp:author_login", self.ns): (
                _text(a, "wp:author_display_name", self.ns) or _text(a, "wp:author_login", self.ns),
                _text(a, "wp:author_id", self.ns),
            )
            for a in channel.findall("wp:author", self.ns)
        }
        items = channel.findall("item")
        self.attachments = {
            _text(i, "wp:post_id", self.ns): i for i in items if _text(i, "wp:post_type", self.ns) == "attachment"
        }
        posts = [self.post(i) for i in items if _text(i, "wp:post_type", self.ns) in ("post", "page")]
        posts = [p for p in posts if p]
        self.by_link = {}
        for post in posts:
            for key in self.link_keys(post):
                self.by_link[key] = post
        for post in posts:
            self.plan_post(post)
        self.plan_archive_redirects(channel)

    def post(self, item) -> Post | None:
        """A Post for an item, or None for trash."""
        status = _text(item, "wp:status", self.ns)
        title = html.unescape(_text(item, "title", self.ns)) or "Ohne Titel"
        if status == "trash":
            self.summary.counts["trash"] += 1
            return None
        wp_slug = unquote(_text(item, "wp:post_name", self.ns)).removesuffix("__trashed")
        slug = wp_slug if SLUG_RE.match(wp_slug) else self.slug(wp_slug or title)
        kind = _text(item, "wp:post_type", self.ns)
        return Post(
            _text(item, "wp:post_id", self.ns),
            kind,
            title,
            slug or f"beitrag-{_text(item, 'wp:post_id', self.ns)}",
            status,
            _text(item, "link", self.ns),
            item,
        )

    def link_keys(self, post: Post) -> list[str]:
        """Every address under which the old site served the post (permalink path, ?p=ID, guid)."""
        keys = [f"?p={post.wp_id}"] + ([f"?page_id={post.wp_id}"] if post.kind == "page" else [])
        for url in (post.link, _text(post.item, "guid", self.ns)):
            parts = urlsplit(url)
            if parts.path and parts.path != "/":
                keys.append(parts.path.rstrip("/") + "/")
            for name in ("p", "page_id"):
                if name in parse_qs(parts.query):
                    keys.append(f"?{name}={parse_qs(parts.query)[name][0]}")
        return keys

    # --- planning -----------------------------------------------------------------------------

    def date(self, item, local: str, gmt: str) -> datetime | None:
        """A post or comment date in the site's time zone (from the GMT field, else the local one)."""
        value = _text(item, gmt, self.ns)
        zone = ZoneInfo("UTC")
        if not value or value.startswith("0000"):
            value, zone = _text(item, local, self.ns), self.timezone
        if not value or value.startswith("0000"):
            return None
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone).astimezone(self.timezone)

    def plan_post(self, post: Post) -> None:
        """Plan the Markdown file, its images, comments and old URLs."""
        item, ns = post.item, self.ns
        folder = "articles" if post.kind == "post" else "pages"
        path = self.content / folder / f"{post.slug}.md"
        hidden = post.status in ("private",) or bool(_text(item, "wp:post_password", ns))
        draft = post.status in ("draft", "pending", "auto-draft") or hidden
        if hidden:
            reason = "privat" if post.status == "private" else "mit Passwort geschützt"
            self.summary.notes.append(f"„{post.title}“ war {reason} und ist jetzt ein Entwurf: {path.name}")
        meta = [("Title", post.title)]
        date = self.date(item, "wp:post_date", "wp:post_date_gmt")
        if date:
            meta.append(("Date", date.isoformat(timespec="minutes")))
        modified = self.date(item, "wp:post_modified", "wp:post_modified_gmt")
        if modified and date and modified > date:
            meta.append(("Modified", modified.isoformat(timespec="minutes")))
        if post.kind == "post":
            author = self.authors.get(_text(item, "dc:creator", ns), (_text(item, "dc:creator", ns), ""))[0]
            if author:
                meta.append(("Author", author))
            categories = [html.unescape(c.text or "") for c in item.findall("category[@domain='category']")]
            categories = [c for c in categories if c and c != "Uncategorized"]
            tags = [html.unescape(c.text or "") for c in item.findall("category[@domain='post_tag']")]
            if categories:
                meta.append(("Category", categories[0]))
            if tags or categories[1:]:
                meta.append(("Tags", ", ".join(dict.fromkeys(categories[1:] + tags))))
            if not draft:
                self.used_terms["category"].update(categories[:1])
                self.used_terms["tag"].update(tags)
        excerpt = " ".join(Markup(_text(item, "excerpt:encoded", ns)).striptags().split())  # tags out, entities decoded
        if excerpt:
            meta.append(("Summary", excerpt))
        meta.append(("Slug", post.slug))
        if draft:
            meta.append(("Status", "draft"))
        featured = self.featured_image(item)
        if featured:
            meta += [("Image", featured[0]), ("Image_alt", featured[1] or post.title)]
        meta.append(("Wordpress_id", post.wp_id))
        if not draft:
            old = sorted({k for k in self.link_keys(post) if not k.startswith("?")} - {f"/{post.slug}/"})
            if old:
                meta.append(("Redirect_from", ", ".join(old)))
        for key in self.link_keys(post):
            if not draft:
                self.redirects.setdefault(key, f"/{post.slug}/")
        body = self.convert(_text(item, "content:encoded", ns), post)
        header = "\n".join(f"{key}: {' '.join(str(value).split())}" for key, value in meta)
        self.plan_file(path, f"{header}\n\n{body}\n", post.wp_id)
        self.summary.counts["pages" if post.kind == "page" else "posts"] += 1
        if draft and post.kind == "post":
            self.summary.counts["drafts"] += 1
        self.plan_comments(post)

    def plan_file(self, path: Path, text: str, wp_id: str | None = None) -> None:
        """Plan one text file; an existing different file is kept unless --force replaces an imported one."""
        if path in self.files:
            raise ImportError_(f"Zwei Einträge der Exportdatei ergeben dieselbe Datei {path}; bitte Slugs prüfen.")
        if path.exists():
            old = path.read_text(encoding="utf-8", errors="replace")
            if old == text:
                self.summary.counts["unchanged"] += 1
                return
            imported = wp_id is not None and re.search(rf"^Wordpress_id: {re.escape(wp_id)}$", old, re.M)
            if not (self.force and (imported or wp_id is None)):
                raise ImportError_(
                    f"{path} gibt es schon mit anderem Inhalt. Nichts wurde geschrieben. Benennen Sie die Datei um "
                    "oder ersetzen Sie importierte Dateien mit --force."
                )
        self.files[path] = text

    def featured_image(self, item) -> tuple[str, str] | None:
        """The post's featured image (_thumbnail_id) as (Image path, alt text), copied from --uploads."""
        for meta in item.findall("wp:postmeta", self.ns):
            if _text(meta, "wp:meta_key", self.ns) == "_thumbnail_id":
                attachment = self.attachments.get(_text(meta, "wp:meta_value", self.ns))
                if attachment is None:
                    return None
                url = _text(attachment, "wp:attachment_url", self.ns)
                local = self.image(url)
                if not local:
                    return None
                alt = ""
                for att_meta in attachment.findall("wp:postmeta", self.ns):
                    if _text(att_meta, "wp:meta_key", self.ns) == "_wp_attachment_image_alt":
                        alt = _text(att_meta, "wp:meta_value", self.ns)
                return local.removeprefix("{static}/"), alt or html.unescape(_text(attachment, "title", self.ns))
        return None

    def image(self, url: str) -> str | None:
        """Plan copying an uploaded file; its `{static}` path, or None (listed in the summary) if missing."""
        if UPLOADS_MARK not in url:
            return None
        relative = PurePosixPath(unquote(url.split(UPLOADS_MARK, 1)[1].split("?")[0]))
        if ".." in relative.parts or not relative.parts:
            return None
        candidates = [relative]
        original = re.sub(r"-\d+x\d+(?=\.\w+$)", "", relative.name)  # WordPress' resized copies
        if original != relative.name:
            candidates.append(relative.with_name(original))
        for candidate in candidates:
            source = self.uploads / candidate if self.uploads else None
            if source and source.is_file():
                target = self.content / "images" / candidate
                if target not in self.copies:
                    if not (target.exists() and target.read_bytes() == source.read_bytes()):
                        self.copies[target] = source
                    self.summary.counts["images"] += 1
                return f"{{static}}/images/{candidate.as_posix()}"
        note = f"Bild fehlt, im Text bleibt ein Link: {url}"
        if note not in self.summary.notes:
            self.summary.notes.append(note)
        return None

    # --- body ---------------------------------------------------------------------------------

    def convert(self, body: str, post: Post) -> str:
        """WordPress post HTML (classic or block editor) as clean Markdown."""
        body = BLOCK_COMMENT_RE.sub("", MORE_RE.sub("", body.replace("\r\n", "\n")))
        classic = not BLOCK_TAG_RE.search(body)  # the classic editor stores paragraphs as blank lines
        body = CAPTION_RE.sub(lambda m: self.caption(m["inner"]), body)
        body = EMBED_SHORTCODE_RE.sub(lambda m: f"\n\n{m['url'].strip()}\n\n", body)
        leftovers = sorted(set(SHORTCODE_RE.findall(body)))
        if leftovers:
            self.summary.notes.append(f"„{post.title}“: Shortcodes entfernt: {', '.join(leftovers)[:200]}")
            body = SHORTCODE_RE.sub("", body)
        body = BARE_URL_LINE_RE.sub(lambda m: f'<a href="{m[1]}">{m[1]}</a>', body)  # oEmbed URLs: plain links
        if classic:
            body = autop(body)
        converter = PostConverter(importer=self, heading_style="ATX", bullets="-", escape_misc=False)
        markdown = converter.convert(body)
        return re.sub(r"\n{3,}", "\n\n", markdown).strip()

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
        keys = [parts.path.rstrip("/") + "/"] + [f"?{k}={v[0]}" for k, v in parse_qs(parts.query).items()]
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
        if not comments:
            return
        if post.kind != "post":
            self.summary.notes.append(f"{len(comments)} Kommentare unter der Seite „{post.title}“ nicht übernommen")
            return
        author_id = self.authors.get(_text(post.item, "dc:creator", self.ns), ("", ""))[1]
        approved = {
            _text(c, "wp:comment_id", self.ns) for c in comments if _text(c, "wp:comment_approved", self.ns) == "1"
        }
        for comment in comments:
            state = _text(comment, "wp:comment_approved", self.ns)
            kind = _text(comment, "wp:comment_type", self.ns) or "comment"
            if state in ("spam", "trash"):
                self.summary.counts["spam" if state == "spam" else "trash"] += 1
                continue
            if kind not in ("comment", "pingback", "trackback"):
                continue
            wp_id = _text(comment, "wp:comment_id", self.ns)
            parent = _text(comment, "wp:comment_parent", self.ns)
            reply_to = f"wp{parent}" if parent not in ("", "0") and parent in approved else None
            url = _text(comment, "wp:comment_author_url", self.ns)
            url = url if re.match(r"\Ahttps?://[^\s/]+", url, re.I) else None
            author = html.unescape(_text(comment, "wp:comment_author", self.ns)) or "Anonym"
            text = MarkdownConverter(escape_misc=False).convert(autop(_text(comment, "wp:comment_content", self.ns)))
            text = re.sub(r"\n{3,}", "\n\n", text).strip() or "…"
            date = self.date(comment, "wp:comment_date", "wp:comment_date_gmt")
            by_author = author_id not in ("", "0") and _text(comment, "wp:comment_user_id", self.ns) == author_id
            entry_type = "pingback" if kind in ("pingback", "trackback") else "comment"
            if state == "1":
                lines = [f"Author: {' '.join(author.split())}", f"Date: {date.isoformat(timespec='seconds')}"]
                lines += [f"Url: {url}"] if url else []
                lines += [f"Reply_to: {reply_to}"] if reply_to else []
                lines += [f"Type: {entry_type}"] + (["Site_author: true"] if by_author else [])
                path = self.content / "comments" / post.slug / f"wp{wp_id}.md"
                self.plan_file(path, "\n".join(lines) + "\n\n" + text + "\n")
                self.summary.counts["pingbacks" if entry_type == "pingback" else "comments"] += 1
            else:
                self.pending.append(
                    {
                        "article": post.slug,
                        "author": author,
                        "url": url,
                        "body": text,
                        "reply_to": reply_to,
                        "type": entry_type,
                    }
                )
                self.summary.counts["pending"] += 1

    # --- redirects ----------------------------------------------------------------------------

    def plan_archive_redirects(self, channel) -> None:
        """Old category and tag archives lead to the new ones."""
        for kind, element, slug_key, name_key, base in (
            ("category", "wp:category", "wp:category_nicename", "wp:cat_name", "kategorie"),
            ("tag", "wp:tag", "wp:tag_slug", "wp:tag_name", "schlagwort"),
        ):
            for term in channel.findall(element, self.ns):
                nicename = _text(term, slug_key, self.ns)
                name = html.unescape(_text(term, name_key, self.ns))
                if nicename and name in self.used_terms[kind]:  # only archives that exist on the new site
                    old, new = f"/{kind}/{unquote(nicename)}/", f"/{base}/{self.slug(name)}/"
                    self.redirects.setdefault(old, new)
                    self.archive_redirects.setdefault(old, new)

    def redirect_lists(self) -> dict[str, str]:
        """Redirect lists for nginx and for _redirects hosts (deploy/)."""
        nginx = [
            "# Old WordPress addresses -> new pages (written by invoke import-wordpress).",
            "# Include in the server block.",
            "",
        ]
        netlify = ["# Old WordPress addresses -> new pages (written by invoke import-wordpress)."]
        query_ids = {}
        for old, new in sorted(self.redirects.items()):
            if old.startswith("?"):
                name, value = old[1:].split("=", 1)
                query_ids.setdefault(name, []).append((value, new))
                netlify.append(f"/ {name}={value} {new} 301")
            elif old != new:
                nginx.append(f"location = {old} {{ return 301 {new}; }}")
                netlify.append(f"{old} {new} 301")
        for name, pairs in sorted(query_ids.items()):
            nginx.append(
                f"if ($arg_{name} ~ ^({'|'.join(re.escape(v) for v, _ in pairs)})$) {{ set $wp_{name} $arg_{name}; }}"
            )
            for value, new in pairs:
                nginx.append(f"if ($wp_{name} = {value}) {{ return 301 {new}; }}")
        return {"redirects-nginx.conf": "\n".join(nginx) + "\n", "_redirects": "\n".join(netlify) + "\n"}

    def queue_pending(self, queue) -> None:
        """Put the pending comments into the moderation queue (the queue drops repeats)."""
        for entry in self.pending:
            _, duplicate = queue.add(email=None, **entry)
            if duplicate:
                self.summary.counts["pending"] -= 1
                self.summary.counts["pending_known"] += 1

    # --- writing ------------------------------------------------------------------------------

    def plan(self) -> None:
        """Read the export and plan everything, including the redirect lists in deploy/."""
        self.read()
        generated = dict.fromkeys(
            (self.deploy and [self.deploy / n for n in ("redirects-nginx.conf", "_redirects")]) or []
        )
        if self.deploy:
            generated.update(zip(generated, self.redirect_lists().values(), strict=True))
        if self.archive_redirects:
            lines = [f"{old} {new}" for old, new in sorted(self.archive_redirects.items())]
            header = "# Old address, new address: the build writes a redirect page at each old one.\n"
            generated[self.content / "redirects.txt"] = header + "\n".join(lines) + "\n"
        for path, text in generated.items():  # generated lists are replaced, not guarded like content
            if not (path.exists() and path.read_text(encoding="utf-8") == text):
                self.files[path] = text
        images_dir = self.content / "images"
        for target in self.copies:
            if not target.resolve().is_relative_to(images_dir.resolve()):
                raise ImportError_(f"Unsicherer Bildpfad {target}; nichts wurde geschrieben.")

    def write(self) -> None:
        """Write the plan: every file to a temporary name first, then all renamed into place."""
        staged: list[tuple[Path, Path]] = []
        try:
            for target, text in self.files.items():
                staged.append((self._stage(target, text.encode("utf-8")), target))
            for target, source in self.copies.items():
                staged.append((self._stage(target, source.read_bytes()), target))
        except OSError:
            for temporary, _ in staged:
                temporary.unlink(missing_ok=True)
            raise
        for temporary, target in staged:
            os.replace(temporary, target)
        self.summary.counts["written"] += len(staged)

    @staticmethod
    def _stage(target: Path, data: bytes) -> Path:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        return Path(name)
