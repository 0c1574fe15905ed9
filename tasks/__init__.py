"""The author's workflow. `invoke --list` shows every task, `invoke --help TASK` explains one.

One module per namespace: tasks/author.py (the everyday commands at the top level), tasks/comments.py
(`comments.*`), tasks/qa.py (`qa.audit`, `qa.screenshots`). Paths and the preview's address are
invoke configuration (`blog.content`, `blog.output`, …; defaults in tasks/project.py).
"""

from invoke import Collection

from tasks import comment_tasks, qa
from tasks.author import (
    bench,
    build,
    check,
    clean,
    import_wordpress,
    livereload,
    new,
    publish,
    rebuild,
    recommend,
    serve,
)
from tasks.project import DEFAULTS

ns = Collection(
    new,
    check,
    build,
    rebuild,
    clean,
    serve,
    livereload,
    publish,
    recommend,
    import_wordpress,
    bench,
    comment_tasks.namespace,
    Collection("qa", qa.audit, qa.screenshots),
)
ns.configure({"blog": DEFAULTS})

__all__ = [
    "bench", "build", "check", "clean", "import_wordpress", "livereload", "new", "ns", "publish", "rebuild",
    "recommend", "serve",
]  # fmt: skip
