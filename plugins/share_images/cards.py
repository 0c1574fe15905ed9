"""Draw share images: the lead image on the theme's background, or a title card in the theme's colours.

Fonts come from this package (DejaVu Sans, free licence in fonts/), never from the system, so every
machine draws the same pixels.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

import resvg_py
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf"
FAMILY = "DejaVu Sans"
# The theme's light palette (theme/static/css/site.css).
BACKGROUND, SURFACE, ACCENT, TEXT, MUTED = "#faf8f3", "#ffffff", "#1f4e5f", "#1b2a30", "#55646a"
MARGIN = 80
TITLE_SIZES = (68, 60, 52)  # the largest size at which the title fits into three lines wins
MAX_TITLE_LINES = 3


@dataclass(frozen=True)
class CardText:
    """What a title card shows."""

    title: str
    kicker: str  # the category, or the page's kind
    site_name: str


@cache
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    """A bundled font at a pixel size."""
    return ImageFont.truetype(str(path), size)


def wrap_words(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Break text into lines no wider than width, only between words (a too-long word gets its own line)."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and face.getlength(candidate) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def fit_title(title: str, width: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest title size whose lines fit; beyond three lines the last one ends in "…" after a word."""
    for size in TITLE_SIZES:
        face = font(BOLD, size)
        lines = wrap_words(title, face, width)
        if len(lines) <= MAX_TITLE_LINES and all(face.getlength(line) <= width for line in lines):
            return face, lines
    face = font(BOLD, TITLE_SIZES[-1])
    lines = wrap_words(title, face, width)[:MAX_TITLE_LINES]
    last = lines[-1]
    while last and face.getlength(last + " …") > width:
        last = last.rpartition(" ")[0]
    lines[-1] = (last or lines[-1]) + " …"
    return face, lines


def draw_card(text: CardText) -> Image.Image:
    """A title card: accent bar, category, title in up to three lines, site name."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 16), fill=ACCENT)
    draw.rectangle((MARGIN, HEIGHT - 150, MARGIN + 96, HEIGHT - 144), fill=ACCENT)
    draw.text((MARGIN, 92), text.kicker, font=font(BOLD, 30), fill=ACCENT)
    face, lines = fit_title(text.title, WIDTH - 2 * MARGIN)
    line_height = round(face.size * 1.2)
    top = 160
    for number, line in enumerate(lines):
        draw.text((MARGIN, top + number * line_height), line, font=face, fill=TEXT)
    draw.text((MARGIN, HEIGHT - 120), text.site_name, font=font(REGULAR, 32), fill=MUTED)
    return image


def rasterize(path: Path) -> Image.Image:
    """A lead image as pixels: SVG through resvg with the bundled fonts only, other formats through Pillow."""
    if path.suffix.lower() in (".svg", ".svgz"):
        png = resvg_py.svg_to_bytes(
            svg_path=str(path),
            width=WIDTH,
            skip_system_fonts=True,
            font_files=[str(REGULAR), str(BOLD)],
            font_family=FAMILY,
            sans_serif_family=FAMILY,
            serif_family=FAMILY,
            monospace_family=FAMILY,
            background=SURFACE,
        )
        return Image.open(io.BytesIO(bytes(png))).convert("RGB")
    with Image.open(path) as source:
        return source.convert("RGB")


def intrinsic_size(path: Path) -> tuple[int, int] | None:
    """Width and height of an image file in CSS pixels (an SVG's width/height or viewBox), or None."""
    if path.suffix.lower() == ".svg":
        for _, element in ElementTree.iterparse(path, events=("start",)):
            width, height = element.get("width", ""), element.get("height", "")
            if width.isdigit() and height.isdigit():
                return int(width), int(height)
            box = element.get("viewBox", "").replace(",", " ").split()
            if len(box) == 4:
                return round(float(box[2])), round(float(box[3]))
            return None
        return None
    try:
        with Image.open(path) as source:
            return source.size
    except OSError:
        return None


def draw_lead_image(path: Path) -> Image.Image:
    """The lead image scaled to fit 1200×630, centred on the theme's background."""
    picture = rasterize(path)
    picture.thumbnail((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    image.paste(picture, ((WIDTH - picture.width) // 2, (HEIGHT - picture.height) // 2))
    return image


def png_bytes(image: Image.Image) -> bytes:
    """The image as a PNG (zlib's default level: optimize=True costs three times the time for 5 % fewer bytes)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()
