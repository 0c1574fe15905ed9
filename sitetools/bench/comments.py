"""Comment figures for `invoke bench` (two entries of sitetools.bench.run.MEASUREMENTS).

Build: the benchmark corpus built with our full settings, without and with ten approved comments
per article (10,000 for 1,000 articles; budget: ≤ 1.15× the CPU time). Intake: valid posts from
client threads to the intake under waitress in its own process on 127.0.0.1 (goal ≥ 500/s, none lost).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sitetools.bench.core import PELICAN_CHILD, Figure, Variant, build_once, sentence

COMMENTS_PER_ARTICLE = 10
BUILD_BUDGET = 1.15
INTAKE_POSTS = 2000
INTAKE_CLIENTS = 16
INTAKE_SERVER = """
import sys
from pathlib import Path
from waitress import create_server
from comments.intake import IntakeApp, IntakeConfig

from sitetools.bench.core import PELICAN_CHILD, Figure, Variant, build_once, sentence

config = IntakeConfig(db_path=Path(sys.argv[1]), manifest_path=Path(sys.argv[2]), rate_limit=0)
server = create_server(IntakeApp(config), host="127.0.0.1", port=0, threads=8)
print(server.effective_port, flush=True)
server.run()
"""


def write_comments(content: Path, slugs: list[str], count: int, seed: int = 2013) -> None:
    """Write count comment files over the articles with these slugs (every fifth one a reply)."""
    from comments.model import Comment, write_comment_file

    rng = random.Random(seed)
    start = datetime(2024, 1, 1, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    written: dict[str, list[str]] = {}
    for n in range(count):
        slug = slugs[n % len(slugs)]
        earlier = written.setdefault(slug, [])
        comment = Comment(
            id=f"b{n:06d}",
            author=f"Leserin {n}",
            date=start + timedelta(minutes=n),
            reply_to=earlier[-1] if earlier and n % 5 == 0 else None,
            by_site_author=n % 5 == 0,
            website="https://example.org/" if n % 3 == 0 else None,
            body=" ".join(sentence(rng) for _ in range(rng.randint(1, 4))),
        )
        write_comment_file(content / "comments", slug, comment)
        earlier.append(comment.id)


def measure_comment_build(bench) -> list:
    """CPU time of the full build without and with ten approved comments per article."""

    settings = str(bench.project / "pelicanconf.py")
    with_comments = bench.workdir / "mit-kommentaren" / "content"
    shutil.copytree(bench.content, with_comments)
    plain = Variant("ohne", PELICAN_CHILD, [str(bench.content), "-o", "{output}", "-q", "-s", settings])
    commented = Variant("mit", PELICAN_CHILD, [str(with_comments), "-o", "{output}", "-q", "-s", settings])
    output = bench.workdir / "kommentare-out"
    build_once(plain, output)  # its manifest names the slugs Pelican gave the articles
    slugs = sorted(json.loads((output / "kommentare/manifest.json").read_text(encoding="utf-8"))["articles"])
    count = COMMENTS_PER_ARTICLE * len(slugs)
    write_comments(with_comments, slugs, count)
    for round_number in range(bench.repeats):
        for variant in (commented, plain) if round_number % 2 == 0 else (plain, commented):
            build_once(variant, output)
    ratio = min(commented.cpu_seconds) / min(plain.cpu_seconds)
    return [
        Figure(f"Kommentare: voller Bau ohne Kommentare, {len(slugs)} Artikel (CPU)", min(plain.cpu_seconds), "s"),
        Figure(f"Kommentare: voller Bau mit {count} Kommentaren (CPU)", min(commented.cpu_seconds), "s"),
        Figure("Kommentare: mit / ohne (CPU)", ratio, "×", BUILD_BUDGET),
        Figure("Kommentare: mit / ohne (Wandzeit)", min(commented.seconds) / min(plain.seconds), "×"),
    ]


def measure_intake(bench) -> list:
    """Valid posts per second to the intake under waitress on loopback, and how many got lost."""
    from comments.queue import CommentQueue

    folder = bench.workdir / "annahme"
    manifest = folder / "kommentare" / "manifest.json"
    manifest.parent.mkdir(parents=True)
    article = {"url": "beitrag/", "title": "Beitrag", "open": True, "comments": []}
    manifest.write_text(json.dumps({"site": "", "articles": {"beitrag": article}}), encoding="utf-8")
    database = folder / "queue.sqlite3"
    paths = os.pathsep.join([str(bench.project), str(bench.project / "plugins")])
    server = subprocess.Popen(
        [sys.executable, "-c", INTAKE_SERVER, str(database), str(manifest)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": paths},
    )
    try:
        port = int(server.stdout.readline())
        elapsed, statuses = _post_all(port)
    finally:
        server.terminate()
        server.wait(timeout=10)
    stored = len(CommentQueue(database).entries("pending"))
    lost = INTAKE_POSTS - stored + sum(status != 303 for status in statuses)
    rate = f"Kommentar-Annahme: gültige Posts je Sekunde ({INTAKE_CLIENTS} Clients, waitress)"
    return [
        Figure(rate, INTAKE_POSTS / elapsed, "/s"),
        Figure(f"Kommentar-Annahme: verlorene von {INTAKE_POSTS} Posts", lost, "", 0),
    ]


def _post_all(port: int) -> tuple[float, list[int]]:
    """Send INTAKE_POSTS valid posts from INTAKE_CLIENTS threads; returns (seconds, statuses)."""

    def client(numbers: range) -> list[int]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        statuses = []
        for n in numbers:
            form = {"article": "beitrag", "author": f"Leser {n}", "email": f"l{n}@example.org",
                    "body": f"Kommentar {n} zum Beitrag.", "consent": "ja"}  # fmt: skip
            connection.request("POST", "/kommentare/", urlencode(form),
                               {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
        connection.close()
        return statuses

    share = -(-INTAKE_POSTS // INTAKE_CLIENTS)
    batches = [range(i, min(i + share, INTAKE_POSTS)) for i in range(0, INTAKE_POSTS, share)]
    started = time.perf_counter()
    with ThreadPoolExecutor(INTAKE_CLIENTS) as pool:
        results = list(pool.map(client, batches))
    return time.perf_counter() - started, [status for batch in results for status in batch]
