"""`invoke comments.*`: run the intake and moderate comments from the command line."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from invoke import Collection, Exit, task

from tasks.project import ROOT, blog, pelican_settings

LOCK_TIMEOUT = 10  # seconds a moderation step waits for the intake's write lock
# Live reload (make serve) rebuilds by itself after a change in content/: no "invoke build" to suggest.
NEXT_STEP = "Eine laufende Vorschau (make serve) zeigt die Änderung von selbst; online geht sie mit invoke publish."


def intake_app(settings_file: Path, output: Path):
    """The intake as configured in the settings file (queue paths relative to the project)."""
    from comments.intake import IntakeApp, config_from_settings

    config = config_from_settings(pelican_settings(settings_file), output)
    config.db_path = ROOT / config.db_path
    return IntakeApp(config)


def _moderator(c, readonly: bool = False):
    """The Moderator on the local queue (read-only for looking), or on the remote intake when COMMENTS_REMOTE is set."""
    from comments.intake import config_from_settings
    from comments.moderation import Moderator
    from comments.plugin import comment_settings, setting_from_env

    paths = blog(c)
    settings = pelican_settings(paths.settings)
    config = config_from_settings(settings, paths.output)
    comments_dir = paths.content / comment_settings(settings)["path"]
    remote = setting_from_env(settings, "COMMENTS_REMOTE", None)
    if remote:
        from comments.api import RemoteQueue

        token = setting_from_env(settings, "COMMENTS_TOKEN", None)
        if not token:
            raise Exit("COMMENTS_REMOTE ist gesetzt, COMMENTS_TOKEN aber nicht: setzen Sie beide (README, Kommentare).")
        queue = _run(lambda: RemoteQueue.for_settings(remote, token, settings))  # honours COMMENTS[intake_path]
    else:
        from comments.queue import CommentQueue

        queue = _run(lambda: CommentQueue(ROOT / config.db_path, readonly=readonly, timeout=LOCK_TIMEOUT))
    return Moderator(queue, comments_dir, settings["TIMEZONE"], settings["AUTHOR"])


def _shown(path: Path) -> Path:
    """A written comment file, relative to the project where it lies inside it."""
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def _timezone(c) -> str:
    """The site's TIMEZONE setting (Pelican's), for the times the moderation commands show."""
    return pelican_settings(blog(c).settings)["TIMEZONE"]


def _run(step):
    """Run a moderation step and turn its errors into a clear exit."""
    from comments.api import RemoteError
    from comments.model import CommentFileError
    from comments.moderation import ModerationError
    from comments.queue import QueueError

    try:
        return step()
    except (ModerationError, CommentFileError, RemoteError, QueueError) as exc:
        raise Exit(str(exc), code=1) from exc
    except OSError as exc:  # a comment file that cannot be written or removed (disk full, rights)
        raise Exit(f"Eine Datei ließ sich nicht schreiben oder löschen ({exc}); prüfen Sie Platz und Rechte.") from exc


def _when(entry, timezone: str) -> str:
    """When a comment came in, the German way, in the site's TIMEZONE."""
    from theme.filters import german_datetime

    return german_datetime(entry.created_at.astimezone(ZoneInfo(timezone)))


def _line(entry, timezone: str) -> str:
    """Two lines of comments.list for entry; every field cleaned for the terminal (remote and imported ones too)."""
    from comments.cleaning import for_terminal

    preview = for_terminal(entry.body)
    preview = preview[:70] + ("…" if len(preview) > 70 else "")
    head = f"  {for_terminal(entry.id)}  {_when(entry, timezone)}  {for_terminal(entry.article)}"
    return f"{head}\n            {for_terminal(entry.author)}: {preview}"


@task(name="list")
def list_(c):
    """Zeigt die Kommentare, die auf Freischaltung warten (und die als möglicher Spam zurückgehaltenen)."""
    from comments.cleaning import for_terminal

    moderator, timezone = _moderator(c, readonly=True), _timezone(c)
    pending, spam = _run(moderator.pending), _run(moderator.held_as_spam)
    waiting = "1 Kommentar wartet" if len(pending) == 1 else f"{len(pending)} Kommentare warten"
    print(f"{waiting} auf Freischaltung.")
    for entry in pending:
        print(_line(entry, timezone))
    if spam:
        held = "1 Kommentar" if len(spam) == 1 else f"{len(spam)} Kommentare"
        print(f"\n{held} als möglicher Spam zurückgehalten (nicht in „approve all“):")
        for entry in spam:
            print(_line(entry, timezone) + f"  [{for_terminal(entry.reason)}]")
    accepted = _run(lambda: moderator.queue.entries("accepted"))
    if accepted:
        done = "1 Kommentar" if len(accepted) == 1 else f"{len(accepted)} Kommentare"
        print(f"\n{done} per Link freigeschaltet, noch nicht geholt (invoke comments.pull):")
        for entry in accepted:
            print(_line(entry, timezone))
    if pending or spam:
        print("\nNächster Schritt: invoke comments.show ID, dann invoke comments.approve ID oder comments.reject ID.")
    elif accepted:
        print("\nNächster Schritt: invoke comments.pull, dann invoke publish.")
    else:
        print("Nichts zu tun.")


