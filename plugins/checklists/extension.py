"""Python-Markdown extension: the `/// checklist | Titel` block on pymdown-extensions' Blocks API.

The block renders an accessible form (fieldset, legend, a real checkbox and label per item);
without JavaScript and in feeds it reads as a list with ☐ marks. A preprocessor checks every
block against the source lines first, so each problem is reported with its line number
(problems), and the rendered checklists are collected with them: `md.checklist_documents` holds
one `ChecklistDocument` per `convert()` (Pelican converts the body first, then formatted metadata
such as the summary with the same instance).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from markdown import Markdown
from markdown.preprocessors import Preprocessor
from markdown.util import ETX, STX
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify as pelican_slugify
from pymdownx.blocks import BlocksExtension, BlocksProcessor
from pymdownx.blocks.block import Block, type_any

from .syntax import NAME, OPTIONS, Checklist, ChecklistError, Score, build_checklist, find_checklists

UNTICKED, TICKED = "☐", "☑"
PLACEHOLDER_RE = re.compile(f"{STX}.*?{ETX}")
DOWNLOAD_TEXT = "Checkliste als Druckseite öffnen"


@dataclass
class ChecklistDocument:
    """What one conversion found: rendered checklists and problems as (line, message)."""

    checklists: list[Checklist] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    first_line_of: dict[str, int] = field(default_factory=dict)


def default_slugify(text: str) -> str:
    """Pelican's slugify with its default settings (the Pelican plugin passes the site's own)."""
    return pelican_slugify(text, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])


def no_printable_page(checklist_id: str) -> str:
    """Without the Pelican plugin there are no printable pages to link to."""
    return ""


def progress_text(ticked: int, total: int) -> str:
    """The progress line, e.g. "3 von 8 erledigt"."""
    return f"{ticked} von {total} erledigt"


def score_label(score: Score, weighted: bool) -> str:
    """ "Bei 0–3 Häkchen:" (or "Punkten" when items carry weights)."""
    unit = "Punkten" if weighted else "Häkchen"
    if score.high >= 10**6:
        return f"Ab {score.low} {unit}:"
    span = str(score.low) if score.low == score.high else f"{score.low}–{score.high}"
    return f"Bei {span} {unit}:"


def find_problems(
    lines: list[str], slugify: Callable[[str], str], first_line_of: dict[str, int] | None = None
) -> list[tuple[int, str]]:
    """(line, message) for every broken checklist block and every id used twice; fills first_line_of (id -> line)."""
    problems: list[tuple[int, str]] = []
    first_line_of = {} if first_line_of is None else first_line_of
    for found in find_checklists(lines, slugify):
        if isinstance(found, ChecklistError):
            problems.append((found.line, found.message))
        elif found.id in first_line_of:
            problems.append(
                (
                    found.line,
                    f"die Kennung „{found.id}“ hat schon die Checkliste in Zeile {first_line_of[found.id]}; "
                    "geben Sie dieser mit einer eingerückten Zeile „id: …“ unter dem Titel eine eigene",
                )
            )
        else:
            first_line_of[found.id] = found.line
    return problems


class ChecklistSourceCheck(Preprocessor):
    """Checks every checklist block in the source before rendering; records problems with line numbers."""

    def __init__(self, md: Markdown, slugify: Callable[[str], str]) -> None:
        super().__init__(md)
        self.slugify = slugify

    def run(self, lines: list[str]) -> list[str]:
        """Start this conversion's ChecklistDocument with its problems; the lines pass through unchanged."""
        document = ChecklistDocument()
        document.problems = find_problems(lines, self.slugify, document.first_line_of)
        self.md.checklist_documents.append(document)
        return lines


class ChecklistBlock(Block):
    """`/// checklist | Titel` with `- [ ]`/`- [x]` items; its body is read as raw lines."""

    NAME = NAME
    ARGUMENT = None  # a missing title is reported by the source check, with its line
    OPTIONS: ClassVar[dict[str, tuple[Any, Callable[[Any], Any]]]] = {name: (None, type_any) for name in OPTIONS}

    def on_init(self) -> None:
        """No checklist rendered yet."""
        self.checklist: Checklist | None = None

    def on_markdown(self) -> str:
        """Keep the body as raw text: items are read line by line, their text gets inline Markdown later."""
        return "raw"

    def on_create(self, parent: etree.Element) -> etree.Element:
        """The form that will hold the checklist."""
        return etree.SubElement(parent, "form", {"class": "checklist"})

    def on_end(self, block: etree.Element) -> None:
        """Read the items from the raw body and build the form's content."""
        body = (block.text or "").split("\n")
        block.text = None
        options = {k: v for k, v in self.options.items() if k in OPTIONS and v is not None}
        slugify = self.config["slugify"]
        try:
            checklist = build_checklist(self.argument or "", options, list(enumerate(body, 1)), slugify)
        except ChecklistError:
            # Reported with its source line by ChecklistSourceCheck; show the text as the author wrote it.
            block.tag = "div"
            block.attrib.pop("class")
            etree.SubElement(block, "pre").text = "\n".join(body)
            return
        document = self.md.checklist_documents[-1]
        checklist.line = document.first_line_of.get(checklist.id, 0)
        document.checklists.append(checklist)
        self.checklist = checklist
        render_checklist(block, checklist, self.config["download_href"])

    def on_inline_end(self, block: etree.Element) -> None:
        """Keep the title as plain text (after inline Markdown) for lists of checklists."""
        legend = block.find("fieldset/legend")
        if self.checklist is not None and legend is not None:
            self.checklist.title_text = PLACEHOLDER_RE.sub("", "".join(legend.itertext())).strip()


