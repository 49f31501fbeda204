"""Quota kinds, dated quotas and the example mark; the award an initiative backed

A quota is a share of the unit's awards of another type (granted and nominated), a share of its
headcount, or an absolute number; dated, with its rounding and an example mark.

Quotas: existing rows are shares of another award's nominations ("awards"), rounded down,
undated; they gain a version for optimistic locking. The seeded CSTĐCS ≤ 15% of LĐTT cites
repealed Decree 91/2017: it is marked as an example, and its note, when nobody edited it, says
that the law in force (Law 06/2022, Decree 152/2025) sets no national cap.

Initiatives gain the award record that relied on them (an initiative backs one commendation
only); existing initiatives are unused.

Revision ID: 9d728a926bda
Revises: 180254af8a54
Create Date: 2026-11-30 12:12:01.512472

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9d728a926bda'
down_revision = '180254af8a54'
branch_labels = None
depends_on = None

OLD_NOTE = "Tỷ lệ 15% theo quy định cũ; giữ làm tham số, cần đối chiếu văn bản hiện hành."
EXAMPLE_NOTE = ("Ví dụ, không phải quy định hiện hành: tỷ lệ 15% lấy từ Nghị định 91/2017/NĐ-CP "
                "(đã hết hiệu lực); Luật Thi đua, khen thưởng 06/2022/QH15 và Nghị định "
                "152/2025/NĐ-CP không quy định tỷ lệ Chiến sĩ thi đua cơ sở chung toàn quốc. "
                "Sửa hoặc xóa theo quy chế của đơn vị.")
EXAMPLE_REFERENCE = "Nghị định 91/2017/NĐ-CP (đã hết hiệu lực) — ví dụ"


def upgrade():
    with op.batch_alter_table("award_quota", schema=None) as batch_op:
        batch_op.add_column(sa.Column("base", sa.String(length=12), server_default="awards",
                                      nullable=False))
        batch_op.add_column(sa.Column("max_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("rounding", sa.String(length=10), server_default="floor",
                                      nullable=False))
        batch_op.add_column(sa.Column("unit_kind", sa.String(length=32), server_default="",
                                      nullable=False))
        batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("valid_to", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("is_example", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1",
                                      nullable=False))
        batch_op.alter_column("max_pct", existing_type=sa.Numeric(precision=5, scale=2),
                              nullable=True)
        batch_op.alter_column("of_code", existing_type=sa.String(length=20),
                              server_default="")
    with op.batch_alter_table("award_quota", schema=None) as batch_op:
        # the version is set by the ORM from now on, as on every versioned table
        batch_op.alter_column("version", existing_type=sa.Integer(), server_default=None)
        batch_op.create_check_constraint("base_known",
                                         "base IN ('awards', 'headcount', 'absolute')")
        batch_op.create_check_constraint("rounding_known", "rounding IN ('floor', 'half_up')")
        batch_op.create_check_constraint(
            "limit_given", "(base = 'absolute' AND max_count IS NOT NULL AND max_count >= 0) OR "
                           "(base <> 'absolute' AND max_pct IS NOT NULL AND max_pct >= 0 AND "
                           "max_pct <= 100)")
        batch_op.create_check_constraint("share_names_its_base",
                                         "base <> 'awards' OR of_code <> ''")
        batch_op.create_check_constraint(
            "period_ordered", "valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from")
    _mark_the_example()

    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.add_column(sa.Column("used_by_award_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_initiative_used_by_award_id"),
                              ["used_by_award_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_initiative_used_by_award_id_award_record"),
                                    "award_record", ["used_by_award_id"], ["id"],
                                    ondelete="SET NULL")


def _mark_the_example():
    """The seeded 15% CSTĐCS quota is an example (it cites a repealed decree); its seeded note
    and reference are replaced, an administrator's own are kept."""
    quota = sa.table("award_quota", sa.column("id", sa.Integer),
                     sa.column("award_type_id", sa.Integer), sa.column("of_code", sa.String),
                     sa.column("legal_reference", sa.String), sa.column("note", sa.Text),
                     sa.column("is_example", sa.Boolean))
    award = sa.table("award_type", sa.column("id", sa.Integer), sa.column("code", sa.String))
    cstdcs = sa.select(award.c.id).where(award.c.code == "CSTDCS").scalar_subquery()
    seeded = (quota.c.award_type_id == cstdcs) & (quota.c.of_code == "LDTT") \
        & quota.c.legal_reference.like("%91/2017%")
    op.execute(quota.update().where(seeded).values(is_example=True))
    op.execute(quota.update().where(seeded & (quota.c.note == OLD_NOTE))
               .values(note=EXAMPLE_NOTE, legal_reference=EXAMPLE_REFERENCE))


def downgrade():
    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_initiative_used_by_award_id_award_record"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_initiative_used_by_award_id"))
        batch_op.drop_column("used_by_award_id")

    # the old table holds shares of nominations only
    op.execute("DELETE FROM award_quota WHERE base <> 'awards'")
    with op.batch_alter_table("award_quota", schema=None) as batch_op:
        for name in ("period_ordered", "share_names_its_base", "limit_given", "rounding_known",
                     "base_known"):
            batch_op.drop_constraint(name, type_="check")
        batch_op.alter_column("of_code", existing_type=sa.String(length=20),
                              server_default=None)
        batch_op.alter_column("max_pct", existing_type=sa.Numeric(precision=5, scale=2),
                              nullable=False)
        batch_op.drop_column("version")
        batch_op.drop_column("is_example")
        batch_op.drop_column("valid_to")
        batch_op.drop_column("valid_from")
        batch_op.drop_column("unit_kind")
        batch_op.drop_column("rounding")
        batch_op.drop_column("max_count")
        batch_op.drop_column("base")
