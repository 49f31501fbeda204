"""one active nomination and one award in force per subject, award and year

Before the unique indexes are made, duplicates that concurrent requests could have written are
resolved (they cannot be refused any more once they exist):
- nominations: of the active (not withdrawn) nominations of one subject, award and year, the one
  furthest along is kept (in a decision in force, then the most advanced state, then the
  oldest); the others are withdrawn, each with a processing step saying why;
- award records: of the records in force (not revoked) of one subject, award and year, the
  oldest is kept and the later ones are marked revoked; each is named in the migration's log
  so that an officer can correct the decision that granted it twice.
The decision item's nomination is no longer unique: after a revocation a corrected decision
may grant the nomination again (the award record's index keeps one grant in force).

Revision ID: 2f07a2ca0537
Revises: 3887aefd05da
Create Date: 2026-11-30 08:49:28.914307

"""
import logging
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

log = logging.getLogger("alembic.runtime.migration")

# how far along a dossier is: a duplicate further along is the one kept
PROGRESS = {"on_agenda": 6, "forwarded": 5, "received": 4, "submitted": 3, "returned": 2,
            "draft": 1}


# revision identifiers, used by Alembic.
revision = '2f07a2ca0537'
down_revision = '3887aefd05da'
branch_labels = None
depends_on = None


def upgrade():
    _withdraw_duplicate_nominations()
    _revoke_duplicate_award_records()
    with op.batch_alter_table('award_record', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('award_record_once'), type_='unique')
        batch_op.create_index('uq_award_record_held_person_id', ['person_id', 'award_code', 'year'], unique=True, sqlite_where=sa.text('person_id IS NOT NULL AND NOT revoked'), postgresql_where=sa.text('person_id IS NOT NULL AND NOT revoked'))
        batch_op.create_index('uq_award_record_held_unit_id', ['unit_id', 'award_code', 'year'], unique=True, sqlite_where=sa.text('unit_id IS NOT NULL AND NOT revoked'), postgresql_where=sa.text('unit_id IS NOT NULL AND NOT revoked'))

    with op.batch_alter_table('decision_item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_decision_item_nomination_id'), type_='unique')
        batch_op.create_index(batch_op.f('ix_decision_item_nomination_id'), ['nomination_id'], unique=False)

    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.create_index('uq_nomination_active_person_id', ['person_id', 'award_type_id', 'year'], unique=True, sqlite_where=sa.text("person_id IS NOT NULL AND state <> 'withdrawn'"), postgresql_where=sa.text("person_id IS NOT NULL AND state <> 'withdrawn'"))
        batch_op.create_index('uq_nomination_active_unit_id', ['unit_id', 'award_type_id', 'year'], unique=True, sqlite_where=sa.text("unit_id IS NOT NULL AND state <> 'withdrawn'"), postgresql_where=sa.text("unit_id IS NOT NULL AND state <> 'withdrawn'"))


def _withdraw_duplicate_nominations():
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT n.id, n.person_id, n.unit_id, n.award_type_id, n.year, n.state, n.level_unit_id,"
        " EXISTS (SELECT 1 FROM decision_item i JOIN decision d ON d.id = i.decision_id"
        "         WHERE i.nomination_id = n.id AND d.state <> 'revoked') AS granted"
        " FROM nomination n WHERE n.state <> 'withdrawn'")).all()
    groups = {}
    for row in rows:
        key = (row.person_id, row.unit_id, row.award_type_id, row.year)
        groups.setdefault(key, []).append(row)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda r: (not r.granted, -PROGRESS.get(r.state, 0), r.id))
        for row in group[1:]:
            log.warning("nomination %s withdrawn: a duplicate of nomination %s", row.id,
                        group[0].id)
            bind.execute(sa.text("UPDATE nomination SET state = 'withdrawn', "
                                 "version = version + 1 WHERE id = :id"), {"id": row.id})
            bind.execute(sa.text(
                "INSERT INTO nomination_step (nomination_id, at, actor_name, from_state,"
                " to_state, level_unit_id, reason) VALUES (:id, :at, 'migration', :state,"
                " 'withdrawn', :level, :reason)"),
                {"id": row.id, "at": now, "state": row.state, "level": row.level_unit_id,
                 "reason": f"Trùng với đề nghị #{group[0].id} (cùng đối tượng, danh hiệu, "
                           f"năm) / duplicate of nomination #{group[0].id}"})


def _revoke_duplicate_award_records():
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, person_id, unit_id, award_code, year, decision_number FROM award_record"
        " WHERE NOT revoked ORDER BY id")).all()
    kept = {}
    for row in rows:
        key = (row.person_id, row.unit_id, row.award_code, row.year)
        if key not in kept:
            kept[key] = row
            continue
        log.warning("award record %s (%s %s, decision %r) revoked: the same award for the same "
                    "year as record %s (decision %r)", row.id, row.award_code, row.year,
                    row.decision_number, kept[key].id, kept[key].decision_number)
        bind.execute(sa.text("UPDATE award_record SET revoked = :yes WHERE id = :id"),
                     {"yes": True, "id": row.id})


def downgrade():
    # the duplicates withdrawn or revoked on the way up stay so
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.drop_index('uq_nomination_active_unit_id', sqlite_where=sa.text("unit_id IS NOT NULL AND state <> 'withdrawn'"), postgresql_where=sa.text("unit_id IS NOT NULL AND state <> 'withdrawn'"))
        batch_op.drop_index('uq_nomination_active_person_id', sqlite_where=sa.text("person_id IS NOT NULL AND state <> 'withdrawn'"), postgresql_where=sa.text("person_id IS NOT NULL AND state <> 'withdrawn'"))

    with op.batch_alter_table('decision_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_item_nomination_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_decision_item_nomination_id'), ['nomination_id'])

    with op.batch_alter_table('award_record', schema=None) as batch_op:
        batch_op.drop_index('uq_award_record_held_unit_id', sqlite_where=sa.text('unit_id IS NOT NULL AND NOT revoked'), postgresql_where=sa.text('unit_id IS NOT NULL AND NOT revoked'))
        batch_op.drop_index('uq_award_record_held_person_id', sqlite_where=sa.text('person_id IS NOT NULL AND NOT revoked'), postgresql_where=sa.text('person_id IS NOT NULL AND NOT revoked'))
        batch_op.create_unique_constraint(batch_op.f('award_record_once'), ['award_code', 'person_id', 'unit_id', 'year', 'decision_number'])