@task(help={"comment_id": "die Nummer aus „invoke comments.list“"})
def show(c, comment_id):
    """Zeigt einen wartenden Kommentar vollständig (die E-Mail-Adresse nur hier, nie in content/)."""
    from comments.cleaning import for_terminal as shown

    entry = _run(lambda: _moderator(c, readonly=True).entry(comment_id))
    print(f"Kommentar {shown(entry.id)} zu „{shown(entry.article)}“, eingegangen am {_when(entry, _timezone(c))}")
    print(f"Name:     {shown(entry.author)}")
    print(f"E-Mail:   {shown(entry.email)} (wird nicht veröffentlicht)")
    print(f"Website:  {shown(entry.url)}")
    if entry.reply_to:
        print(f"Antwort auf: {shown(entry.reply_to)}")
    if entry.status == "spam":
        print(f"Zurückgehalten als möglicher Spam: {shown(entry.reason)}")
    print("\n" + shown(entry.body, multiline=True) + "\n")
    print(f"Nächster Schritt: invoke comments.approve {entry.id} [--strip-links] oder comments.reject {entry.id}")


@task(
    help={
        "comment_id": "die Nummer aus „invoke comments.list“ oder „all“ für alle wartenden (ohne Spam)",
        "strip_links": "alle Links aus dem Text entfernen, die Website weglassen, einen Hinweis dazuschreiben",
        "note": 'Hinweis der Moderation unter dem Kommentar, z. B. "Gekürzt"',
    }
)
def approve(c, comment_id, strip_links=False, note=None):
    """Schaltet einen Kommentar frei: schreibt ihn nach content/comments/<artikel>/<id>.md (ohne E-Mail und IP)."""
    from comments.moderation import ModerationError

    moderator = _moderator(c)
    if comment_id != "all":
        path = _run(lambda: moderator.approve(comment_id, strip=strip_links, note=note))
        print(f"Freigeschaltet: {comment_id} -> {_shown(path)}")
        print(NEXT_STEP)
        return
    ids = [e.id for e in _run(moderator.pending)]
    if not ids:
        print("Es wartet kein Kommentar.")
        return

    def approve_one(one: str) -> Path | None:
        try:
            return moderator.approve(one, strip=strip_links, note=note)
        except ModerationError as exc:  # this one waits on; the others go ahead
            print(f"Nicht freigeschaltet: {exc}", file=sys.stderr)
            return None

    refused = []
    for one in ids:  # oldest first: a parent before its replies
        path = _run(lambda one=one: approve_one(one))
        if path is None:
            refused.append(one)
        else:
            print(f"Freigeschaltet: {one} -> {_shown(path)}")
    print(NEXT_STEP)
    if refused:
        raise Exit(f"Nicht freigeschaltet: {', '.join(refused)} (die Gründe stehen oben).", code=1)


@task(help={"comment_id": "die Nummer aus „invoke comments.list“"})
def reject(c, comment_id):
    """Lehnt einen wartenden Kommentar ab: er wird mit seiner E-Mail-Adresse gelöscht."""
    from comments.cleaning import for_terminal

    entry = _run(lambda: _moderator(c).reject(comment_id))
    print(f"Abgelehnt und gelöscht: {entry.id} von {for_terminal(entry.author)}")
    print("Nächster Schritt: invoke comments.list")


@task(help={"comment_id": "der Kommentar, auf den Sie antworten", "body": "Ihre Antwort (Markdown)"})
def reply(c, comment_id, body=""):
    """Veröffentlicht Ihre Antwort auf einen Kommentar (und schaltet ihn frei, falls er noch wartet)."""
    moderator = _moderator(c)
    path = _run(lambda: moderator.reply(comment_id, body))
    print(f"Antwort gespeichert: {_shown(path)}")
    if _announce_reply(moderator.queue, comment_id, path.stem, moderator.site_author, body):
        print("Wer diesen Kommentar abonniert hat, bekommt Ihre Antwort per E-Mail (von der Kommentar-Annahme).")
    print(NEXT_STEP)


