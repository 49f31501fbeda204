"""keyset pagination: person (sort_key, id), award_record roll (year DESC, award_code, id)

The people list reads its pages by key (sort_key, id): the index on sort_key alone made a page
after a common name read and discard every namesake before it. The honour roll of every year
is ordered year DESC, award_code, id: no index had that order (a page sorted a whole year).

Revision ID: b533186bd3d8
Revises: d12f781e8be4
Create Date: 2026-11-30 19:37:06.257668

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b533186bd3d8'
down_revision = 'd12f781e8be4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_sort_key'))
        batch_op.create_index('ix_person_sort_key_id', ['sort_key', 'id'], unique=False)
    op.create_index('ix_award_record_roll', 'award_record',
                    [sa.text('year DESC'), 'award_code', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_award_record_roll', table_name='award_record')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('ix_person_sort_key_id')
        batch_op.create_index(batch_op.f('ix_person_sort_key'), ['sort_key'], unique=False)
