"""The job queue (hàng đợi tác vụ): huey, made from each app's config in create_app.

huey is not a Flask extension, and its tasks are normally bound to one huey instance when
their module is imported. Here a task is declared once with `queue.task(...)` or
`queue.periodic_task(...)`; `queue.init_app(app)` makes that app's huey from its config
(SqliteHuey in a file, RedisHuey with QUEUE_REDIS_URL, in-process with QUEUE_IMMEDIATE) and
binds every declared task to it. Calling a task enqueues it on the current app's huey, and
the task runs inside a fresh app context of that app (so with its own database session, in
the worker as in immediate mode)."""
from __future__ import annotations

import functools
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper

from emulation.core.files import ensure_private_file, private_dir


class QueuedTask:
    """A declared task. `task(*args)` enqueues it on the current app's queue (in immediate
    mode it runs at once); `task.call_local(*args)` runs the plain function here."""

    def __init__(self, func, options: dict, schedule=None):
        functools.update_wrapper(self, func)
        self.func = func
        self.options = options
        self.schedule_rule = schedule  # a huey crontab for periodic tasks, else None
        self.name = f"{func.__module__}.{func.__name__}"

    def __call__(self, *args, **kwargs):
        return self.wrapper()(*args, **kwargs)

    def schedule(self, *args, **kwargs):
        """huey's `schedule(args=..., delay=seconds | eta=datetime)`."""
        return self.wrapper().schedule(*args, **kwargs)

    def call_local(self, *args, **kwargs):
        return self.func(*args, **kwargs)

    def wrapper(self, app: Flask | None = None) -> TaskWrapper:
        """huey's own task object for `app` (the current app by default)."""
        app = app or current_app._get_current_object()
        bound = app.extensions["huey_tasks"]
        if self.name not in bound:  # declared after init_app (a module imported late)
            _bind(app, self)
        return bound[self.name]


class JobQueue:
    """`queue = JobQueue()` in extensions; `queue.init_app(app)` in create_app."""

    def __init__(self):
        self._declared: dict[str, QueuedTask] = {}

    def task(self, **options):
        """Declare a task. Options are huey's (`retries=`, `retry_delay=` in seconds,
        `context=True`, …); an option given as a callable is read from the app's config
        when bound: `retries=lambda config: config["MAIL_RETRIES"]`."""
        def decorator(func) -> QueuedTask:
            return self._declare(QueuedTask(func, options))
        return decorator

    def periodic_task(self, schedule, **options):
        """Declare a task the consumer enqueues whenever `schedule` (huey's `crontab(...)`,
        read in UTC) matches the minute."""
        def decorator(func) -> QueuedTask:
            return self._declare(QueuedTask(func, options, schedule))
        return decorator

    def init_app(self, app: Flask) -> None:
        app.extensions["huey"] = make_huey(app.config)
        app.extensions["huey_tasks"] = {}
        for task in self._declared.values():
            _bind(app, task)

    def huey(self, app: Flask | None = None) -> Huey:
        """The huey instance of `app` (the current app by default)."""
        return (app or current_app).extensions["huey"]

    def _declare(self, task: QueuedTask) -> QueuedTask:
        self._declared[task.name] = task
        return task


def make_huey(config) -> Huey:
    """In-process (tests), Redis (several machines) or an SQLite file (one machine)."""
    name = config.get("QUEUE_NAME", "thidua")
    if config.get("QUEUE_IMMEDIATE"):
        return MemoryHuey(name, immediate=True, results=False, utc=True)
    if config.get("QUEUE_REDIS_URL"):
        return RedisHuey(name, url=config["QUEUE_REDIS_URL"], results=False, utc=True)
    path = Path(config["QUEUE_FILE"])
    private_dir(path.parent)
    ensure_private_file(path)  # the queue holds the jobs' arguments (mail text among them)
    return SqliteHuey(name, filename=str(path), results=False, utc=True)


def _bind(app: Flask, task: QueuedTask) -> None:
    huey: Huey = app.extensions["huey"]
    options = {key: value(app.config) if callable(value) else value
               for key, value in task.options.items()}

    @functools.wraps(task.func)  # keeps the module and name huey registers the task under
    def in_app_context(*args, **kwargs):
        with app.app_context():
            return task.func(*args, **kwargs)

    if task.schedule_rule is not None:
        wrapper = huey.periodic_task(task.schedule_rule, **options)(in_app_context)
    else:
        wrapper = huey.task(**options)(in_app_context)
    app.extensions["huey_tasks"][task.name] = wrapper
