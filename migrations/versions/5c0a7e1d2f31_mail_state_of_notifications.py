"""mail state of notifications

Notifications get the state of their email (queued, retrying, sent, failed), its tries and
its last error. Rows that exist already had no email queued by the job queue, so they start
with no state, 0 tries and no error.

Revision ID: 5c0a7e1d2f31
Revises: 3c1f0a9d2e47
Create Date: 2026-11-30 05:10:41.923828

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c0a7e1d2f31'
down_revision = '3c1f0a9d2e47'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_state', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('mail_attempts', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('mail_error', sa.String(length=500), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('mailed_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_notification_mail_state', ['mail_state'], unique=False)
        batch_op.create_check_constraint(
            'mail_state', "mail_state IN ('queued', 'retrying', 'sent', 'failed')")

    # the defaults only filled the rows already there: the application sets both
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.alter_column('mail_attempts', server_default=None)
        batch_op.alter_column('mail_error', server_default=None)


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notification_mail_state'), type_='check')
        batch_op.drop_index('ix_notification_mail_state')
        batch_op.drop_column('mailed_at')
        batch_op.drop_column('mail_error')
        batch_op.drop_column('mail_attempts')
        batch_op.drop_column('mail_state')
