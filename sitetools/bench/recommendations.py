"""`invoke bench`, recommendations section: time and memory of the recommendation step.

The step is what plugins/recommendations does once per build: analyse every article (stems, stop
words), build the TF-IDF vectors and their latent topics (truncated SVD) and find the three best
other articles of each. It runs on a
synthetic German-like corpus (1,000 and 10,000 articles of about 1,400 words: topic words from
compounds, a long tail of other words, stop words) in a fresh child process per measurement:
- import: the one-time import of numpy and scipy (a build pays it once);
- cold: the step with an empty term cache, wall time and the step's own peak memory (resident
  memory above what the process held before the step);
- warm: the same after one article was edited, with the caches of the cold run (from 2,000
  articles on the stored model: only the edited article is analysed and folded in, see
  plugins/recommendations/similarity.py);
- baseline: full-text TF-IDF + cosine with gensim (as pelican-similar-posts does over tags: a
  similarity index queried once per article), on the same corpus and the same word analysis.
  gensim is optional: `pip install -r requirements-bench.txt`; without it the baseline is skipped.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sitetools.bench.core import Bench, Figure

# One BLAS thread for both variants: comparable figures on a shared machine.
SINGLE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# articles -> CPU seconds without cache, CPU seconds after one edit, MB of the step
BUDGETS = {1000: (0.5, 0.5, None), 10000: (5.0, 1.0, 300.0)}
PARTS = (
    "Kunde Werbung Budget Strategie Marke Netzwerk Bewertung Anzeige Kanal Beitrag Video Bild Foto Text "
    "Plan Ziel Zahl Messung Umsatz Auftrag Anfrage Team Chef Recht Daten Schutz Vertrag Preis Angebot "
    "Laden Handwerk Betrieb Kammer Messe Presse Zeitung Radio Kampagne Aktion Rabatt Gutschein Brief "
    "Blog Seite Profil Gruppe Forum Frage Antwort Kritik Lob Termin Woche Monat Stunde Kosten Gewinn "
    "Risiko Chance Fehler Erfolg Idee Konzept Vorlage Liste Tabelle Bericht Studie Umfrage Markt Branche "
    "Region Stadt Dorf Verein Schule Ausbildung Stelle Bewerbung Kollege Partner Lieferant Händler "
    "Produkt Dienst Service Qualität Vertrauen Ruf Stimme Logo Farbe Schrift Technik Telefon Post Karte "
    "Flyer Plakat Schild Fenster Küche Bäckerei Friseur Werkstatt Praxis Kanzlei Hotel Restaurant Wetter "
    "Sommer Winter Fest Feier Rezept Garten Auto Fahrrad Zug Reise Urlaub Gesundheit Sport Musik Buch"
).split()
SUFFIXES = ("", "", "en", "s", "e", "n", "ung")


def make_documents(count: int, seed: int = 2013) -> list:
    """A deterministic corpus: each article mixes its topic's words, a long tail and stop words."""
    from datetime import UTC, datetime, timedelta

    import numpy as np
    from recommendations.similarity import Document
    from recommendations.text import STOP_WORDS

    rng = np.random.default_rng(seed)
    compounds = [a + b.lower() for a in PARTS for b in PARTS if a != b]
    vocabulary = np.array(PARTS + compounds)
    tail_weights = 1.0 / np.arange(1, len(vocabulary) + 1)  # Zipf: a few words everywhere, most rare
    tail_weights /= tail_weights.sum()
    rng.shuffle(vocabulary)
    stop_words = np.array(sorted(STOP_WORDS))
    topics = [rng.choice(len(vocabulary), 40, replace=False) for _ in range(max(count // 30, 5))]
    tags = [f"Schlagwort {n}" for n in range(60)]
    start = datetime(2013, 1, 1, 9, tzinfo=UTC)
    documents = []
    for n in range(count):
        topic = topics[n % len(topics)]
        words = np.concatenate(
            [
                vocabulary[rng.choice(topic, 500)],
                vocabulary[rng.choice(len(vocabulary), 300, p=tail_weights)],
                stop_words[rng.integers(0, len(stop_words), 600)],
            ]
        )
        rng.shuffle(words)
        suffixes = rng.choice(SUFFIXES, len(words))
        text = " ".join(w + s if w[0].isupper() else w for w, s in zip(words.tolist(), suffixes.tolist(), strict=True))
        title = " ".join(vocabulary[rng.choice(topic, 4)].tolist())
        picked = tuple(tags[(n % len(topics) + k * 7) % len(tags)] for k in range(3))
        category = f"Format {n % 5}"
        documents.append(Document(f"artikel-{n:05d}", title, picked, category, text, start + timedelta(hours=n)))
    return documents


CHILD = r"""
import gc, json, resource, sys, tempfile, time
from pathlib import Path

kind, count = sys.argv[1], int(sys.argv[2])

def rss_mb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0

def reset_peak():
    try:
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := current resident memory
        return True
    except OSError:
        return False

started = time.perf_counter()
import numpy, scipy.sparse
import_s = time.perf_counter() - started
from recommendations.similarity import Document, Model, TermCache, Weights
from sitetools.bench.recommendations import make_documents

documents = make_documents(count)
gc.collect()
before = rss_mb("VmRSS")
exact_peak = reset_peak()
figures = {"import_s": import_s, "exact_peak": exact_peak}
started, cpu_started = time.perf_counter(), time.process_time()
if kind == "ours":
    with tempfile.TemporaryDirectory() as tmp:
        cache_file = Path(tmp) / "recommendations.npz"
        picks = Model(documents, Weights(), TermCache(cache_file)).top(3)
        figures["cold_s"] = time.perf_counter() - started
        figures["cold_cpu_s"] = time.process_time() - cpu_started
        figures["step_mb"] = rss_mb("VmHWM") - before
        edited = documents[count // 2]
        documents[count // 2] = Document(edited.key, edited.title, edited.tags, edited.category,
                                         edited.text + " Nachtrag zum Budget.", edited.date)
        started, cpu_started = time.perf_counter(), time.process_time()
        cache = TermCache(cache_file)
        model = Model(documents, Weights(), cache)
        model.top(3)
        figures["warm_s"] = time.perf_counter() - started
        figures["warm_cpu_s"] = time.process_time() - cpu_started
        figures["warm_hits"] = cache.hits
        figures["warm_model"] = model.warm
else:
    import numpy as np
    from gensim import corpora, models, similarities
    from recommendations.text import WORD_RE, stem

    texts = [[s for s in map(stem, WORD_RE.findall(" ".join((d.title, *d.tags, d.text)).lower())) if s]
             for d in documents]
    dictionary = corpora.Dictionary(texts)
    corpus = [dictionary.doc2bow(text) for text in texts]
    tfidf = models.TfidfModel(corpus)
    index = similarities.SparseMatrixSimilarity(tfidf[corpus], num_features=len(dictionary))
    picks = []
    for i, vector in enumerate(tfidf[corpus]):
        scores = index[vector]
        scores[i] = -1
        picks.append(np.argsort(-scores)[:3].tolist())
    figures["cold_s"] = time.perf_counter() - started
    figures["cold_cpu_s"] = time.process_time() - cpu_started
    figures["step_mb"] = rss_mb("VmHWM") - before
figures["total_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("FIGURES", json.dumps(figures))
"""


def _measure(kind: str, count: int, project: Path) -> dict:
    """Run one measurement in a fresh child process and return its figures."""
    env_path = f"{project}:{project / 'plugins'}"
    command = [sys.executable, "-c", CHILD, kind, str(count)]
    result = subprocess.run(
        command, capture_output=True, text=True, check=False, cwd=project, env={"PYTHONPATH": env_path, **SINGLE_THREAD}
    )
    if result.returncode != 0:
        raise RuntimeError(f"recommendation benchmark ({kind}, {count}) failed:\n{result.stderr}")
    return json.loads(result.stdout.rsplit("FIGURES", 1)[1])


def gensim_available() -> bool:
    """Whether the optional baseline can run."""
    import importlib.util

    return importlib.util.find_spec("gensim") is not None


def run_recommendation_benchmark(project: Path, sizes: tuple[int, ...] = (1000, 10000)) -> dict[int, dict]:
    """Measure the recommendation step (and the gensim baseline) for each corpus size and print a table."""
    baseline = gensim_available()
    if not baseline:
        print(
            "Empfehlungen: gensim ist nicht installiert, der Vergleich entfällt (pip install -r requirements-bench.txt)"
        )
    results: dict[int, dict] = {}
    for count in sizes:
        results[count] = {}
        for kind in ("ours", "gensim") if baseline else ("ours",):
            results[count][kind] = figures = _measure(kind, count, project)
            print(f"  Empfehlungen, {count} Artikel, {kind}: {figures['cold_cpu_s']:.2f} s CPU, "
                  f"{figures['step_mb']:.0f} MB")  # fmt: skip
    _print_table(results)
    return results


def measure_recommendations(bench: Bench) -> list[Figure]:
    """MEASUREMENTS entry: the recommendation step for 1,000 and 10,000 articles, against gensim."""

    results = run_recommendation_benchmark(bench.project)
    figures = []
    for count, variants in results.items():
        cold, warm, megabytes = BUDGETS.get(count, (None, None, None))
        ours, size = variants["ours"], f"{count:,}".replace(",", ".")
        figures += [
            Figure(f"Empfehlungen {size} Artikel, ohne Cache (CPU)", ours["cold_cpu_s"], "s", cold),
            Figure(f"Empfehlungen {size} Artikel, nach einer Änderung (CPU)", ours["warm_cpu_s"], "s", warm),
            Figure(f"Empfehlungen {size} Artikel, Speicher des Schritts", ours["step_mb"], "MB", megabytes),
        ]
        if "gensim" in variants:
            figures.append(
                Figure(
                    f"Empfehlungen {size} Artikel, gensim / unsere (CPU)",
                    variants["gensim"]["cold_cpu_s"] / ours["cold_cpu_s"],
                    "×",
                )
            )
    figures.append(
        Figure("Empfehlungen: numpy und scipy importieren (einmal)", results[min(results)]["ours"]["import_s"], "s")
    )
    return figures


def _print_table(results: dict[int, dict]) -> None:
    print("\nEmpfehlungen: Analyse, TF-IDF, latente Themen, die besten drei je Artikel (numpy/scipy-Import getrennt)")
    print(f"{'Artikel':>8} {'Variante':<8} {'Import s':>8} {'kalt s':>8} {'CPU s':>7} {'warm s':>8} {'CPU s':>7} "
          f"{'Schritt MB':>10} {'Spitze MB':>9}")  # fmt: skip
    for count, variants in results.items():
        for name, figures in variants.items():
            warm = (
                f"{figures['warm_s']:8.3f} {figures['warm_cpu_s']:7.3f}"
                if "warm_s" in figures
                else f"{'–':>8} {'–':>7}"
            )
            memory = f"{figures['step_mb']:10.1f} {figures['total_peak_mb']:9.1f}"
            print(f"{count:8d} {name:<8} {figures['import_s']:8.3f} {figures['cold_s']:8.3f} "
                  f"{figures['cold_cpu_s']:7.3f} {warm} {memory}")  # fmt: skip
    print(json.dumps({str(count): variants for count, variants in results.items()}))
