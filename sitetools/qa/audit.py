"""Page weight of a built site: HTML + CSS + JS per page (images excluded), third-party and
render-blocking resources. Used by `invoke qa.audit` and asserted by the tests."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

# HTML + CSS + JS of one article page, uncompressed. Raised from 40 KB when the comment section and
# form, reading recommendations, share links, the search field and checklists joined the article
# page; the CSS is minified in the build (plugins/minify_css). Reader comments count too.
PAGE_BUDGET_BYTES = 48 * 1024


@dataclass
class PageWeight:
    """What one page costs a reader before images."""

    page: str
    html_bytes: int
    asset_bytes: dict[str, int] = field(default_factory=dict)
    third_party: list[str] = field(default_factory=list)
    render_blocking: list[str] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        """HTML plus every stylesheet and script it loads."""
        return self.html_bytes + sum(self.asset_bytes.values())


def german_number(value: float, decimals: int = 0) -> str:
    """A number the German way: 46,3 or 12.345 (only the number, never the text around it)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def kilobytes(size: int) -> str:
    """A size in bytes as German kilobytes: "46,3 KB"."""
    return f"{german_number(size / 1024, 1)} KB"


def _asset_path(output: Path, page: Path, url: str) -> Path:
    if url.startswith("/"):
        return output / url.lstrip("/")
    directory = page.parent.relative_to(output).as_posix()
    return output / posixpath.normpath(posixpath.join(directory, url))


def page_weight(output: Path, page: Path) -> PageWeight:
    """Weigh one HTML page of the built site in output."""
    soup = BeautifulSoup(page.read_bytes(), "html.parser")
    weight = PageWeight(page.relative_to(output).as_posix(), page.stat().st_size)
    resources = [(tag["href"], "css") for tag in soup.find_all("link", rel="stylesheet", href=True)]
    resources += [(tag["src"], "js") for tag in soup.find_all("script", src=True)]
    for tag in soup.find_all(["img", "iframe", "source", "video", "audio"], src=True):
        resources.append((tag["src"], "media"))
    for url, kind in resources:
        parts = urlsplit(url)
        if parts.scheme or url.startswith("//"):
            if parts.hostname not in {"127.0.0.1", "localhost"}:
                weight.third_party.append(url)
            continue
        if kind != "media":
            path = _asset_path(output, page, parts.path)
            weight.asset_bytes[url] = path.stat().st_size if path.is_file() else 0
    head = soup.head
    for script in head.find_all("script", src=True) if head else []:
        if not (script.has_attr("defer") or script.has_attr("async") or script.get("type") == "module"):
            weight.render_blocking.append(script["src"])
    return weight


def article_pages(output: Path) -> list[Path]:
    """The article pages of a built site (the pages carrying a BlogPosting)."""
    return sorted(p for p in output.rglob("index.html") if '"@type":"BlogPosting"' in p.read_text(encoding="utf-8"))


def audit_site(output: Path) -> list[PageWeight]:
    """Weigh every HTML page of the site."""
    return [page_weight(output, page) for page in sorted(output.rglob("*.html"))]
