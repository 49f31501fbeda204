"""Who decides an award, the kind of commendation of a nomination, proposals to the superior

Award types gain `decided_by`, the level that decides them (unit / ministry / union_central /
state). Existing rows are filled from their code where the catalogue seeds it (CSTD_TQ, CO_CP,
BK_TTG: state; CSTD_BO, TTLDXS, CO_BO, BK_BO: ministry; BK_TLD, CO_TLD: union_central; LDTT,
CSTDCS, TTLDTT, GK: unit), else from the words of their free-text level ("Nhà nước" → state,
"Tổng Liên đoàn" / "Công đoàn ngành" → union_central, "Bộ, ngành, tỉnh" → ministry), else unit.

Nominations gain their kind of commendation (Law 06/2022 Art. 8); existing ones are regular.
The one-active-nomination and one-award-in-force indexes take the kind in (a thematic award of
a year is another achievement than the regular one). `upward_proposal` holds the memo sent to
the superior and the superior's answer. The two new CHECK constraints are added on PostgreSQL
only (see `_check`).

Revision ID: 531285064bb2
Revises: 3f13134f0d63
Create Date: 2026-11-30 12:14:53.424372

"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '531285064bb2'
down_revision = '3f13134f0d63'
branch_labels = None
depends_on = None

# the catalogue's seeded codes and the level that decides each (as of this revision)
DECIDED_BY = {"CSTD_TQ": "state", "CO_CP": "state", "BK_TTG": "state",
              "CSTD_BO": "ministry", "TTLDXS": "ministry", "CO_BO": "ministry",
              "BK_BO": "ministry", "LDTT": "unit", "CSTDCS": "unit", "TTLDTT": "unit",
              "GK": "unit", "BK_TLD": "union_central", "CO_TLD": "union_central",
              "CO_CDN": "union_central", "BK_CDN": "union_central", "CO_LDLD": "ministry",
              "BK_LDLD": "ministry", "GK_CDCT": "unit", "BANG_LDST": "union_central",
              "KNC_CD": "union_central"}
LEVELS = "'unit', 'ministry', 'union_central', 'state'"
KINDS = "'regular', 'thematic', 'one_off', 'career', 'long_service', 'foreign'"


def _held(subject):
    return sa.text(f"{subject} IS NOT NULL AND NOT revoked")


def _active(subject):
    return sa.text(f"{subject} IS NOT NULL AND state <> 'withdrawn'")


def upgrade():
    op.create_table(
        "upward_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("document_number", sa.String(length=60), nullable=False),
        sa.Column("submitted_by", sa.String(length=150), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("decision_number", sa.String(length=60), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("deciding_body", sa.String(length=255), nullable=False),
        sa.Column("cash_amount", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=150), nullable=False),
        sa.Column("award_record_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("document_number <> ''",
                           name=op.f("ck_upward_proposal_document_numbered")),
        sa.CheckConstraint("outcome <> 'declined' OR (decided_on IS NOT NULL AND reason <> '')",
                           name=op.f("ck_upward_proposal_declined_reason")),
        sa.CheckConstraint("outcome <> 'granted' OR (decision_number <> '' AND decided_on IS "
                           "NOT NULL AND deciding_body <> '')",
                           name=op.f("ck_upward_proposal_granted_complete")),
        sa.CheckConstraint("outcome IN ('pending', 'granted', 'declined')",
                           name=op.f("ck_upward_proposal_outcome_known")),
        sa.CheckConstraint("cash_amount IS NULL OR cash_amount >= 0",
                           name=op.f("ck_upward_proposal_cash_not_negative")),
        sa.CheckConstraint("decided_on IS NULL OR decided_on >= submitted_on",
                           name=op.f("ck_upward_proposal_answer_after_proposal")),
        sa.ForeignKeyConstraint(["award_record_id"], ["award_record.id"],
                                name=op.f("fk_upward_proposal_award_record_id_award_record"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["nomination_id"], ["nomination.id"],
                                name=op.f("fk_upward_proposal_nomination_id_nomination"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upward_proposal")),
        sa.UniqueConstraint("nomination_id", name=op.f("uq_upward_proposal_nomination_id")),
    )
    with op.batch_alter_table("award_record", schema=None) as batch_op:
        for subject in ("person_id", "unit_id"):
            batch_op.drop_index(f"uq_award_record_held_{subject}",
                                sqlite_where=_held(subject), postgresql_where=_held(subject))
            batch_op.create_index(f"uq_award_record_held_{subject}",
                                  [subject, "award_code", "year", "kind"], unique=True,
                                  sqlite_where=_held(subject), postgresql_where=_held(subject))

    with op.batch_alter_table("award_type", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decided_by", sa.String(length=16), server_default="unit",
                                      nullable=False))
    _fill_decided_by()
    _check("award_type", "decided_by_known", f"decided_by IN ({LEVELS})")

    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=12), server_default="regular",
                                      nullable=False))
    _check("nomination", "kind_known", f"kind IN ({KINDS})")
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        for subject in ("person_id", "unit_id"):
            batch_op.drop_index(f"uq_nomination_active_{subject}",
                                sqlite_where=_active(subject), postgresql_where=_active(subject))
            batch_op.create_index(f"uq_nomination_active_{subject}",
                                  [subject, "award_type_id", "year", "kind"], unique=True,
                                  sqlite_where=_active(subject),
                                  postgresql_where=_active(subject))


def downgrade():
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        for subject in ("unit_id", "person_id"):
            batch_op.drop_index(f"uq_nomination_active_{subject}",
                                sqlite_where=_active(subject), postgresql_where=_active(subject))
            batch_op.create_index(f"uq_nomination_active_{subject}",
                                  [subject, "award_type_id", "year"], unique=True,
                                  sqlite_where=_active(subject),
                                  postgresql_where=_active(subject))
    _drop_check("nomination", "kind_known")
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.drop_column("kind")

    _drop_check("award_type", "decided_by_known")
    with op.batch_alter_table("award_type", schema=None) as batch_op:
        batch_op.drop_column("decided_by")

    with op.batch_alter_table("award_record", schema=None) as batch_op:
        for subject in ("unit_id", "person_id"):
            batch_op.drop_index(f"uq_award_record_held_{subject}",
                                sqlite_where=_held(subject), postgresql_where=_held(subject))
            batch_op.create_index(f"uq_award_record_held_{subject}",
                                  [subject, "award_code", "year"], unique=True,
                                  sqlite_where=_held(subject), postgresql_where=_held(subject))

    op.drop_table("upward_proposal")


def _check(table: str, name: str, condition: str) -> None:
    """The CHECK constraint, where the database adds one in place (PostgreSQL). SQLite can
    only rebuild the table for it, and rebuilding `award_type` or `nomination` with foreign
    keys on either fails (rows refer to them) or fires their ON DELETE actions (a
    nomination's steps would be deleted): there the services' checks stand alone, as in the
    tables the models create the constraint is present."""
    if op.get_bind().dialect.name != "sqlite":
        op.create_check_constraint(op.f(f"ck_{table}_{name}"), table, condition)


def _drop_check(table: str, name: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f(f"ck_{table}_{name}"), table, type_="check")


def _fill_decided_by():
    award_type = sa.table("award_type", sa.column("id", sa.Integer),
                          sa.column("code", sa.String), sa.column("level", sa.String),
                          sa.column("decided_by", sa.String))
    bind = op.get_bind()
    for award_id, code, level in bind.execute(
            sa.select(award_type.c.id, award_type.c.code, award_type.c.level)).all():
        decided = DECIDED_BY.get(code) or _from_level(level or "")
        if decided != "unit":
            bind.execute(award_type.update().where(award_type.c.id == award_id)
                         .values(decided_by=decided))


def _from_level(level: str) -> str:
    """The deciding level read from a free-text level ("Nhà nước", "Bộ, ngành, tỉnh"…)."""
    words = "".join(c for c in unicodedata.normalize("NFD", level)
                    if not unicodedata.combining(c)).replace("đ", "d").replace("Đ", "d").lower()
    if "nha nuoc" in words or "chinh phu" in words or "thu tuong" in words:
        return "state"
    if "tong lien doan" in words or "cong doan nganh" in words:
        return "union_central"
    if {"bo", "nganh", "tinh"} & set(re.findall(r"[a-z]+", words)) or "trung uong" in words:
        return "ministry"
    return "unit"
