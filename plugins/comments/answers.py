"""The intake's HTML answers as pages of the site: its layout, plain German, the reader's text kept.

The build writes the theme's ``comments_answer.html`` to ``<intake_path>antwort.jinja`` (see
``write_answer_shell``): the site's header, stylesheet and footer around a template between the
markers ``<!--antwort-->`` and ``<!--/antwort-->``, which the intake renders for each answer with
Jinja2 (autoescaped). Without that file (a theme without the template, a site not built yet) the
answer is a small page of its own that still says what happened and links back.

The reader's own entries (their e-mail address too) go back only to them, in the form of the
answer; answers carry ``Cache-Control: no-store`` and nothing of the form is logged.
"""

from __future__ import annotations

import html
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, Template, TemplateSyntaxError
from markupsafe import Markup

logger = logging.getLogger(__name__)

SHELL = "antwort.jinja"  # below the intake's path in the output
TEMPLATE = "comments_answer"
START, END = "<!--antwort-->", "<!--/antwort-->"
KEPT_FIELDS = ("article", "author", "email", "url", "body", "reply_to", "consent", "notify")


@dataclass(frozen=True)
class Wording:
    """What an answer page says for one status: its heading and what the reader can do now."""

    heading: str
    advice: str
    form_again: bool


WORDING = {
    400: Wording(
        "Bitte prüfen Sie Ihre Angaben",
        "Ihr Kommentar ist noch nicht gespeichert. Ergänzen oder korrigieren Sie das markierte Feld und senden "
        "Sie ihn erneut.",
        True,
    ),
    403: Wording("Kommentare geschlossen", "Zu diesem Beitrag nehmen wir keine neuen Kommentare mehr an.", False),
    404: Wording(
        "Nicht gefunden",
        "Den Beitrag, zu dem Sie schreiben wollten, finden wir nicht (mehr); vielleicht hat er eine neue Adresse.",
        False,
    ),
    405: Wording("Hier nur per Formular", "Kommentare senden Sie über das Formular unter einem Beitrag.", False),
    413: Wording("Ihr Kommentar ist zu lang", "Kürzen Sie den Text bitte und senden Sie ihn erneut.", True),
    429: Wording(
        "Bitte warten Sie einige Minuten",
        "Von Ihrem Anschluss kamen in kurzer Zeit mehrere Kommentare. Warten Sie bitte etwa {minutes} und senden "
        "Sie das Formular dann erneut.",
        True,
    ),
    503: Wording(
        "Gerade nicht möglich",
        "Bei uns hakt gerade etwas. Senden Sie das Formular bitte in einigen Minuten erneut.",
        True,
    ),
}
# Without the built shell: a small page of its own (STYLESHEET becomes the relative stylesheet path).
FALLBACK = f"""<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Kommentar nicht angenommen</title>
<meta name="robots" content="noindex"><link rel="stylesheet" href="STYLESHEET"></head>
<body><main id="inhalt" class="wrap">{START}<h1>{{{{ heading }}}}</h1>
<p class="comment-answer-message" role="alert">{{{{ message }}}}</p><p>{{{{ advice }}}}</p>
{{% if form.body %}}<p><label for="kommentar-text">Ihr Text zum Kopieren</label><br>
<textarea id="kommentar-text" rows="9" cols="60" readonly>{{{{ form.body }}}}</textarea></p>{{% endif %}}
<p>{{% if back_url %}}<a href="{{{{ back_url }}}}">Zurück zum Artikel „{{{{ back_title }}}}“</a>
{{% else %}}<a href="{{{{ home_url }}}}">Zur Startseite</a>{{% endif %}}</p>{END}</main></body></html>"""
INVALID = Markup(' aria-invalid="true" aria-describedby="antwort-meldung" autofocus')


class AnswerPages:
    """Renders the intake's HTML answers from the shell the last build wrote (re-read when it changes)."""

    def __init__(self, shell: Path, mount: str = "/kommentare/", max_body_chars: int = 5000) -> None:
        self.shell = shell
        self.mount = mount
        self.max_body_chars = max_body_chars
        self.environment = Environment(autoescape=True)
        self._stamp: tuple[int, int] | None = None
        self._parts: tuple[str, Template, str] | None = None
        self._lock = threading.Lock()

    def _root(self) -> str:
        """The relative way from the intake's address to the site root ("../" for /kommentare/)."""
        return "../" * len([part for part in self.mount.split("/") if part])

    def _template(self) -> tuple[str, Template, str]:
        """(text before, template, text after) of the shell, or of the fallback page without one."""
        try:
            stat = self.shell.stat()
            stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        with self._lock:
            if self._parts is None or stamp != self._stamp:
                self._parts, self._stamp = self._load(stamp is not None), stamp
            return self._parts

    def _load(self, exists: bool) -> tuple[str, Template, str]:
        if exists:
            try:
                return self._split(self.shell.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError, TemplateSyntaxError) as exc:
                logger.error("comments: cannot use %s as the answer page (%s); build the site again", self.shell, exc)
        return self._split(FALLBACK.replace("STYLESHEET", self._root() + "theme/css/site.css"))

    def _split(self, text: str) -> tuple[str, Template, str]:
        """The shell around its template part (ValueError without the markers)."""
        before, rest = text.split(START, 1)
        middle, after = rest.split(END, 1)
        return before, self.environment.from_string(middle), after

    def render(
        self,
        status: int,
        message: str,
        field: str | None = None,
        form: Mapping[str, str] | None = None,
        article: Mapping[str, object] | None = None,
        retry_after: int = 600,
    ) -> bytes:
        """The HTML page for one refusal: what happened (message), what to do, the reader's entries again."""
        wording = WORDING.get(status, WORDING[400])
        kept = {name: (form or {}).get(name, "") for name in KEPT_FIELDS}
        root = self._root()
        open_article = bool(article and article.get("open"))
        minutes = max(1, round(retry_after / 60))
        advice = wording.advice.format(minutes="eine Minute" if minutes == 1 else f"{minutes} Minuten")
        if status == 400 and field in ("article", "reply_to"):
            advice = "Bitte öffnen Sie den Beitrag neu und schreiben Sie Ihren Kommentar dort."
        context = {
            "status": status,
            "heading": wording.heading,
            "message": message,
            "advice": advice,
            "form": kept,
            "form_again": wording.form_again and open_article and field not in ("article", "reply_to"),
            "action": root + self.mount.strip("/") + "/",
            "max_body_chars": self.max_body_chars,  # a longer text stays in the form; the reader shortens it
            "invalid": lambda name: INVALID if name == field else "",
            "back_url": root + str(article["url"]).lstrip("/") if article else "",
            "back_title": str(article.get("title", "")) if article else "",
            "home_url": root,
        }
        before, template, after = self._template()
        return (before + template.render(context) + after).encode("utf-8")


def plain_page(message: str) -> bytes:
    """A last-resort answer when even rendering failed: one German sentence, escaped."""
    return (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Kommentar nicht angenommen</title></head>'
        f"<body><p>{html.escape(message)}</p></body></html>"
    ).encode()


def write_answer_shell(generator, writer, intake_path: str) -> None:
    """Write the theme's answer page below intake_path, when the theme has one."""
    from pelican.generators import PelicanTemplateNotFound

    try:
        template = generator.get_template(TEMPLATE)
    except PelicanTemplateNotFound:
        logger.debug("comments: the theme has no %s.html; the intake answers with its own small page", TEMPLATE)
        return
    writer.write_file(
        intake_path + SHELL, template, generator.context, relative_urls=generator.settings["RELATIVE_URLS"]
    )
