"""The worker's jobs of this area: run a queued export; every 15 minutes, delete expired
files and close jobs a worker lost."""
from __future__ import annotations

from huey import crontab

from emulation.extensions import queue
from emulation.jobs import services


@queue.task()
def run_job(job_id: str) -> None:
    """Run the export job `job_id` (a token); never retried — a failure is shown instead."""
    services.run(job_id)


@queue.periodic_task(crontab(minute="*/15"))
def clean_jobs() -> None:
    """Expired files deleted (state → expired), lost jobs failed, each with its audit event;
    uploads kept for an import's preview deleted after IMPORT_KEEP_HOURS."""
    from emulation.jobs import imports

    services.cleanup()
    imports.cleanup()
