"""Texts naming who acted show the account's full name: a publication keeps its publisher's
full name when written, and the migration gives older rows (which kept usernames) the full
name of the account of that username, keeping the username when the account is gone."""
from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import select

from emulation.awards.decisions import services as ds
from emulation.awards.decisions.models import Objection, Publication
from emulation.extensions import db
from tests.awards.conftest import _user, close_with, make_meeting

ROOT = Path(__file__).resolve().parents[2]


def _migration():
    path = next((ROOT / "migrations" / "versions").glob("8065897d0070_*.py"))
    spec = importlib.util.spec_from_file_location("actor_names_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_publication_names_its_publisher_and_old_rows_are_given_full_names(world, ctx):
    meeting = make_meeting(world)
    close_with(meeting, "agree")
    publication = ds.publish(_user("tochuc"), meeting, date(2026, 12, 21))
    assert publication.published_by == "Tochuc"  # the full name, not the username
    item = meeting.items[0]
    old = Objection(nomination_id=item.nomination_id, author="thuky", text="Ý kiến",
                    state="dismissed", resolution="Đã xem xét", resolved_by="thuky")
    gone = Objection(nomination_id=item.nomination_id, author="cu", text="Ý kiến",
                     state="dismissed", resolution="Đã xem xét", resolved_by="nguoi_cu")
    publication.published_by = "tochuc"  # as kept before
    db.session.add_all([old, gone])
    db.session.commit()
    with db.engine.begin() as connection, \
            Operations.context(MigrationContext.configure(connection)):
        _migration().upgrade()
    db.session.expire_all()
    assert db.session.get(Publication, publication.id).published_by == "Tochuc"
    assert db.session.scalar(select(Objection.resolved_by).where(
        Objection.id == old.id)) == "Thuky"
    assert db.session.scalar(select(Objection.resolved_by).where(
        Objection.id == gone.id)) == "nguoi_cu"  # no account left: the username stays
