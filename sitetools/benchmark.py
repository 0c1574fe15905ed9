"""`invoke bench`: build a synthetic German corpus several ways and compare time and memory.

Build variants, each in a fresh child process, in alternating order:
  vanilla       Pelican's defaults: no plugins, the stock notmyidea theme, Pelican's default feeds
  theme-only    our pelicanconf.py with PLUGINS = []
  full          our pelicanconf.py as it is, plain `pelican`
  invoke build  the author's `invoke build` (content check, Pelican, link check, swap into place)

Then every function in MEASUREMENTS adds its own figures (live reload: cold build against the
rebuild after one edit). A new figure is one more function appended to MEASUREMENTS.
Budgets are judged on CPU time: on a shared machine wall time mostly measures the neighbours.
"""

from __future__ import annotations

import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sitetools.bench_recommendations import measure_recommendations
from sitetools.bench_search_share import measure_search, measure_section_links, measure_share_images
from sitetools.comments_benchmark import measure_comment_build, measure_intake
from sitetools.preview import preview_build

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
    """One way of building the corpus: a child process that prints its own resource usage."""

    name: str
    script: str
    args: list[str]
    budget: tuple[str, float] | None = None  # (reference variant, highest allowed CPU ratio)
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)


USAGE = """
import resource
own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
print("PEAK_KB", max(own.ru_maxrss, children.ru_maxrss), "CPU_S", cpu)
"""
PELICAN_CHILD = """
import sys
from pelican import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    if exc.code:
        raise
""" + USAGE
TASK_CHILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import tasks
from invoke import Context
tasks.CONFIG.update(content=Path(sys.argv[2]), output=Path(sys.argv[3]))
tasks.build(Context())
""" + USAGE


def _remove_build(output: Path) -> None:
    """Remove a previous build: a directory, or a release link with its releases beside it."""
    if output.is_symlink():
        output.unlink()
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(output.with_name(f"{output.name}.releases"), ignore_errors=True)


def _build_once(variant: Variant, output: Path) -> None:
    """Build in a fresh child process; record wall time, CPU time and peak resident memory."""
    _remove_build(output)
    command = [sys.executable, "-c", variant.script, *(arg.replace("{output}", str(output)) for arg in variant.args)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{variant.name} build failed:\n{result.stdout}\n{result.stderr}")
    figures = result.stdout.rsplit("PEAK_KB", 1)[1].split()
    variant.seconds.append(elapsed)
    variant.cpu_seconds.append(float(figures[2]))
    variant.peak_mb.append(int(figures[0]) / 1024)


def build_variants(content: Path, project: Path, vanilla_settings: Path) -> list[Variant]:
    """The four ways of building the corpus, plain Pelican first."""
    settings = str(project / "pelicanconf.py")
    pelican = [str(content), "-o", "{output}", "-q", "-s"]
    return [
        Variant("vanilla", PELICAN_CHILD, [*pelican, str(vanilla_settings)]),
        Variant("theme-only", PELICAN_CHILD, [*pelican, settings, "-e", "PLUGINS=[]"], ("vanilla", 1.10)),
        Variant("full", PELICAN_CHILD, [*pelican, settings], ("vanilla", 1.25)),
        Variant("invoke build", TASK_CHILD, [str(project), str(content), "{output}"], ("full", 1.30)),
    ]


@dataclass(frozen=True)
class Figure:
    """One further measured figure, with the highest value it may have (if it has a budget)."""

    name: str
    value: float
    unit: str
    budget: float | None = None


@dataclass(frozen=True)
class Bench:
    """What a measurement gets: the corpus, the project, a scratch directory and the repeat count."""

    content: Path
    project: Path
    workdir: Path
    repeats: int


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds (this process and its children) of one call."""

    def cpu() -> float:
        usages = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        return sum(usage.ru_utime + usage.ru_stime for usage in usages)

    started_wall, started_cpu = time.perf_counter(), cpu()
    action()
    return time.perf_counter() - started_wall, cpu() - started_cpu


