"""The checklist block's syntax: find blocks in Markdown source, read options and items, report problems.

Pure functions on lines of text, shared by the Markdown extension (which renders) and its
source check (which names the line of every problem before anything is rendered).
"""

from __future__ import annotations

import itertools
import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

NAME = "checklist"
# The header as pymdown Blocks reads it: "/// checklist | Titel" (three or more slashes).
HEADER_RE = re.compile(r"^[ ]{0,3}(?P<fence>/{3,})[ ]*checklist[ ]*(?:\|[ ]*(?P<title>.*?)[ ]*)?$", re.I)
END_RE = re.compile(r"^[ ]{0,3}(?P<fence>/{3,})[ ]*$")
CODE_FENCE_RE = re.compile(r"^[ ]{0,3}(?P<fence>`{3,}|~{3,})")
OPTION_LINE_RE = re.compile(r"^[ ]{4,}\S")
ITEM_RE = re.compile(r"^[-*+][ ]\[(?P<mark>[ xX])\][ ]+(?P<text>\S.*)$")
NOTE_RE = re.compile(r"^(?:[ ]{2,}|\t)(?P<text>\S.*)$")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RANGE_RE = re.compile(r"^(?P<low>\d+)\s*(?:(?P<plus>\+)|[-–]\s*(?P<high>\d+))?$")
OPTIONS = ("id", "scores", "weights", "download")
ITEM_ID_LENGTH = 28

Slugify = Callable[[str], str]


class ChecklistError(ValueError):
    """A problem in one checklist block, at a line relative to the text it was read from."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Score:
    """A result text shown while the ticked items (or their weights) add up to low…high."""

    low: int
    high: int
    text: str


@dataclass(frozen=True)
class Item:
    """One item: its label, whether the author ticked it, its explanation, its weight."""

    key: str
    label: str
    checked: bool
    note: str = ""
    weight: int = 1


@dataclass
class Checklist:
    """One parsed checklist block."""

    id: str
    title: str
    items: list[Item] = field(default_factory=list)
    scores: list[Score] = field(default_factory=list)
    weighted: bool = False
    download: bool = False
    line: int = 0
    title_text: str = ""  # the title as plain text, once inline Markdown is rendered

    @property
    def dom_id(self) -> str:
        """The form's id: prefixed, so it never clashes with a heading's id."""
        return f"checkliste-{self.id}"

    def item_dom_id(self, item: Item) -> str:
        """A checkbox's id: checklist id and item key; "--" never occurs in a slug, so no heading has it."""
        return f"{self.id}--{item.key}"

    @property
    def max_score(self) -> int:
        """The score with every item ticked."""
        return sum(item.weight for item in self.items)


@dataclass(frozen=True)
class Options:
    """The block's validated options."""

    id: str | None = None
    scores: tuple[Score, ...] = ()
    weights: tuple[int, ...] | None = None
    download: bool = False


def parse_options(raw: dict[str, Any]) -> Options:
    """Validate the indented `key: value` options; raise ValueError with what to fix."""
    unknown = sorted(str(key) for key in raw if key not in OPTIONS)
    if unknown:
        raise ValueError(f"unbekannte Option „{unknown[0]}:“; erlaubt sind {', '.join(f'{o}:' for o in OPTIONS)}")
    checklist_id = raw.get("id")
    if checklist_id is not None:
        checklist_id = str(checklist_id)
        if not ID_RE.match(checklist_id):
            raise ValueError(
                f"„id: {checklist_id}“ taugt nicht als Kennung; nur Kleinbuchstaben, Ziffern und "
                "Bindestriche, z. B. „id: erster-post“"
            )
    download = raw.get("download", False)
    if not isinstance(download, bool):
        raise ValueError(f"„download: {download}“ muss „true“ oder „false“ sein")
    return Options(checklist_id, _parse_scores(raw.get("scores")), _parse_weights(raw.get("weights")), download)


def _parse_scores(raw: Any) -> tuple[Score, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict) or not raw:
        raise ValueError("„scores:“ braucht eingerückte Zeilen der Form „0-3: Text“, „4: Text“ oder „7+: Text“")
    scores = []
    for key, text in raw.items():
        match = RANGE_RE.match(str(key).strip())
        if not match or not isinstance(text, str) or not text.strip():
            raise ValueError(
                f"„{key}: {text}“ unter „scores:“ ist keine Auswertung; schreiben Sie z. B. „0-3: Text“, "
                "„4: Text“ oder „7+: Text“"
            )
        low = int(match["low"])
        high = 10**6 if match["plus"] else int(match["high"] or low)
        if high < low:
            raise ValueError(f"„{key}:“ unter „scores:“ zählt rückwärts; schreiben Sie die kleinere Zahl zuerst")
        scores.append(Score(low, high, text.strip()))
    return tuple(sorted(scores, key=lambda s: s.low))


def _parse_weights(raw: Any) -> tuple[int, ...] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(w, int) and not isinstance(w, bool) and w > 0 for w in raw):
        raise ValueError("„weights:“ braucht ganze Zahlen größer als 0, je Punkt eine: „weights: [2, 1, 1]“")
    return tuple(raw)


def check_scores(scores: tuple[Score, ...], max_score: int) -> None:
    """Every possible score from 0 to max_score needs exactly one result text."""
    if not scores:
        return
    for first, second in itertools.pairwise(scores):
        if second.low <= first.high:
            raise ValueError(f"die Auswertungen ab {first.low} und ab {second.low} überschneiden sich")
    covered = {value for s in scores for value in range(s.low, min(s.high, max_score) + 1)}
    missing = [value for value in range(max_score + 1) if value not in covered]
    if missing:
        raise ValueError(
            f"für {_ranges(missing)} Punkte fehlt unter „scores:“ eine Auswertung (möglich sind 0 bis {max_score})"
        )
    beyond = [s for s in scores if s.low > max_score]
    if beyond:
        raise ValueError(f"die Auswertung ab {beyond[0].low} wird nie erreicht: höchstens {max_score} sind möglich")


