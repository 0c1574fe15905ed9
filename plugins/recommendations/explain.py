"""`invoke recommend SLUG --explain`: an article's picks, and why, without writing the site."""

from __future__ import annotations

import logging
from pathlib import Path

from .plugin import Recommendation, attach_recommendations


class UnknownArticle(LookupError):
    """The slug names no published article."""


def read_articles(settings_file: Path, content: Path, **overrides) -> list:
    """Pelican's published articles of a content directory, with recommendations attached, nothing written."""
    from pelican import Pelican
    from pelican.generators import ArticlesGenerator
    from pelican.settings import read_settings

    settings = read_settings(str(settings_file), override={"PATH": str(content), **overrides})
    pelican = Pelican(settings)  # loads the plugins, this one included
    # Static files are not collected here, so Pelican would warn about every {static} link.
    logging.getLogger("pelican.contents").setLevel(logging.ERROR)
    context = settings.copy()
    context.update(generated_content={}, static_links=set(), static_content={}, localsiteurl=settings["SITEURL"])
    generator = ArticlesGenerator(
        context=context,
        settings=settings,
        path=pelican.path,
        theme=pelican.theme,
        output_path=pelican.output_path,
    )
    generator.generate_context()
    attach_recommendations([generator])  # what all_generators_finalized does in a build
    return generator.articles


def describe(pick: Recommendation, position: int, explain: bool) -> list[str]:
    """The lines for one pick: title and target, and with explain its score, shared words and topic words."""
    target = pick.url if pick.external else f"/{pick.url}"
    kind = "externer Link" if pick.external else ("automatisch" if pick.automatic else "von Hand gewählt")
    lines = [f"{position}. {pick.title} – {target} ({kind})"]
    if explain and pick.automatic and not pick.score:
        lines.append("   Wert 0.000: nichts gemeinsam, aufgefüllt (gleiche Kategorie zuerst, dann die neueren)")
    elif explain and pick.automatic:
        lines.append(
            f"   Wert {pick.score:.3f} = gemeinsame Wörter {pick.words_score:.3f} + gemeinsame Themen "
            f"{pick.topic_score:.3f} + Schlagwörter {pick.tag_score:.3f} ({pick.shared_tags} gemeinsam)"
        )
        lines.append(f"   gemeinsame Wörter: {listing(pick.terms)}")
        lines.append(f"   Wörter der gemeinsamen Themen: {listing(pick.topic_terms)}")
    return lines


def listing(terms: list[tuple[str, float]]) -> str:
    """Words with their share of the score, "keine" when there are none."""
    return ", ".join(f"{word} ({weight:.3f})" for word, weight in terms) or "keine"


def report(articles: list, slug: str, explain: bool = False) -> str:
    """The German report of one article's recommendations."""
    article = next((a for a in articles if a.slug == slug), None)
    if article is None:
        close = sorted(a.slug for a in articles if slug in a.slug or a.slug in slug)
        hint = f" Meinten Sie: {', '.join(close)}?" if close else ""
        raise UnknownArticle(f"Kein veröffentlichter Artikel hat den Slug „{slug}“.{hint}")
    picks = getattr(article, "recommendations", [])
    lines = [f"Leseempfehlungen für „{article.title}“ ({article.slug}):"]
    for position, pick in enumerate(picks, start=1):
        lines += describe(pick, position, explain)
    if not picks:
        lines.append("(keine – es gibt keine anderen passenden veröffentlichten Artikel)")
    return "\n".join(lines)
