"""The worker's jobs of notifications: each email, tried again on failure; the deadline
reminders every morning."""
from __future__ import annotations

from flask import current_app
from huey import crontab

from emulation.extensions import queue
from emulation.notify import services


@queue.task(retries=lambda config: config["MAIL_RETRIES"],
            retry_delay=lambda config: config["MAIL_RETRY_DELAY"], context=True)
def send_mail(notification_id: int, task=None) -> None:
    """Send a notification's email; huey tries again MAIL_RETRIES times, MAIL_RETRY_DELAY
    seconds apart (`task.retries` is the number of tries left after this one)."""
    services.deliver(notification_id, last_try=task is None or not task.retries)


@queue.periodic_task(crontab(minute="0", hour="0"))  # 07:00 in Vietnam: huey's clock is UTC
def send_reminders() -> None:
    """`flask remind` every morning: reminders REMIND_DAYS ahead of each deadline, once."""
    from emulation.core.web import local_today

    services.remind(local_today(), current_app.config["REMIND_DAYS"])