def _ranges(values: list[int]) -> str:
    """[0, 1, 2, 5] -> "0–2, 5"."""
    runs: list[list[int]] = []
    for value in values:
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs)


def parse_items(lines: list[tuple[int, str]], slugify: Slugify) -> list[Item]:
    """Items from the block's body lines (number, text); raise ChecklistError at the first bad line."""
    drafts: list[tuple[int, bool, str, list[str]]] = []
    for number, text in lines:
        if not text.strip():
            continue
        item = ITEM_RE.match(text)
        note = NOTE_RE.match(text)
        if item:
            drafts.append((number, item["mark"] != " ", item["text"].strip(), []))
        elif note and drafts:
            drafts[-1][3].append(note["text"].strip())
        else:
            raise ChecklistError(
                number,
                f"„{text.strip()[:60]}“ ist kein Punkt der Checkliste: jeder Punkt beginnt mit „- [ ] “ "
                "(oder „- [x] “, wenn er schon abgehakt sein soll); eine Erläuterung rücken Sie unter "
                "dem Punkt um vier Leerzeichen ein",
            )
    items, seen = [], {}
    for number, checked, label, notes in drafts:
        key = item_key(label, slugify)
        if key in seen:
            raise ChecklistError(
                number,
                f"„{label[:60]}“ beginnt wie der Punkt in Zeile {seen[key]} (beide hießen „{key}“); "
                "formulieren Sie einen der beiden anders",
            )
        seen[key] = number
        items.append(Item(key, label, checked, " ".join(notes)))
    return items


def item_key(label: str, slugify: Slugify) -> str:
    """A short stable key from an item's text: its slug, cut at a word boundary."""
    slug = slugify(label) or "punkt"
    if len(slug) > ITEM_ID_LENGTH:
        slug = slug[: ITEM_ID_LENGTH + 1].rsplit("-", 1)[0]
    return slug


def build_checklist(title: str, raw_options: dict[str, Any], body: list[tuple[int, str]], slugify: Slugify,
                    line: int = 0) -> Checklist:  # fmt: skip
    """A whole checklist from its title, options and body lines; raise ChecklistError on any problem."""
    if not title.strip():
        raise ChecklistError(line, "die Checkliste hat keinen Titel: schreiben Sie „/// checklist | Titel“")
    try:
        options = parse_options(raw_options)
    except ValueError as exc:
        raise ChecklistError(line, str(exc)) from None
    items = parse_items(body, slugify)
    if not items:
        raise ChecklistError(line, f"die Checkliste „{title}“ hat keine Punkte: schreiben Sie „- [ ] Text“ je Zeile")
    if options.weights is not None:
        if len(options.weights) != len(items):
            raise ChecklistError(
                line, f"„weights:“ nennt {len(options.weights)} Zahlen, die Checkliste hat {len(items)} Punkte"
            )
        items = [Item(i.key, i.label, i.checked, i.note, w) for i, w in zip(items, options.weights, strict=True)]
    checklist = Checklist(
        id=options.id or slugify(title) or "checkliste",
        title=title.strip(),
        items=items,
        scores=list(options.scores),
        weighted=options.weights is not None,
        download=options.download,
        line=line,
    )
    try:
        check_scores(options.scores, checklist.max_score)
    except ValueError as exc:
        raise ChecklistError(line, str(exc)) from None
    return checklist


def read_options(text: str) -> dict[str, Any]:
    """The YAML of the indented option lines (already dedented); raise ValueError if it is not a mapping."""
    try:
        options = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        raise ValueError(
            f"die eingerückten Optionen sind kein gültiges „Schlüssel: Wert“ ({exc.problem}); enthält ein Text "
            "einen Doppelpunkt, setzen Sie ihn in Anführungszeichen"
        ) from None
    if options is None:
        return {}
    if not isinstance(options, dict):
        raise ValueError("die eingerückten Zeilen unter dem Titel müssen Optionen der Form „Schlüssel: Wert“ sein")
    return options


def find_checklists(lines: list[str], slugify: Slugify) -> Iterator[Checklist | ChecklistError]:
    """Every checklist block in a Markdown document (outside fenced code), or the error that breaks it."""
    fence = None
    index = 0
    while index < len(lines):
        text = lines[index]
        code = CODE_FENCE_RE.match(text)
        if fence:
            if code and code["fence"][0] == fence[0] and len(code["fence"]) >= len(fence):
                fence = None
            index += 1
            continue
        if code:
            fence = code["fence"]
            index += 1
            continue
        header = HEADER_RE.match(text)
        if not header:
            index += 1
            continue
        start = index + 1
        end = next(
            (i for i in range(start, len(lines)) if (m := END_RE.match(lines[i])) and m["fence"] == header["fence"]),
            None,
        )
        if end is None:
            yield ChecklistError(
                start,
                f"der Block „{text.strip()}“ wird nicht geschlossen: setzen Sie eine Zeile "
                f"„{header['fence']}“ unter den letzten Punkt",
            )
            return
        option_end = start
        while option_end < end and OPTION_LINE_RE.match(lines[option_end]):
            option_end += 1
        try:
            raw = read_options(textwrap.dedent("\n".join(lines[start:option_end])))
            body = [(number + 1, lines[number]) for number in range(option_end, end)]
            yield build_checklist(header["title"] or "", raw, body, slugify, line=start)
        except ChecklistError as exc:
            yield exc
        except ValueError as exc:
            yield ChecklistError(start, str(exc))
        index = end + 1