def render_checklist(form: etree.Element, checklist: Checklist, download_href: Callable[[str], str]) -> None:
    """Fill the form: legend, items, progress line, result texts, buttons (hidden until the script runs)."""
    form.set("id", checklist.dom_id)
    form.set("data-checklist", checklist.id)
    fieldset = etree.SubElement(form, "fieldset")
    etree.SubElement(fieldset, "legend").text = checklist.title
    items = etree.SubElement(fieldset, "ul", {"class": "checklist-items"})
    for item in checklist.items:
        box_id = checklist.item_dom_id(item)
        li = etree.SubElement(items, "li")
        box = etree.SubElement(li, "input", {"type": "checkbox", "id": box_id})
        if item.checked:
            box.set("checked", "checked")
        if checklist.weighted:
            box.set("data-weight", str(item.weight))
        label = etree.SubElement(li, "label", {"for": box_id})
        mark = etree.SubElement(label, "span", {"aria-hidden": "true"})  # the ☐ of feeds, hidden by CSS
        mark.text = TICKED if item.checked else UNTICKED
        mark.tail = " " + item.label
        if item.note:
            box.set("aria-describedby", f"{box_id}-hinweis")
            etree.SubElement(li, "p", {"class": "checklist-note", "id": f"{box_id}-hinweis"}).text = item.note
    ticked = sum(item.checked for item in checklist.items)
    progress = etree.SubElement(
        fieldset,
        "p",
        {"class": "checklist-progress", "aria-live": "polite", "hidden": "hidden", "data-pagefind-ignore": ""},
    )
    progress.text = progress_text(ticked, len(checklist.items))
    if checklist.scores:
        scores = etree.SubElement(fieldset, "div", {"class": "checklist-scores", "aria-live": "polite"})
        etree.SubElement(scores, "p").text = "Auswertung"
        results = etree.SubElement(scores, "ul")
        for score in checklist.scores:
            high = min(score.high, checklist.max_score)
            li = etree.SubElement(results, "li", {"data-min": str(score.low), "data-max": str(high)})
            etree.SubElement(li, "strong").text = score_label(score, checklist.weighted)
            li[-1].tail = " " + score.text
    actions = etree.SubElement(
        fieldset, "p", {"class": "checklist-actions", "hidden": "hidden", "data-pagefind-ignore": ""}
    )
    etree.SubElement(actions, "button", {"type": "reset"}).text = "Zurücksetzen"
    etree.SubElement(actions, "button", {"type": "button", "class": "checklist-print"}).text = "Drucken"
    href = download_href(checklist.id) if checklist.download else ""
    if href:
        link = etree.SubElement(fieldset, "p", {"class": "checklist-download"})
        etree.SubElement(link, "a", {"href": href}).text = DOWNLOAD_TEXT


class ChecklistExtension(BlocksExtension):
    """Registers the checklist block and its source check."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "slugify": [default_slugify, "Function turning a title or item text into an id. Default: Pelican's"],
            "download_href": [
                no_printable_page,
                "Function id -> href of a checklist's printable page ('' for none). Default: no link",
            ],
        }
        super().__init__(**kwargs)

    def extendMarkdownBlocks(self, md: Markdown, block_mgr: BlocksProcessor) -> None:
        """Add the block, and the source check between whitespace normalising (30) and metadata (27)."""
        md.checklist_documents = []
        block_mgr.register(ChecklistBlock, self.getConfigs())
        md.preprocessors.register(ChecklistSourceCheck(md, self.getConfig("slugify")), "checklist_source", 28)


def makeExtension(**kwargs: Any) -> ChecklistExtension:
    """Entry point for `markdown.Markdown(extensions=["checklists.extension"])`."""
    return ChecklistExtension(**kwargs)
