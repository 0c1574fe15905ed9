"""Write a 1200×630 PNG share image for every published article and page and attach it for the theme.

The theme points `og:image`, `twitter:card` and JSON-LD at `article.share_image` / `page.share_image`.
Images are cached by a hash of everything they show, so a rebuild redraws only what changed.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pelican import signals

from plugins.pluginkit import absolute_siteurl, active, lead_image, options, output_file, relative_output, write_atomic
from plugins.pluginkit.progress import progress

from .cards import HEIGHT, WIDTH, CardText, draw_card, draw_lead_image, intrinsic_size, png_bytes

logger = logging.getLogger(__name__)

DEFAULTS = {
    "output_dir": "share",  # below the output directory
    "cache_dir": None,  # None: share-images/ in Pelican's CACHE_PATH
}
RENDER_VERSION = "1"  # bump when the drawing changes, so cached images are redrawn
PARALLEL_FROM = 16  # from this many images to draw, the processor's other cores help


@dataclass(frozen=True)
class ShareImage:
    """What the theme needs for og:image and JSON-LD."""

    url: str  # relative to the site root
    alt: str
    width: int = WIDTH
    height: int = HEIGHT
    type: str = "image/png"


@dataclass(frozen=True)
class Job:
    """One image to provide: its cache key, its output path and how to draw it."""

    key: str
    save_as: str
    card: CardText
    lead_image: Path | None


class ShareImages:
    """Collects the images while Pelican reads content and writes them once the site is built."""

    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}
        self.active = False
        self.config: dict = dict(DEFAULTS)
        self.content_path = Path()
        self.cache_path = Path()

    def initialize(self, pelican) -> None:
        """Read the settings and forget the previous build (live reload runs several builds)."""
        self.jobs = {}
        # Pelican's signals stay connected across builds in one process: act only where listed.
        self.active = active(pelican.settings, __package__)
        if not self.active:
            return
        self.config = options(pelican.settings, "SHARE_IMAGES", DEFAULTS, types={"cache_dir": (str, type(None))})
        relative_output(self.config["output_dir"], 'SHARE_IMAGES["output_dir"]')
        self.content_path = Path(pelican.settings["PATH"])
        self.cache_path = Path(pelican.settings["CACHE_PATH"])

    def cache_dir(self) -> Path:
        """Where drawn images are kept between builds."""
        configured = self.config["cache_dir"]
        return Path(configured) if configured else self.cache_path / "share-images"

    def lead_image(self, content) -> Path | None:
        """The local file of the content's Image metadata, or None for none or a remote URL."""
        value = getattr(content, "image", None)
        relative = lead_image(value)
        if relative is None:
            return None
        path = self.content_path / relative
        if not path.is_file():
            logger.error(
                "share_images: %s: Image „%s“ nicht gefunden – legen Sie die Datei unter %s ab "
                "oder korrigieren Sie den Pfad.",
                content.source_path,
                value,
                self.content_path,
            )
            return None
        return path

    def add(self, content, kicker: str, site_name: str) -> None:
        """Plan the share image of one article or page and attach it."""
        if not self.active:
            return
        lead = self.lead_image(content)
        card = CardText(title=content.title, kicker=kicker, site_name=site_name)
        digest = hashlib.sha256(repr((RENDER_VERSION, card)).encode())
        if lead:
            digest.update(lead.read_bytes())
        key = digest.hexdigest()
        save_as = f"{self.config['output_dir'].strip('/')}/{content.slug}-{key[:10]}.png"
        alt = (getattr(content, "image_alt", "") or content.title) if lead else content.title
        if lead and (size := intrinsic_size(lead)):
            content.image_width, content.image_height = size  # lets the theme reserve the hero's space
        content.share_image = ShareImage(url=save_as, alt=alt)
        self.jobs[save_as] = Job(key, save_as, card, lead)

    def collect_articles(self, generator) -> None:
        """Every published article (Pelican's list: no drafts, no future dates)."""
        site_name = urlsplit(absolute_siteurl(generator.settings)).netloc
        for article in generator.articles + [t for a in generator.articles for t in a.translations]:
            self.add(article, article.category.name, site_name or generator.settings["SITENAME"])

    def collect_pages(self, generator) -> None:
        """Every published and hidden page."""
        site_name = urlsplit(absolute_siteurl(generator.settings)).netloc
        for page in generator.pages + generator.hidden_pages:
            self.add(page, generator.settings["SITENAME"], site_name or generator.settings["SITENAME"])

    def cached(self, job: Job) -> Path:
        """Where the drawn PNG of a job is kept."""
        return self.cache_dir() / f"{job.key}.png"

    def draw_missing(self, jobs: list[Job]) -> None:
        """Draw every job that is not cached yet, into the cache (written atomically).

        A card with a lead image shows only that image, so each image file is drawn once however
        many articles use it. Many drawings are spread over the processor's cores.
        """
        groups: dict[str, list[Job]] = {}
        for job in jobs:
            if not self.cached(job).is_file():
                groups.setdefault(drawing_key(job), []).append(job)
        if not groups:
            return
        firsts = [group[0] for group in groups.values()]
        workers = min(len(firsts) // PARALLEL_FROM, os.cpu_count() or 1, 4)
        with progress("Vorschaubilder zeichnen", total=len(firsts)) as advance:
            if workers > 1:
                with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                    drawn = pool.map(render, firsts, chunksize=8)
                    self._keep(groups.values(), drawn, advance)
            else:
                self._keep(groups.values(), map(render, firsts), advance)

    def _keep(self, groups, drawn, advance) -> None:
        for group, result in zip(groups, drawn, strict=True):
            advance()
            if isinstance(result, Exception):
                logger.error("share_images: cannot draw %s: %s", group[0].save_as, result)
                continue
            for job in group:
                write_atomic(self.cached(job), result)

    def write(self, pelican) -> None:
        """Copy every planned image into the finished output (Pelican's `finalized` signal)."""
        if not self.active:
            return
        self.draw_missing(list(self.jobs.values()))
        for job in self.jobs.values():
            cached = self.cached(job)
            if not cached.is_file():
                continue  # could not be drawn: reported above
            target = output_file(pelican.settings, job.save_as, 'SHARE_IMAGES["output_dir"]', pelican.output_path)
            try:
                write_atomic(target, cached.read_bytes())
            except OSError as exc:
                logger.error("share_images: cannot write %s: %s", job.save_as, exc)


def drawing_key(job: Job) -> str:
    """What the drawing depends on: the lead image file alone, or the whole title card."""
    return f"image:{job.lead_image.resolve()}" if job.lead_image else f"card:{job.key}"


def render(job: Job) -> bytes | Exception:
    """The PNG of one job (a module-level function: worker processes call it); an unreadable image gives its error."""
    try:
        image = draw_lead_image(job.lead_image) if job.lead_image else draw_card(job.card)
        return png_bytes(image)
    except (OSError, ValueError) as exc:  # resvg and Pillow report unreadable images as ValueError/OSError
        return exc


IMAGES = ShareImages()  # module level: blinker holds bound methods weakly, and repeated register() must not add more


def register() -> None:
    """Connect one ShareImages across Pelican's signals."""
    images = IMAGES
    signals.initialized.connect(images.initialize)
    signals.article_generator_finalized.connect(images.collect_articles)
    signals.page_generator_finalized.connect(images.collect_pages)
    signals.finalized.connect(images.write)
