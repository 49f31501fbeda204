"""The outcome of a batch eligibility check (a job): one row a nomination checked."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from emulation.core.models import Base


class EligibilityResult(Base):
    """A nomination's verdict as the job `job_id` found it: eligible (True), not (False) or
    for the council to judge / data missing (None), and the conditions not met or not known
    (`reasons`: JSON [[Vietnamese, English], …], the engine's words). Deleted with the job's
    outcome when it expires, or with the nomination."""

    __tablename__ = "eligibility_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"))
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id",
                                                          ondelete="CASCADE"), index=True)
    eligible: Mapped[bool | None] = mapped_column(Boolean)
    reasons: Mapped[str] = mapped_column(Text, default="[]")

    # rows are written in nomination order: id order is the page's order
    __table_args__ = (Index("ix_eligibility_result_job", "job_id", "eligible", "id"),)
