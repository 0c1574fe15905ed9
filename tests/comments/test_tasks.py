"""tasks.py's namespace keeps every task of the module and adds `comments.*`."""

from __future__ import annotations

from invoke import Task

import tasks


def test_namespace_has_every_task_of_the_module_and_the_comment_tasks():
    defined = {value.name.replace("_", "-") for value in vars(tasks).values() if isinstance(value, Task)}
    assert defined <= set(tasks.ns.task_names)
    comments = tasks.ns.collections["comments"]
    assert set(comments.task_names) >= {"list", "show", "approve", "reject", "reply", "delete", "serve"}
