"""Site settings: the switches of the public pages (honour roll, self-check), off by default

Revision ID: 020bf2963b57
Revises: 50ed68c2690a
Create Date: 2026-11-30 15:36:23.261506

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '020bf2963b57'
down_revision = '50ed68c2690a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('site_setting',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_site_setting'))
    )


def downgrade():
    op.drop_table('site_setting')
