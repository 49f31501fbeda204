"""Tác vụ nền: one long export (or import) a user asked for, run by the worker."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emulation.core.models import Base, UTCDateTime, utcnow
from emulation.jobs.enums import JobState


class Job(Base):
    """A job and its progress: `rows_done` of `rows_total` rows written (or imported) so far.
    Once an export is done, its file (`file_path` under JOBS_FOLDER, offered as `file_name`)
    is kept until `expires_at`; an import keeps its outcome in `result`. The id is a random
    token: it is the only name of the job in URLs."""

    __tablename__ = "job"

    id: Mapped[str] = mapped_column(String(43), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON: what the kind needs
    state: Mapped[str] = mapped_column(String(10), default="queued")
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_total: Mapped[int | None] = mapped_column(Integer)
    file_path: Mapped[str] = mapped_column(String(255), default="")
    file_name: Mapped[str] = mapped_column(String(255), default="")
    error: Mapped[str] = mapped_column(String(1000), default="")
    result: Mapped[str] = mapped_column(Text, default="")  # an import's outcome (JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User", lazy="joined")

    __table_args__ = (
        CheckConstraint(f"state IN ({JobState.sql_in()})", name="state"),
        CheckConstraint("rows_done >= 0", name="rows_done"),
        CheckConstraint("state <> 'done' OR (expires_at IS NOT NULL AND "
                        "(file_path <> '' OR result <> ''))", name="done_has_outcome"),
        Index("ix_job_user_created", "user_id", "created_at"),
        Index("ix_job_state_expires", "state", "expires_at"),
    )

    @property
    def data(self) -> dict:
        return json.loads(self.params or "{}")

    @property
    def percent(self) -> int:
        """Whole percent done, 0–100 (100 once done)."""
        if self.state == "done":
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
