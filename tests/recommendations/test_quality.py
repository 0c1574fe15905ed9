"""Quality on two labelled sets of German SME articles (<set>/articles/<topic>/<slug>.md).

- evaluation/: 32 short articles (about 80 words) in six topics; tags name the topic.
- evaluation_realistic/: 42 articles of about 300 words in seven topics, tagged the way real
  blogs are: tags name audiences, channels and formats across topics ("Kunden", "Einzelhandel",
  "Facebook", "Recht" appear in several), categories are formats, four articles have no tags.

Both are read through Pelican with the real settings. Run with -s to see the precision.
"""

from pathlib import Path

import pytest
from helpers import ROOT
from recommendations.explain import read_articles

HERE = Path(__file__).parent
SETS = {"evaluation": (32, 6), "evaluation_realistic": (42, 7)}  # set -> (articles, topics)


@pytest.fixture(scope="module", params=sorted(SETS))
def labelled(request, tmp_path_factory) -> tuple[str, dict[str, tuple[str, list[str]]]]:
    """The set's name and slug -> (its topic, the topics of its three automatic picks in rank order)."""
    cache = tmp_path_factory.mktemp("cache")
    articles = read_articles(ROOT / "pelicanconf.py", HERE / request.param, CACHE_PATH=str(cache))
    topic = {a.slug: Path(a.source_path).parent.name for a in articles}
    picks = {a.slug: (topic[a.slug], [topic[p.article.slug] for p in a.recommendations]) for a in articles}
    return request.param, picks


def test_the_labelled_sets_are_big_enough(labelled) -> None:
    name, picks = labelled
    articles, topics = SETS[name]
    assert len(picks) == articles
    assert len({topic for topic, _ in picks.values()}) == topics


def test_most_top_three_picks_share_the_topic(labelled) -> None:
    name, picks = labelled
    hits = sum(pick == topic for topic, chosen in picks.values() for pick in chosen)
    total = sum(len(chosen) for _, chosen in picks.values())
    print(f"\n{name}: precision@3 {hits / total:.3f} ({hits}/{total})")
    assert total == 3 * len(picks)
    assert hits / total >= 0.85


def test_the_best_pick_shares_the_topic_for_nearly_every_article(labelled) -> None:
    _, picks = labelled
    misses = sorted(slug for slug, (topic, chosen) in picks.items() if chosen[0] != topic)
    assert len(misses) <= len(picks) // 12, misses  # two of 32, three of 42


def test_the_randomized_svd_finds_the_topics_of_a_big_corpus_like_the_exact_one(monkeypatch) -> None:
    """Above EXACT_LIMIT articles the latent topics come from a randomized SVD: same neighbours, same result twice."""
    import numpy as np
    from recommendations import similarity
    from scipy import sparse

    rng = np.random.default_rng(7)
    topic_of = np.arange(300) % 12  # 300 "articles" in 12 topics of 40 words each, plus noise words
    rows = [np.concatenate((t * 40 + rng.choice(40, 12, replace=False), 480 + rng.choice(600, 8))) for t in topic_of]
    data = rng.random((300, 20)).astype(np.float32) + 0.5
    matrix = sparse.csr_matrix((data.ravel(), (np.repeat(np.arange(300), 20), np.concatenate(rows))), shape=(300, 1080))
    matrix = sparse.csr_matrix(sparse.diags(1 / np.sqrt(matrix.multiply(matrix).sum(axis=1)).A1) @ matrix)
    exact = similarity.unit_rows(similarity.latent_topics(matrix, 12))
    monkeypatch.setattr(similarity, "EXACT_LIMIT", 0)
    randomized = similarity.unit_rows(similarity.latent_topics(matrix, 12))
    assert np.array_equal(randomized, similarity.unit_rows(similarity.latent_topics(matrix, 12)))
    assert np.abs(exact @ exact.T - randomized @ randomized.T).mean() < 0.05
    best = np.argsort(-(randomized @ randomized.T - 2 * np.eye(300)), axis=1)[:, :3]
    assert (topic_of[best] == topic_of[:, None]).mean() > 0.95


@pytest.fixture(scope="module")
def built_realistic_set(tmp_path_factory) -> Path:
    """The second set built as a site with the real settings, as `pelican DIR -s pelicanconf.py -o OUT` does."""
    from helpers import build_site

    base = tmp_path_factory.mktemp("realistic")
    return build_site(HERE / "evaluation_realistic", base / "output")


def test_the_built_pages_list_picks_of_the_same_topic(built_realistic_set) -> None:
    """Read every article page's aside.recommendations links in order, as a reader (and the acceptance check) would."""
    from bs4 import BeautifulSoup

    topic = {path.stem: path.parent.name for path in (HERE / "evaluation_realistic" / "articles").glob("*/*.md")}
    hits = total = 0
    for slug, expected in topic.items():
        page = BeautifulSoup((built_realistic_set / slug / "index.html").read_text(encoding="utf-8"), "html.parser")
        links = [
            a["href"].strip("/").rsplit("/", 1)[-1] for a in page.select("aside.recommendations a.recommendation-title")
        ]
        assert len(links) == 3 and slug not in links, (slug, links)
        hits += sum(topic[link] == expected for link in links)
        total += len(links)
    print(f"\nbuilt evaluation_realistic: precision@3 {hits / total:.3f} ({hits}/{total})")
    assert hits / total >= 0.85
