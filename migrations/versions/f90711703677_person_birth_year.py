"""A person's year of birth, kept alone when only the year is known (office lists' `Năm sinh`);
filled from the birth date where there is one.

Revision ID: f90711703677
Revises: 9d728a926bda
Create Date: 2026-11-30 12:13:46.095110

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f90711703677'
down_revision = '9d728a926bda'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_year', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            'birth_year_plausible',
            'birth_year IS NULL OR (birth_year >= 1900 AND birth_year <= 2100)')
    person = sa.table('person', sa.column('id', sa.Integer), sa.column('birth_date', sa.Date),
                      sa.column('birth_year', sa.Integer))
    connection = op.get_bind()
    rows = connection.execute(sa.select(person.c.id, person.c.birth_date)
                              .where(person.c.birth_date.is_not(None))).all()
    for start in range(0, len(rows), 1000):
        connection.execute(person.update().where(person.c.id == sa.bindparam('b_id'))
                           .values(birth_year=sa.bindparam('year')),
                           [{'b_id': pid, 'year': born.year}
                            for pid, born in rows[start:start + 1000]])


def downgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_constraint('birth_year_plausible', type_='check')
        batch_op.drop_column('birth_year')