def measure_live_reload(bench: Bench) -> list[Figure]:
    """Live reload: the first build (empty content cache) against the rebuild after editing one article."""
    settings = bench.project / "pelicanconf.py"
    output, cache = bench.workdir / "preview", bench.workdir / "preview-cache"
    articles = sorted((bench.content / "articles").glob("*.md"))
    edited = articles[len(articles) // 2]
    cold, warm = [], []
    for _ in range(bench.repeats):
        shutil.rmtree(cache, ignore_errors=True)
        cold.append(timed(lambda: preview_build(bench.content, settings, output, cache)))
        edited.write_text(edited.read_text(encoding="utf-8") + "\nEin weiterer Satz.\n", encoding="utf-8")
        warm.append(timed(lambda: preview_build(bench.content, settings, output, cache)))
    cold_cpu, warm_cpu = min(c for _, c in cold), min(c for _, c in warm)
    return [
        Figure("Live-Reload, erster Bau (Wandzeit)", min(w for w, _ in cold), "s"),
        Figure("Live-Reload, nach einer Änderung (Wandzeit)", min(w for w, _ in warm), "s"),
        Figure("Live-Reload, erster Bau (CPU)", cold_cpu, "s"),
        Figure("Live-Reload, nach einer Änderung (CPU)", warm_cpu, "s"),
        Figure("Live-Reload, nach einer Änderung / erster Bau (CPU)", warm_cpu / cold_cpu, "×", 0.40),
    ]


def plugin_cost(bench: Bench, plugin: str, label: str, budget: float = 0.05) -> list[Figure]:
    """The full build against the same build without one plugin, alternating, in fresh processes."""
    from pelican.settings import read_settings

    settings = str(bench.project / "pelicanconf.py")
    others = [name for name in read_settings(settings)["PLUGINS"] if name != plugin]
    pelican = [str(bench.content), "-o", "{output}", "-q", "-s", settings]
    full = Variant("full", PELICAN_CHILD, pelican)
    without = Variant(f"ohne {plugin}", PELICAN_CHILD, [*pelican, "-e", f"PLUGINS={json.dumps(others)}"])
    for round_number in range(bench.repeats):
        for variant in (full, without) if round_number % 2 else (without, full):
            _build_once(variant, bench.workdir / f"out-{plugin}")
    cpu = min(full.cpu_seconds) - min(without.cpu_seconds)
    return [
        Figure(f"{label}: zusätzliche Wandzeit", min(full.seconds) - min(without.seconds), "s"),
        Figure(f"{label}: zusätzliche CPU-Zeit", cpu, "s"),
        Figure(f"{label}: Anteil am vollen Bau (CPU)", cpu / min(full.cpu_seconds), "×", budget),
    ]


def measure_feeds(bench: Bench) -> list[Figure]:
    """Feeds: what the feeds plugin adds to the full build (goal: ≤ 5 % of the build)."""
    return plugin_cost(bench, "feeds", "Feeds")


def measure_content_check(bench: Bench) -> list[Figure]:
    """Content check: what the check adds to the full build (goal: ≤ 5 % of the build)."""
    return plugin_cost(bench, "content_check", "Inhaltsprüfung")


# Further figures: each function gets the Bench and returns its Figures (append yours here).
MEASUREMENTS: list[Callable[[Bench], list[Figure]]] = [
    measure_live_reload,
    measure_recommendations,
    measure_comment_build,
    measure_intake,
    measure_search,
    measure_share_images,
    measure_section_links,
    measure_feeds,
    measure_content_check,
]


def run_benchmark(articles: int, repeats: int, project: Path) -> tuple[list[Variant], list[Figure]]:
    """Build the corpus with each variant `repeats` times, alternating, run MEASUREMENTS, print all."""
    repeats = max(2, repeats)
    with tempfile.TemporaryDirectory(prefix="kmu-bench-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        content = write_corpus(root, articles)
        size_kb = sum(p.stat().st_size for p in (content / "articles").glob("*.md")) / 1024
        print(f"Korpus: {articles} Artikel, im Schnitt {size_kb / max(articles, 1):.1f} KB, "
              f"geschrieben in {time.perf_counter() - started:.1f} s")  # fmt: skip
        vanilla_settings = root / "vanilla.py"
        vanilla_settings.write_text('TIMEZONE = "Europe/Berlin"\n')
        variants = build_variants(content, project, vanilla_settings)
        for round_number in range(repeats):
            shift = round_number % len(variants)
            for variant in variants[shift:] + variants[:shift]:
                _build_once(variant, root / "out")
                print(f"  Runde {round_number + 1}: {variant.name:<12} {_de(variant.seconds[-1])} s Wandzeit, "
                      f"{_de(variant.cpu_seconds[-1])} s CPU")  # fmt: skip
        _print_variants(variants)
        bench = Bench(content, project, root, repeats)
        figures = [figure for measure in MEASUREMENTS for figure in measure(bench)]
    _print_figures(figures)
    return variants, figures


def _de(number: float, digits: int = 2) -> str:
    """A number the German way: 1,25."""
    return f"{number:.{digits}f}".replace(".", ",")


def _verdict(value: float, budget: float | None) -> str:
    if budget is None:
        return ""
    return f"≤ {_de(budget)} {'ok' if value <= budget else 'ÜBER BUDGET'}"


def _print_variants(variants: list[Variant]) -> None:
    by_name = {variant.name: variant for variant in variants}
    base = variants[0]
    print(f"\n{'Variante':<13} {'min s':>7} {'Median s':>9} {'min CPU s':>10} {'Spitze MB':>10} "
          f"{'Zeit ×':>7} {'CPU ×':>6} {'Speicher ×':>11}  Budget (CPU-Zeit)")  # fmt: skip
    for variant in variants:
        verdict = ""
        if variant.budget:
            reference, limit = variant.budget
            ratio = min(variant.cpu_seconds) / min(by_name[reference].cpu_seconds)
            verdict = f"{_de(ratio)}× {reference}, {_verdict(ratio, limit)}"
        print(
            f"{variant.name:<13} {_de(min(variant.seconds)):>7} {_de(statistics.median(variant.seconds)):>9} "
            f"{_de(min(variant.cpu_seconds)):>10} {_de(max(variant.peak_mb), 1):>10} "
            f"{_de(min(variant.seconds) / min(base.seconds)):>7} "
            f"{_de(min(variant.cpu_seconds) / min(base.cpu_seconds)):>6} "
            f"{_de(max(variant.peak_mb) / max(base.peak_mb)):>11}  {verdict}"
        )


def _print_figures(figures: list[Figure]) -> None:
    if not figures:
        return
    print(f"\n{'Messung':<55} {'Wert':>9}  Budget")
    for figure in figures:
        print(f"{figure.name:<55} {_de(figure.value):>7} {figure.unit:<2} {_verdict(figure.value, figure.budget)}")