def _announce_reply(queue, parent_id: str, reply_id: str, author: str, body: str) -> bool:
    """Queue the reply mail for the parent's confirmed subscriber (in the local queue, or on the remote server)."""
    from comments import subscriptions

    def announce(db):
        return subscriptions.announce_reply(db, parent_id=parent_id, reply_id=reply_id, author=author, body=body)

    if hasattr(queue, "write"):
        return _run(lambda: queue.write(announce))
    return _run(lambda: queue.announce_reply(parent_id, reply_id, author, body))  # COMMENTS_REMOTE: the server mails


@task
def pull(c):
    """Holt die per Link freigeschalteten Kommentare nach content/comments/ (wie comments.approve) und hakt sie ab."""
    fetched = pull_comments(c)
    print("1 Kommentar geholt." if fetched == 1 else f"{fetched} Kommentare geholt.")
    print(NEXT_STEP)


def pull_comments(c) -> int:
    """Write every entry approved on the intake's side (local or COMMENTS_REMOTE) as a file; returns how many."""
    moderator = _moderator(c)
    accepted = _run(lambda: moderator.queue.entries("accepted"))
    fetched, refused = 0, []
    for entry in accepted:  # oldest first: a parent before its replies
        try:
            path = _run(lambda entry=entry: moderator.approve(entry.id, note=entry.reason))
        except Exit as exc:  # this one stays accepted on the server; the others go ahead
            print(f"Nicht geholt: {exc.message}", file=sys.stderr)
            refused.append(entry.id)
            continue
        print(f"Geholt: {entry.id} -> {_shown(path)}")
        fetched += 1
    if refused:
        raise Exit(f"Nicht geholt: {', '.join(refused)} (die Gründe stehen oben; comments.reject ID verwirft einen).")
    return fetched


@task(help={"comment_id": "ein wartender oder ein veröffentlichter Kommentar"})
def delete(c, comment_id):
    """Löscht einen Kommentar aus der Warteschlange und, falls veröffentlicht, seine Datei in content/comments/."""
    removed = _run(lambda: _moderator(c).delete(comment_id))
    print(f"Gelöscht: {comment_id} ({', '.join(removed)})")
    print(NEXT_STEP)


@task
def purge(c):
    """Löscht Einträge, die älter als COMMENTS["retention_days"] sind, und sagt, welche (die Annahme: stündlich)."""
    from comments.intake import config_from_settings
    from comments.plugin import setting_from_env
    from comments.queue import CommentQueue

    paths = blog(c)
    settings = pelican_settings(paths.settings)
    if setting_from_env(settings, "COMMENTS_REMOTE", None):
        raise Exit("Mit COMMENTS_REMOTE räumt der Kommentarserver seine Warteschlange selbst auf (stündlich).", code=1)
    config = config_from_settings(settings, paths.output)
    queue = _run(lambda: CommentQueue(ROOT / config.db_path, timeout=LOCK_TIMEOUT))
    removed = _run(lambda: queue.purge(config.retention_days))
    labels = {"pending": "wartend", "spam": "Spam", "approved": "erledigt"}
    if not removed:
        print(f"Nichts gelöscht: kein Eintrag ist älter als {config.retention_days} Tage.")
        return
    detail = ", ".join(f"{count} {labels.get(status, status)}" for status, count in sorted(removed.items()))
    count = sum(removed.values())
    entries = "1 Eintrag" if count == 1 else f"{count} Einträge"
    print(f"Gelöscht: {entries} älter als {config.retention_days} Tage ({detail}).")


@task(help={"host": "Adresse, auf der sie lauscht (Standard 127.0.0.1)", "port": "Port (Standard 8001, 0: ein freier)"})
def serve(c, host="127.0.0.1", port=8001):
    """Startet die Kommentar-Annahme im Vordergrund mit waitress (Strg+C oder SIGTERM beendet sie)."""
    from comments.intake import WAITRESS_OPTIONS, IntakeApp, config_from_settings
    from waitress import create_server

    paths = blog(c)
    config = config_from_settings(pelican_settings(paths.settings), paths.output)
    config.db_path = ROOT / config.db_path
    app = _run(lambda: IntakeApp(config))
    server = create_server(
        app,
        host=host,
        port=int(port),
        **WAITRESS_OPTIONS,
        trusted_proxy="127.0.0.1",  # nginx on the same machine passes the client address
        trusted_proxy_headers={"x-forwarded-for"},
        clear_untrusted_proxy_headers=True,
        ident="kommentare",
    )

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"Kommentar-Annahme läuft auf http://{host}:{server.effective_port}{config.mount} (Strg+C beendet sie)")
    print(f"Warteschlange: {config.db_path}", flush=True)
    sys.stdout.flush()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        app.close()
    print("Kommentar-Annahme beendet.")


namespace = Collection("comments", list_, show, approve, reject, reply, delete, purge, pull, serve)
