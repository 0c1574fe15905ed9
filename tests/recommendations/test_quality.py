"""Quality on a labelled set: 32 short German articles in six topics (evaluation/articles/<topic>/).

The categories are formats (Praxis, Recht, Anleitung, Meinung), not topics, as on many blogs, so
they cannot give the answer away. Run with -s to see the precision.
"""

from pathlib import Path

import pytest
from helpers import ROOT
from recommendations.explain import read_articles

EVALUATION = Path(__file__).parent / "evaluation"


@pytest.fixture(scope="module")
def picks(tmp_path_factory) -> dict[str, tuple[str, list[str]]]:
    """slug -> (its topic, the topics of its three automatic picks in rank order)."""
    cache = tmp_path_factory.mktemp("cache")
    articles = read_articles(ROOT / "pelicanconf.py", EVALUATION, CACHE_PATH=str(cache))
    topic = {a.slug: Path(a.source_path).parent.name for a in articles}
    return {a.slug: (topic[a.slug], [topic[p.article.slug] for p in a.recommendations]) for a in articles}


def test_the_labelled_set_is_big_enough(picks) -> None:
    assert len(picks) >= 30
    assert len({topic for topic, _ in picks.values()}) >= 6


def test_most_top_three_picks_share_the_topic(picks) -> None:
    hits = sum(pick == topic for topic, chosen in picks.values() for pick in chosen)
    total = sum(len(chosen) for _, chosen in picks.values())
    precision = hits / total
    print(f"\nprecision@3 on {len(picks)} articles in six topics: {precision:.3f} ({hits}/{total})")
    assert total == 3 * len(picks)
    assert precision >= 0.8


def test_the_best_pick_shares_the_topic_for_nearly_every_article(picks) -> None:
    misses = sorted(slug for slug, (topic, chosen) in picks.items() if chosen[0] != topic)
    assert len(misses) <= 2, misses
