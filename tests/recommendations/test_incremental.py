"""Warm builds of big blogs: the stored model, changed articles folded in, a full build when too much changed."""

from __future__ import annotations

from dataclasses import replace

import pytest
from helpers import Site, build_site, write_files
from recommendations import similarity
from recommendations.similarity import Model, TermCache, Weights

from sitetools.bench.recommendations import make_documents

ARTICLES = 120


@pytest.fixture
def small_limit(monkeypatch) -> None:
    """Treat the test corpus as a big blog: the incremental path starts at 100 articles."""
    monkeypatch.setattr(similarity, "INCREMENTAL_MIN", 100)
    monkeypatch.setattr(similarity, "REFRESH_SHARE", 0.05)  # six of the 120 articles


def lists(model: Model, k: int = 3) -> list[list[tuple[int, float, float, float]]]:
    return [[(c.index, c.score, c.words, c.topics) for c in row] for row in model.top(k)]


def build(documents, tmp_path, cache: bool = True) -> Model:
    return Model(documents, Weights(), TermCache(tmp_path / "recommendations.npz" if cache else None))


def test_a_small_blog_always_gets_a_full_build_and_stores_no_model(tmp_path) -> None:
    documents = make_documents(40)
    first = build(documents, tmp_path)
    assert lists(first) == lists(build(documents, tmp_path, cache=False))
    assert not (tmp_path / "recommendations-model.npz").exists()
    assert not build(documents, tmp_path).warm


def test_a_rebuild_without_changes_gives_the_lists_of_the_cold_build(small_limit, tmp_path) -> None:
    documents = make_documents(ARTICLES)
    cold = lists(build(documents, tmp_path))
    assert (tmp_path / "recommendations-model.npz").is_file()
    warm = build(documents, tmp_path)
    assert warm.warm
    assert lists(warm) == cold


def test_an_edited_article_is_folded_in_and_found_by_its_twin(small_limit, tmp_path) -> None:
    documents = make_documents(ARTICLES)
    cold = lists(build(documents, tmp_path))
    source = documents[7]
    documents[60] = replace(documents[60], title=source.title, tags=source.tags, text=source.text)
    warm = build(documents, tmp_path)
    assert warm.warm
    after = lists(warm)
    assert after[60][0][0] == 7 and after[7][0][0] == 60
    assert after[60][0][1] > 0.9  # the same words: nearly the score of an article with itself
    for row, (before, now) in enumerate(zip(cold, after, strict=True)):
        if row not in (7, 60) and all(pick[0] != 60 for pick in before + now):
            assert now == before, row  # pairs of unchanged articles keep their scores
    # The corpus has five topics (article n: topic n % 5) of near-twins, so a cold build orders
    # many close scores otherwise; the warm lists stay on topic as often as the cold ones.
    fresh = lists(build(documents, tmp_path / "fresh", cache=False))
    topic = [n % 5 for n in range(ARTICLES)]
    topic[60] = topic[7]

    def on_topic(result) -> int:
        return sum(topic[pick[0]] == topic[row] for row, picks in enumerate(result) for pick in picks)

    print(on_topic(after), on_topic(fresh))
    assert on_topic(after) >= on_topic(fresh) - 2


def test_a_removed_and_a_new_article_never_leave_a_stale_pick(small_limit, tmp_path) -> None:
    documents = make_documents(ARTICLES)
    build(documents, tmp_path).top(3)
    gone = documents.pop(30)
    documents.append(replace(documents[5], key="zz-neu"))
    warm = build(documents, tmp_path)
    assert warm.warm
    for row, picks in enumerate(warm.top(3)):
        assert len(picks) == 3 and row not in [c.index for c in picks]
        assert gone.key not in [documents[c.index].key for c in picks]
    assert warm.top(3)[len(documents) - 1][0].index == 5


def test_more_changes_than_the_refresh_share_give_a_full_build(small_limit, tmp_path) -> None:
    documents = make_documents(ARTICLES)
    build(documents, tmp_path).top(3)
    for row in range(0, 70, 10):  # seven edits: more than six
        documents[row] = replace(documents[row], text=documents[row].text + " Nachtrag")
    rebuilt = build(documents, tmp_path)
    assert not rebuilt.warm
    assert lists(rebuilt) == lists(build(documents, tmp_path / "fresh", cache=False))


