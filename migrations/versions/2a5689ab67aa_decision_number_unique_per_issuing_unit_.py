"""decision number unique per issuing unit among decisions in force (a revoked decision's
number may be given again); the service refused duplicates before, so no row conflicts

Revision ID: 2a5689ab67aa
Revises: d12f781e8be4
Create Date: 2026-11-30 19:04:40.083041

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2a5689ab67aa'
down_revision = 'd12f781e8be4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.create_index('uq_decision_number_in_force', ['issuing_unit_id', 'number'], unique=True, sqlite_where=sa.text("state <> 'revoked'"), postgresql_where=sa.text("state <> 'revoked'"))



def downgrade():
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index('uq_decision_number_in_force', sqlite_where=sa.text("state <> 'revoked'"), postgresql_where=sa.text("state <> 'revoked'"))

