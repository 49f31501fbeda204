"""Dated rule sets (bộ tiêu chuẩn), a collective's cash multiple, the kind of an award record

Award records gain their kind of commendation (Law Art. 8); existing ones are regular.

Rules gain the rule set they belong to; existing rules keep none, which means "any year", so
verdicts do not change with the upgrade. `flask seed-catalogue` then adds the seeded rule sets
(Law 06/2022 with Decree 98/2023, then with Decree 152/2025) and moves each seeded award whose
rules no administrator has edited onto them; edited awards keep their rules as they are.

Revision ID: 685f1b75f691
Revises: 2f07a2ca0537
Create Date: 2026-11-30 09:34:24.347864

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '685f1b75f691'
down_revision = '2f07a2ca0537'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rule_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("legal_source", sa.String(length=500), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from",
                           name=op.f("ck_rule_set_period_ordered")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_set")),
        sa.UniqueConstraint("code", name=op.f("uq_rule_set_code")),
    )
    with op.batch_alter_table("award_rule", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rule_set_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_award_rule_rule_set_id"), ["rule_set_id"],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_award_rule_rule_set_id_rule_set"),
                                    "rule_set", ["rule_set_id"], ["id"], ondelete="RESTRICT")
    with op.batch_alter_table("award_type", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cash_multiple_collective",
                                      sa.Numeric(precision=6, scale=2), nullable=True))
    with op.batch_alter_table("award_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=12), server_default="regular",
                                      nullable=False))
        batch_op.create_check_constraint(
            "kind_known", "kind IN ('regular', 'thematic', 'one_off', 'career', "
                          "'long_service', 'foreign')")


def downgrade():
    with op.batch_alter_table("award_record", schema=None) as batch_op:
        batch_op.drop_constraint("kind_known", type_="check")
        batch_op.drop_column("kind")
    with op.batch_alter_table("award_type", schema=None) as batch_op:
        batch_op.drop_column("cash_multiple_collective")
    with op.batch_alter_table("award_rule", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_award_rule_rule_set_id_rule_set"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_award_rule_rule_set_id"))
        batch_op.drop_column("rule_set_id")
    op.drop_table("rule_set")
