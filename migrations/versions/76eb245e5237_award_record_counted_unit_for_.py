"""award record counted unit for statistics per unit and year; roll index with the id; year-id index

Revision ID: 76eb245e5237
Revises: 431759420338
Create Date: 2026-11-22 06:21:07.989605

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '76eb245e5237'
down_revision = '431759420338'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('award_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counted_unit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_award_record_counted_unit_id_unit'), 'unit', ['counted_unit_id'], ['id'], ondelete='SET NULL')
    # Records made before: a collective counts for itself, a person for their unit today
    # (where they were when the award was recorded is not known for them).
    op.execute("UPDATE award_record SET counted_unit_id = COALESCE(unit_id, "
               "(SELECT person.unit_id FROM person WHERE person.id = award_record.person_id))")
    with op.batch_alter_table('award_record', schema=None) as batch_op:
        batch_op.create_index('ix_award_record_year_counted', ['year', 'counted_unit_id', 'revoked', 'person_id', 'cash_amount'], unique=False)
        # the roll's page is ordered by (year, award, id): the id in the index spares a sort
        batch_op.drop_index('ix_award_record_year_code')
        batch_op.create_index('ix_award_record_year_code', ['year', 'award_code', 'id', 'revoked', 'cash_amount'], unique=False)
        # all records newest first (the API's list) without a sort
        batch_op.create_index('ix_award_record_year_id', ['year', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('award_record', schema=None) as batch_op:
        batch_op.drop_index('ix_award_record_year_id')
        batch_op.drop_index('ix_award_record_year_code')
        batch_op.create_index('ix_award_record_year_code', ['year', 'award_code', 'revoked', 'cash_amount'], unique=False)
        batch_op.drop_constraint(batch_op.f('fk_award_record_counted_unit_id_unit'), type_='foreignkey')
        batch_op.drop_index('ix_award_record_year_counted')
        batch_op.drop_column('counted_unit_id')
