"""scores file of the frozen ranking: scoring_settings.scores_job_id, the job that builds
the scores workbook when the ranking is frozen and keeps its file until it is reopened

Revision ID: ce691f37c552
Revises: 2a5689ab67aa
Create Date: 2026-11-30 19:10:14.877375

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ce691f37c552'
down_revision = '2a5689ab67aa'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('scoring_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scores_job_id', sa.String(length=43), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_scoring_settings_scores_job_id_job'), 'job', ['scores_job_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('scoring_settings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_scoring_settings_scores_job_id_job'), type_='foreignkey')
        batch_op.drop_column('scores_job_id')

