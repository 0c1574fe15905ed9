"""`invoke bench`: build a synthetic German corpus three ways and compare time and memory.

vanilla     Pelican's defaults: no plugins, the stock notmyidea theme, Pelican's default feeds
theme-only  our pelicanconf.py with PLUGINS = []
full        our pelicanconf.py as it is
"""

from __future__ import annotations

import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BUDGETS = {"theme-only": 1.10, "full": 1.25}
CATEGORIES = ["Strategie", "Erfolgsmessung", "Kanäle und Inhalte", "Studien und Zahlen", "Praxis"]
TAGS = [
    "Ziele", "Kennzahlen", "B2B", "B2C", "Redaktionsplan", "Geschäftsführung", "Mitarbeitende",
    "Budget", "Kritik", "LinkedIn", "Xing", "Instagram", "Newsletter", "Blog", "Bewertungen",
    "Kundenbeziehung", "Öffentlichkeitsarbeit", "Recht", "Zeitplanung", "Reichweite",
    "Handwerk", "Einzelhandel", "Dienstleistung", "Studie", "Umfrage", "Werbung", "Führung",
    "Strategiepapier", "Content", "Monitoring",
]  # fmt: skip
WORDS = (
    "Unternehmen Kunden Beratung Kommunikation Netzwerk Beitrag Ziel Strategie Wirkung Messung "
    "Mittelstand Betrieb Handwerk Geschäftsführung Mitarbeitende Reichweite Vertrauen Anfrage "
    "Auftrag Empfehlung Aufwand Budget Woche Stunde Kanal Zielgruppe Inhalt Redaktionsplan "
    "Rückmeldung Bewertung Kritik Gespräch Erfahrung Ergebnis Kennzahl Umsatz Sichtbarkeit "
    "nachhaltig regelmäßig konkret messbar sinnvoll gezielt realistisch persönlich öffentlich "
    "planen prüfen antworten veröffentlichen messen entscheiden verzichten überzeugen zählen "
    "und oder aber denn weil wenn dass nicht nur auch schon noch immer wieder früh später für "
    "über unter mit ohne gegen zwischen während nach vor bei seit die der das ein eine"
).split()
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 450"><title>Grafik {n}</title>'
    '<rect width="800" height="450" fill="#f4f1ea"/><rect x="80" y="{y}" width="640" height="60" '
    'fill="#1f4e5f"/></svg>\n'
)


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 18))
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(4, 7)))


def write_corpus(root: Path, articles: int, seed: int = 2013) -> Path:
    """Write a deterministic corpus of about 10 KB per article into root/content."""
    rng = random.Random(seed)
    content = root / "content"
    (content / "articles").mkdir(parents=True)
    (content / "images").mkdir()
    for n in range(10):
        (content / "images" / f"grafik-{n}.svg").write_text(SVG.format(n=n, y=40 + n * 30))
    for n in range(articles):
        title = f"{' '.join(rng.choices(WORDS, k=5)).capitalize()} {n}"
        tags = ", ".join(rng.sample(TAGS, 3))
        day = f"20{13 + n % 12:02d}-{1 + n % 12:02d}-{1 + n % 28:02d} {n % 24:02d}:{n % 60:02d}"
        parts = [
            f"Title: {title}",
            f"Date: {day}",
            f"Category: {rng.choice(CATEGORIES)}",
            f"Tags: {tags}",
            "Author: Katrin Albrecht",
            f"Summary: {_sentence(rng)}",
            f"Image: images/grafik-{n % 10}.svg",
            "Image_alt: Balkendiagramm mit einem Wert",
            "Image_credit: Grafik: eigene Darstellung",
            "",
        ]
        for section in range(5):
            parts.append(f"## Abschnitt {section + 1}: {_sentence(rng)[:-1]}\n")
            parts.extend(_paragraph(rng) + "\n" for _ in range(3))
            if section == 1 and n:
                other = rng.randrange(n)
                parts.append(f"Mehr dazu im [Beitrag {other}]({{filename}}/articles/artikel-{other:05d}.md).\n")
            if section == 2:
                parts.extend(f"- {_sentence(rng)}" for _ in range(4))
                parts.append("")
            if section == 3:
                parts.append(f"![Grafik {n % 10}]({{static}}/images/grafik-{n % 10}.svg)\n")
            if section == 4 and n % 10 == 0:  # every tenth article carries a checklist
                parts.append(f"/// checklist | Checkliste {n}")
                parts.extend(f"- [ ] Punkt {item}: {_sentence(rng)}" for item in range(6))
                parts.append("///\n")
        (content / "articles" / f"artikel-{n:05d}.md").write_text("\n".join(parts), encoding="utf-8")
    return content


