"""workflow invariants as check constraints: issued decisions complete, revoked ones and
resolved objections give their reason, flagged nominations their explanation

Revision ID: 3c1f0a9d2e47
Revises: 77ec370d1988
Create Date: 2026-11-30 06:45:00

"""
from alembic import op

revision = '3c1f0a9d2e47'
down_revision = '77ec370d1988'
branch_labels = None
depends_on = None

CONSTRAINTS = (
    ("decision", "issued_complete",
     "state = 'draft' OR (base_salary IS NOT NULL AND number <> '')"),
    ("decision", "revoked_reason", "state <> 'revoked' OR revoke_reason <> ''"),
    ("objection", "resolved_reason", "state = 'open' OR resolution <> ''"),
    ("nomination", "flagged_explained", "NOT flagged OR explanation <> ''"),
)


def upgrade():
    for table, name, condition in CONSTRAINTS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(name, condition)


def downgrade():
    for table, name, _condition in reversed(CONSTRAINTS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"ck_{table}_{name}", type_="check")
