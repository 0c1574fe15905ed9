"""Comment figures for `invoke bench`: build time with many approved comments, intake requests/s.

Build: the synthetic corpus of sitetools/benchmark.py built with our full settings, without and
with `comments` approved comments spread over its articles (budget ≤ 1.15×). Intake: valid posts
from client threads to the intake under waitress on 127.0.0.1 (goal ≥ 500/s, none lost).
"""

from __future__ import annotations

import http.client
import json
import logging
import random
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sitetools.benchmark import Variant, _build_once, _sentence, write_corpus

BUILD_BUDGET = 1.15
INTAKE_GOAL = 500


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
            body=" ".join(_sentence(rng) for _ in range(rng.randint(1, 4))),
        )
        write_comment_file(content / "comments", slug, comment)
        earlier.append(comment.id)


def bench_build(articles: int, comments: int, repeats: int, project: Path) -> dict[str, Variant]:
    """Build the corpus without and with comments, alternating, and print the ratio."""
    with tempfile.TemporaryDirectory(prefix="kmu-bench-comments-") as tmp:
        root = Path(tmp)
        plain = write_corpus(root / "plain", articles)
        variants = [Variant("no comments", project / "pelicanconf.py"), Variant("comments", project / "pelicanconf.py")]
        _build_once(variants[0], plain, root / "out")
        manifest = json.loads((root / "out/kommentare/manifest.json").read_text(encoding="utf-8"))
        with_comments = write_corpus(root / "with", articles)
        write_comments(with_comments, sorted(manifest["articles"]), comments)
        for round_number in range(max(2, repeats)):
            order = [(variants[0], plain), (variants[1], with_comments)]
            for variant, content in order if round_number % 2 else order[::-1]:
                _build_once(variant, content, root / "out")
                print(f"  round {round_number + 1}: {variant.name:<12} {variant.seconds[-1]:6.2f} s wall, "
                      f"{variant.cpu_seconds[-1]:6.2f} s CPU")  # fmt: skip
    ratio = min(variants[1].seconds) / min(variants[0].seconds)
    cpu_ratio = min(variants[1].cpu_seconds) / min(variants[0].cpu_seconds)
    verdict = "ok" if ratio <= BUILD_BUDGET else "OVER"
    print(f"{articles} articles, {comments} comments: {min(variants[0].seconds):.2f} s -> "
          f"{min(variants[1].seconds):.2f} s, {ratio:.2f}× wall ({cpu_ratio:.2f}× CPU), "
          f"budget ≤ {BUILD_BUDGET:.2f}× {verdict}")  # fmt: skip
    return {v.name: v for v in variants}


def bench_intake(posts: int = 2000, clients: int = 16, threads: int = 8) -> float:
    """Post valid comments from client threads to the intake under waitress; returns requests/s."""
    from comments.intake import IntakeApp, IntakeConfig
    from waitress import create_server

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" is expected here

    with tempfile.TemporaryDirectory(prefix="kmu-bench-intake-") as tmp:
        root = Path(tmp)
        manifest = root / "kommentare" / "manifest.json"
        manifest.parent.mkdir()
        manifest.write_text(json.dumps({"articles": {"beitrag": {"url": "beitrag/", "open": True, "comments": []}}}))
        app = IntakeApp(IntakeConfig(db_path=root / "queue.sqlite3", manifest_path=manifest, rate_limit=0))
        server = create_server(app, host="127.0.0.1", port=0, threads=threads)
        stop = threading.Event()

        def serve() -> None:
            while not stop.is_set():
                server.asyncore.loop(timeout=0.05, map=server._map, count=1)
            server.task_dispatcher.shutdown()
            server.close()

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        port = server.effective_port

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

        share = -(-posts // clients)
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            results = list(pool.map(client, [range(i, min(i + share, posts)) for i in range(0, posts, share)]))
        elapsed = time.perf_counter() - started
        stop.set()
        thread.join(timeout=5)
        stored = len(app.queue.entries("pending"))
    accepted = sum(status == 303 for statuses in results for status in statuses)
    rate = posts / elapsed
    verdict = "ok" if rate >= INTAKE_GOAL and stored == posts else "BELOW GOAL"
    print(f"Intake: {posts} valid posts from {clients} clients in {elapsed:.2f} s = {rate:.0f} requests/s "
          f"(waitress, {threads} threads); {accepted} accepted, {stored} in the queue; "
          f"goal ≥ {INTAKE_GOAL}/s, none lost: {verdict}")  # fmt: skip
    return rate