def test_edits_add_up_towards_the_refresh(small_limit, tmp_path) -> None:
    documents = make_documents(ARTICLES)
    build(documents, tmp_path).top(3)
    warm = []
    for row in range(0, 70, 10):
        documents[row] = replace(documents[row], text=documents[row].text + " Nachtrag")
        model = build(documents, tmp_path)
        model.top(3)
        warm.append(model.warm)
    assert warm == [True] * 6 + [False]


def test_an_unreadable_model_is_rebuilt(small_limit, tmp_path, caplog) -> None:
    documents = make_documents(ARTICLES)
    cold = lists(build(documents, tmp_path))
    (tmp_path / "recommendations-model.npz").write_bytes(b"kein npz")
    again = build(documents, tmp_path)
    assert not again.warm and "unreadable model" in caplog.text
    assert lists(again) == cold


def page_picks(site, slug: str) -> list[str]:
    return [a["href"] for a in site.html(f"{slug}/index.html").select("aside.recommendations a.recommendation-title")]


def test_a_build_keeps_its_model_in_cache_path_and_the_next_one_folds_an_edit_in(monkeypatch, make_site, tmp_path):
    """Through Pelican: the model sits beside the term cache; an article edited into another's twin picks it first."""
    monkeypatch.setattr(similarity, "INCREMENTAL_MIN", 4)
    monkeypatch.setattr(similarity, "REFRESH_SHARE", 0.5)
    topics = {
        "bewertungen": "Bewertungen beantworten Sie ruhig; Kunden lesen die Antwort auf eine Bewertung mit.",
        "datenschutz": "Datenschutz auf der Fanseite: Datenschutzerklärung und Impressum müssen erreichbar sein.",
        "kennzahlen": "Kennzahlen zeigen, ob sich der Aufwand lohnt; eine Kennzahl ohne Ziel ist wertlos.",
    }
    files = {}
    for number, (name, text) in enumerate(sorted(topics.items()) * 2):
        files[f"articles/{name}-{number}.md"] = (
            f"Title: {name.title()} {number}\nDate: 2020-01-0{number + 1} 10:00\nCategory: Praxis\n"
            f"Slug: {name}-{number}\n\n{text} {text}\n"
        )
    # Only our model is tested here: the content caches of Pelican and of the build stay off.
    cache = {"CACHE_PATH": str(tmp_path / "cache"), "LOAD_CONTENT_CACHE": False, "BUILD_CACHE": False}
    first = make_site(files, **cache)
    assert (tmp_path / "cache" / "recommendations-model.npz").is_file()
    assert page_picks(first, "bewertungen-0")[0] == "../bewertungen-3/"
    edited = files["articles/kennzahlen-5.md"].replace(topics["kennzahlen"], topics["datenschutz"])
    files["articles/kennzahlen-5.md"] = edited.replace("Title: Kennzahlen", "Title: Datenschutz")
    second = Site(build_site(write_files(tmp_path / "content", files), tmp_path / "zweite", **cache))
    assert page_picks(second, "kennzahlen-5")[:2] == ["../datenschutz-4/", "../datenschutz-1/"]
    assert page_picks(second, "bewertungen-0")[0] == "../bewertungen-3/"


def test_a_model_with_inconsistent_arrays_is_rebuilt(small_limit, tmp_path, caplog) -> None:
    import numpy as np

    documents = make_documents(ARTICLES)
    cold = lists(build(documents, tmp_path))
    path = tmp_path / "recommendations-model.npz"
    with np.load(path) as stored:
        arrays = {name: stored[name] for name in stored.files}
    arrays["picks"] = arrays["picks"] + ARTICLES  # lists that point past the last article
    np.savez(path, **arrays)
    again = build(documents, tmp_path)
    assert not again.warm and "picks out of range" in caplog.text
    assert lists(again) == cold


def test_only_older_picks_stay_older_in_a_warm_build(small_limit, tmp_path) -> None:
    documents = make_documents(ARTICLES)
    model = build(documents, tmp_path)
    cold = [[(c.index, c.score) for c in row] for row in model.top(3, only_older=True)]
    documents[40] = replace(documents[40], text=documents[40].text + " Nachtrag")
    warm = build(documents, tmp_path)
    assert warm.warm
    lists_now = warm.top(3, only_older=True)
    for row, picks in enumerate(lists_now):
        assert all(documents[c.index].date <= documents[row].date for c in picks), row
    unchanged = [row for row in range(ARTICLES) if row != 40 and 40 not in [c[0] for c in cold[row]]]
    assert all([(c.index, c.score) for c in lists_now[row]] == cold[row] for row in unchanged if row < 40)