@dataclass
class Variant:
    """One way of building the corpus."""

    name: str
    settings: Path
    extra: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)


CHILD = """
import resource, sys
from pelican import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    if exc.code:
        raise
usage = resource.getrusage(resource.RUSAGE_SELF)
print("PEAK_KB", usage.ru_maxrss, "CPU_S", usage.ru_utime + usage.ru_stime)
"""


def _build_once(variant: Variant, content: Path, output: Path) -> None:
    """Build in a fresh child process; record wall time and its peak resident memory."""
    shutil.rmtree(output, ignore_errors=True)
    command = [
        sys.executable,
        "-c",
        CHILD,
        str(content),
        "-s",
        str(variant.settings),
        "-o",
        str(output),
        "-q",
    ]
    started = time.perf_counter()
    result = subprocess.run(command + variant.extra, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{variant.name} build failed:\n{result.stdout}\n{result.stderr}")
    figures = result.stdout.rsplit("PEAK_KB", 1)[1].split()
    peak_kb, cpu_seconds = int(figures[0]), float(figures[2])
    variant.seconds.append(elapsed)
    variant.cpu_seconds.append(cpu_seconds)
    variant.peak_mb.append(peak_kb / 1024)


def run_benchmark(articles: int, repeats: int, project: Path) -> dict[str, Variant]:
    """Build the corpus with each variant `repeats` times, alternating, and print the figures."""
    repeats = max(2, repeats)
    with tempfile.TemporaryDirectory(prefix="kmu-bench-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        content = write_corpus(root, articles)
        size_kb = sum(p.stat().st_size for p in (content / "articles").glob("*.md")) / 1024
        print(f"Corpus: {articles} articles, {size_kb / max(articles, 1):.1f} KB each on average, "
              f"written in {time.perf_counter() - started:.1f} s")  # fmt: skip
        vanilla_settings = root / "vanilla.py"
        vanilla_settings.write_text('TIMEZONE = "Europe/Berlin"\n')
        variants = [
            Variant("vanilla", vanilla_settings),
            Variant("theme-only", project / "pelicanconf.py", ["-e", "PLUGINS=[]"]),
            Variant("full", project / "pelicanconf.py"),
        ]
        for round_number in range(repeats):
            shift = round_number % len(variants)
            for variant in variants[shift:] + variants[:shift]:
                _build_once(variant, content, root / "out")
                print(f"  round {round_number + 1}: {variant.name:<10} {variant.seconds[-1]:6.2f} s wall, "
                      f"{variant.cpu_seconds[-1]:6.2f} s CPU")  # fmt: skip
    _print_table(variants)
    return {v.name: v for v in variants}


def _print_table(variants: list[Variant]) -> None:
    base = min(variants[0].seconds)
    base_mb = max(variants[0].peak_mb)
    base_cpu = min(variants[0].cpu_seconds)
    print(f"\n{'variant':<11} {'min s':>7} {'median s':>9} {'min CPU s':>10} {'peak MB':>8} {'time x':>7} "
          f"{'CPU x':>6} {'mem x':>6}  budget (on min wall time)")  # fmt: skip
    for variant in variants:
        ratio = min(variant.seconds) / base
        budget = BUDGETS.get(variant.name)
        verdict = "" if budget is None else f"≤ {budget:.2f}× {'ok' if ratio <= budget else 'OVER'}"
        print(
            f"{variant.name:<11} {min(variant.seconds):7.2f} {statistics.median(variant.seconds):9.2f} "
            f"{min(variant.cpu_seconds):10.2f} {max(variant.peak_mb):8.1f} {ratio:7.2f} "
            f"{min(variant.cpu_seconds) / base_cpu:6.2f} {max(variant.peak_mb) / base_mb:6.2f}  {verdict}"
        )
    print(json.dumps({v.name: {"min_s": round(min(v.seconds), 3), "peak_mb": round(max(v.peak_mb), 1)}
                      for v in variants}))  # fmt: skip
