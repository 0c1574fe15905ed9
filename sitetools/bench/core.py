"""The benchmark's core: the synthetic corpus, timed builds in child processes, and what a measurement gets.

Every measurement module of sitetools.bench imports from here (Bench, Figure, Variant, timed,
build_once, PELICAN_CHILD, plugin_cost); this module imports none of them. sitetools.bench.run
puts the measurements together for `invoke bench`.
"""

from __future__ import annotations

import json
import random
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

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


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 18))
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(4, 7)))


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
            f"Summary: {sentence(rng)}",
            f"Image: images/grafik-{n % 10}.svg",
            "Image_alt: Balkendiagramm mit einem Wert",
            "Image_credit: Grafik: eigene Darstellung",
            "",
        ]
        for section in range(5):
            parts.append(f"## Abschnitt {section + 1}: {sentence(rng)[:-1]}\n")
            parts.extend(_paragraph(rng) + "\n" for _ in range(3))
            if section == 1 and n:
                other = rng.randrange(n)
                parts.append(f"Mehr dazu im [Beitrag {other}]({{filename}}/articles/artikel-{other:05d}.md).\n")
            if section == 2:
                parts.extend(f"- {sentence(rng)}" for _ in range(4))
                parts.append("")
            if section == 3:
                parts.append(f"![Grafik {n % 10}]({{static}}/images/grafik-{n % 10}.svg)\n")
            if section == 4 and n % 10 == 0:  # every tenth article carries a checklist
                parts.append(f"/// checklist | Checkliste {n}")
                parts.extend(f"- [ ] Punkt {item}: {sentence(rng)}" for item in range(6))
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
    cwd: Path | None = None  # the child's working directory (the project, for the invoke build)
    cache: str = ""  # "warm": its CACHE_PATH is kept between builds (one uncounted build first); "cold": emptied


USAGE = """
import resource
own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
print("PEAK_KB", max(own.ru_maxrss, children.ru_maxrss), "CPU_S", cpu)
"""
PELICAN_CHILD = (
    """
import sys
from pelican import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    if exc.code:
        raise
"""
    + USAGE
)
TASK_CHILD = (
    """
import sys
from invoke import Config, Context
import tasks
tasks.build(Context(Config(overrides={"blog": {"content": sys.argv[2], "output": sys.argv[3]}})))
"""
    + USAGE
)  # run with cwd = the project (sys.argv[1]), so that `import tasks` finds tasks/


def _remove_build(output: Path) -> None:
    """Remove a previous build: a directory, or a release link with its releases beside it."""
    if output.is_symlink():
        output.unlink()
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(output.with_name(f"{output.name}.releases"), ignore_errors=True)


def cache_dir(variant: Variant, output: Path) -> Path:
    """The CACHE_PATH a variant builds with ({cache} in its arguments): beside the output, one per variant."""
    return output.with_name(f"cache-{variant.name.replace(' ', '-')}")


def build_once(variant: Variant, output: Path) -> None:
    """Build in a fresh child process; record wall time, CPU time and peak resident memory."""
    _remove_build(output)
    cache = cache_dir(variant, output)
    if variant.cache == "cold":
        shutil.rmtree(cache, ignore_errors=True)
    arguments = (arg.replace("{output}", str(output)).replace("{cache}", str(cache)) for arg in variant.args)
    command = [sys.executable, "-c", variant.script, *arguments]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=variant.cwd)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{variant.name} build failed:\n{result.stdout}\n{result.stderr}")
    figures = result.stdout.rsplit("PEAK_KB", 1)[1].split()
    variant.seconds.append(elapsed)
    variant.cpu_seconds.append(float(figures[2]))
    variant.peak_mb.append(int(figures[0]) / 1024)


def warm_up(variant: Variant, output: Path) -> None:
    """One build that fills the variant's caches and is not counted."""
    build_once(variant, output)
    for figures in (variant.seconds, variant.cpu_seconds, variant.peak_mb):
        figures.pop()


def build_variants(content: Path, project: Path, vanilla_settings: Path) -> list[Variant]:
    """The ways of building the corpus, plain Pelican first.

    "full" is the everyday rebuild (the caches in CACHE_PATH are warm), "erster Bau" the first build
    of a blog from nothing (no caches: every share card drawn, every text read and analysed).
    """
    settings = str(project / "pelicanconf.py")
    pelican = [str(content), "-o", "{output}", "-q", "--cache-path", "{cache}", "-s"]
    return [
        Variant("vanilla", PELICAN_CHILD, [*pelican, str(vanilla_settings)]),
        Variant("theme-only", PELICAN_CHILD, [*pelican, settings, "-e", "PLUGINS=[]"], ("vanilla", 1.10)),
        Variant("full", PELICAN_CHILD, [*pelican, settings], ("vanilla", 1.00), cache="warm"),
        Variant("erster Bau", PELICAN_CHILD, [*pelican, settings], ("vanilla", 2.00), cache="cold"),
        Variant(
            "invoke build",
            TASK_CHILD,
            [str(project), str(content), "{output}"],
            ("full", 1.30),
            cwd=project,
            cache="warm",
        ),
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
    plain_cpu: float = 0.0  # plain Pelican's least CPU seconds on the corpus (the reference of every ratio)


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds (this process and its children) of one call."""

    def cpu() -> float:
        usages = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        return sum(usage.ru_utime + usage.ru_stime for usage in usages)

    started_wall, started_cpu = time.perf_counter(), cpu()
    action()
    return time.perf_counter() - started_wall, cpu() - started_cpu


def plugin_cost(bench: Bench, plugin: str, label: str, budget: float = 0.05) -> list[Figure]:
    """The full build against the same build without one plugin, alternating, in fresh processes."""
    from pelican.settings import read_settings

    settings = str(bench.project / "pelicanconf.py")
    others = [name for name in read_settings(settings)["PLUGINS"] if name != plugin]
    pelican = [str(bench.content), "-o", "{output}", "-q", "--cache-path", "{cache}", "-s", settings]
    full = Variant("full", PELICAN_CHILD, pelican, cache="warm")
    without = Variant(f"ohne {plugin}", PELICAN_CHILD, [*pelican, "-e", f"PLUGINS={json.dumps(others)}"], cache="warm")
    for variant in (full, without):  # each its own warm caches, as an author's rebuild has them
        warm_up(variant, bench.workdir / f"out-{plugin}")
    for round_number in range(bench.repeats):
        for variant in (full, without) if round_number % 2 else (without, full):
            build_once(variant, bench.workdir / f"out-{plugin}")
    cpu = min(full.cpu_seconds) - min(without.cpu_seconds)
    return [
        Figure(f"{label}: zusätzliche Wandzeit", min(full.seconds) - min(without.seconds), "s"),
        Figure(f"{label}: zusätzliche CPU-Zeit", cpu, "s"),
        Figure(f"{label}: Anteil am vollen Bau (CPU)", cpu / min(full.cpu_seconds), "×", budget),
    ]
