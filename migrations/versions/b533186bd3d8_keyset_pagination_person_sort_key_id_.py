"""keyset pagination: person (sort_key, id), award_record roll (year DESC, award_code, id)

The people list reads its pages by key (sort_key, id): the index on sort_key alone made a page
after a common name read and discard every namesake before it. The honour roll of every year
is ordered year DESC, award_code, id: no index had that order (a page sorted a whole year).

Revision ID: b533186bd3d8
Revises: 7fc0fd5b8b9a
Create Date: 2026-11-30 19:37:06.257668

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b533186bd3d8'
down_revision = '7fc0fd5b8b9a'
branch_labels = None
depends_on = None


def upgrade():
    # plain index statements, not a batch: on SQLite a batch may rebuild `person`, which
    # would drop the search triggers of its FTS5 table (7fc0fd5b8b9a)
    op.drop_index('ix_person_sort_key', table_name='person')
    op.create_index('ix_person_sort_key_id', 'person', ['sort_key', 'id'], unique=False)
    op.create_index('ix_award_record_roll', 'award_record',
                    [sa.text('year DESC'), 'award_code', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_award_record_roll', table_name='award_record')
    op.drop_index('ix_person_sort_key_id', table_name='person')
    op.create_index('ix_person_sort_key', 'person', ['sort_key'], unique=False)
