"""Sealed ballot papers, participation without order, reopening a vote, quorum at least half

The secret ballot becomes secret by construction (emulation/awards/councils/ballot_box.py):
choices are sealed papers, the participation loses its serial id (it ordered the votes) and
becomes a table keyed by (item, member) — without rowid on SQLite. Existing rows are kept; a
ballot open during the upgrade gets its salt, and its votes already counted stay counted.
Councils with a quorum under half of their members are raised to half.

Revision ID: d2acb71e1f75
Revises: 2b6e22851c49
Create Date: 2026-11-30 08:47:51.058797

"""
import secrets

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd2acb71e1f75'
down_revision = '2b6e22851c49'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ballot_paper',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.LargeBinary(length=64), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_item.id'], name=op.f('fk_ballot_paper_item_id_agenda_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_paper')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('ballot_paper', schema=None) as batch_op:
        batch_op.create_index('ix_ballot_paper_item_id', ['item_id'], unique=False)

    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reopened_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('reopened_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reopen_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_agenda_item_reopened_by_id_user'), 'user', ['reopened_by_id'], ['id'], ondelete='RESTRICT')

        batch_op.create_check_constraint("reopened_with_reason",
                                         "(reopened_at IS NULL) = (reopen_reason IS NULL)")

    bind = op.get_bind()
    voted = bind.execute(sa.text("SELECT item_id, member_id FROM ballot_participation")).all()
    op.drop_table('ballot_participation')
    participation = op.create_table(
        'ballot_participation',
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['item_id'], ['agenda_item.id'],
                                name=op.f('fk_ballot_participation_item_id_agenda_item'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['member_id'], ['council_member.id'],
                                name=op.f('fk_ballot_participation_member_id_council_member'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('item_id', 'member_id', name=op.f('pk_ballot_participation')),
        sqlite_with_rowid=False)
    if voted:
        op.bulk_insert(participation, [{"item_id": i, "member_id": m}
                                       for i, m in sorted(voted)])

    with op.batch_alter_table('council_meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ballot_salt', sa.LargeBinary(length=32), nullable=True))
    for (meeting_id,) in bind.execute(sa.text(
            "SELECT id FROM council_meeting WHERE state = 'voting'")).all():
        bind.execute(sa.text("UPDATE council_meeting SET ballot_salt = :salt WHERE id = :id"),
                     {"salt": secrets.token_bytes(32), "id": meeting_id})
    with op.batch_alter_table('council_meeting', schema=None) as batch_op:
        batch_op.create_check_constraint("salt_only_while_voting",
                                         "(state = 'voting') = (ballot_salt IS NOT NULL)")

    op.execute("UPDATE council SET quorum_pct = 50 WHERE quorum_pct < 50")
    with op.batch_alter_table('council', schema=None) as batch_op:
        batch_op.create_check_constraint("quorum_at_least_half",
                                         "quorum_pct >= 50 AND quorum_pct <= 100")


def downgrade():
    # Papers of an open ballot cannot be turned back into counters: downgrade between ballots.
    if op.get_bind().execute(sa.text(
            "SELECT count(*) FROM council_meeting WHERE state = 'voting'")).scalar():
        raise RuntimeError("A secret ballot is open: close or annul it before downgrading "
                           "(its sealed papers would be lost).")
    with op.batch_alter_table('council', schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_council_quorum_at_least_half"), type_="check")
    with op.batch_alter_table('council_meeting', schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_council_meeting_salt_only_while_voting"), type_="check")
        batch_op.drop_column('ballot_salt')

    bind = op.get_bind()
    voted = bind.execute(sa.text("SELECT item_id, member_id FROM ballot_participation")).all()
    op.drop_table('ballot_participation')
    participation = op.create_table(
        'ballot_participation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['item_id'], ['agenda_item.id'],
                                name=op.f('fk_ballot_participation_item_id_agenda_item'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['member_id'], ['council_member.id'],
                                name=op.f('fk_ballot_participation_member_id_council_member'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_participation')),
        sa.UniqueConstraint('item_id', 'member_id', name='vote_once'))
    if voted:
        op.bulk_insert(participation, [{"id": n, "item_id": i, "member_id": m}
                                       for n, (i, m) in enumerate(sorted(voted), 1)])

    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_agenda_item_reopened_with_reason"), type_="check")
        batch_op.drop_constraint(batch_op.f('fk_agenda_item_reopened_by_id_user'),
                                 type_='foreignkey')
        batch_op.drop_column('reopen_reason')
        batch_op.drop_column('reopened_by_id')
        batch_op.drop_column('reopened_at')

    with op.batch_alter_table('ballot_paper', schema=None) as batch_op:
        batch_op.drop_index('ix_ballot_paper_item_id')

    op.drop_table('ballot_paper')
