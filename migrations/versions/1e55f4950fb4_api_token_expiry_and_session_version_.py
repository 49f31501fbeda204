"""API tokens expire and end with security events; server-side login sessions

Logging out deletes the browser's login session, so a copy of its cookie no longer logs in.

Revision ID: 1e55f4950fb4
Revises: d2acb71e1f75
Create Date: 2026-11-30 08:51:24.686478

Tokens made before this revision get 90 days from the upgrade (API_TOKEN_DAYS' default) and
their owner's current session version, so that none stops working at the upgrade itself.
"""
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '1e55f4950fb4'
down_revision = 'd2acb71e1f75'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_login_session_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_session')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_login_session_key_hash'))
    )
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_session_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=True))

    token = sa.table('api_token', sa.column('user_id', sa.Integer()),
                     sa.column('expires_at', sa.DateTime()),
                     sa.column('session_version', sa.Integer()))
    user = sa.table('user', sa.column('id', sa.Integer()),
                    sa.column('session_version', sa.Integer()))
    expiry = (datetime.now(timezone.utc) + timedelta(days=90)).replace(tzinfo=None)
    op.execute(token.update().values(
        expires_at=expiry,
        session_version=sa.select(user.c.session_version)
        .where(user.c.id == token.c.user_id).scalar_subquery()))

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.alter_column('session_version', existing_type=sa.Integer(), nullable=False)


def downgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('session_version')
        batch_op.drop_column('expires_at')

    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_session_user_id'))

    op.drop_table('login_session')
