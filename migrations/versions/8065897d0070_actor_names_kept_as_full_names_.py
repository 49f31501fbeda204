"""actor names kept as full names: publications, objections, upward proposals, scoring
adjustments and the frozen ranking

These columns name who acted as text. Rows written before `audit.actor_display` (and every
publication until now) kept the account's username; the pages show the text as stored, so
each is replaced by the account's full name where an account of that username has one. A
username whose account is gone stays (nothing else names that person). Audit events are not
touched: their `actor_name` stays the username (the audit log's filter), and the log and the
histories show the account's full name by one lookup (core.audit.full_names).

Revision ID: 8065897d0070
Revises: 5c3b3b8c253b
Create Date: 2026-11-30 22:49:21.447885

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8065897d0070'
down_revision = '5c3b3b8c253b'
branch_labels = None
depends_on = None


# (table, column): the text columns naming an actor
COLUMNS = (("publication", "published_by"), ("objection", "resolved_by"),
           ("upward_proposal", "recorded_by"), ("score_adjustment", "created_by"),
           ("scoring_settings", "frozen_by"))


def upgrade():
    for table, column in COLUMNS:
        op.execute(f'''UPDATE {table} SET {column} = (SELECT u.full_name FROM "user" u
                      WHERE u.username = {table}.{column})
                      WHERE EXISTS (SELECT 1 FROM "user" u WHERE u.username = {table}.{column}
                                    AND u.full_name <> '')''')


def downgrade():
    # the full names stay: which rows held a username is not kept
    pass
