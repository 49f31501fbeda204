"""Written opinions of absent council members (phiếu ý kiến bằng văn bản)

An award type says whether a council member absent from the meeting may vote by a written
opinion; it is set for every award whose threshold is counted over all the council's members
(the seeded CSTĐ bộ, CSTĐ toàn quốc, Cờ thi đua Chính phủ, Bằng khen Thủ tướng), where
attendance would otherwise decide the outcome — the rule that paired the two, Decree 91/2017
Art. 45.8, is repealed: verify against Decree 152/2025 (see catalogue.data). A vote's
participation says whether it was a written opinion (never what was chosen).

Revision ID: 180254af8a54
Revises: 685f1b75f691
Create Date: 2026-11-30 12:09:49.786147

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '180254af8a54'
down_revision = '685f1b75f691'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('award_type', schema=None) as batch_op:
        batch_op.add_column(sa.Column('written_votes_allowed', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
    # ballot_participation has no rowid on SQLite: add the column in place (no batch copy,
    # which would rebuild the table with one)
    op.add_column('ballot_participation',
                  sa.Column('written', sa.Boolean(), server_default=sa.false(),
                            nullable=False))
    award_type = sa.table('award_type', sa.column('vote_base', sa.String),
                          sa.column('written_votes_allowed', sa.Boolean))
    op.execute(award_type.update().where(award_type.c.vote_base == 'all')
               .values(written_votes_allowed=True))


def downgrade():
    # A written opinion of an open ballot would then count as a present member's vote.
    if op.get_bind().execute(sa.text(
            "SELECT count(*) FROM ballot_participation p JOIN agenda_item i ON i.id = p.item_id "
            "JOIN council_meeting m ON m.id = i.meeting_id "
            "WHERE p.written AND m.state = 'voting'")).scalar():
        raise RuntimeError("An open ballot holds written opinions: close or annul it before "
                           "downgrading.")
    op.drop_column('ballot_participation', 'written')
    with op.batch_alter_table('award_type', schema=None) as batch_op:
        batch_op.drop_column('written_votes_allowed')
