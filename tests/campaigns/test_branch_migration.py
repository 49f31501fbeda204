"""The migration of issue 16 on a database written before it: reports already submitted get
their days late, extensions become registration extensions."""
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import MetaData, select

from emulation import create_app
from emulation.extensions import db
from emulation.pledges.models import DeadlineExtension, Report
from tests.security.test_duplicates import _insert_old, fresh_url  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parents[2]
REVISION = "e23b2cf099a4"


def test_the_migration_marks_late_reports_and_keeps_extensions(fresh_url):  # noqa: F811
    env = {**os.environ, "DATABASE_URL": fresh_url, "SECRET_KEY": "x"}

    def upgrade(*target):
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade",
                               *target], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

    path = next((ROOT / "migrations" / "versions").glob(f"{REVISION}_*.py"))
    down = next(line.split("'")[1] for line in path.read_text().splitlines()
                if line.startswith("down_revision"))
    upgrade(down)
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_url, "SECRET_KEY": "x"})
    with app.app_context():
        # rows written through the schema of that revision (later ones add columns)
        old = MetaData()
        old.reflect(bind=db.engine, only=["unit", "campaign", "report_period", "report",
                                          "deadline_extension"])
        top, unit1, unit2, unit3 = (
            _insert_old(old.tables["unit"], code=code, name=code, kind=kind)
            for code, kind in (("TOP", "union"), ("CS-1", "grassroots"), ("CS-2", "grassroots"),
                               ("CS-3", "grassroots")))
        campaign = _insert_old(old.tables["campaign"], title="Cũ", kind="regular",
                               state="published", participation_mode="children",
                               year_start=2025, year_end=2025, issuing_unit_id=top,
                               version=1)
        period = _insert_old(old.tables["report_period"], campaign_id=campaign, kind="midyear",
                             label="6 tháng", year=2025, deadline=date(2025, 6, 30))
        report = old.tables["report"]
        common = {"campaign_id": campaign, "period_id": period, "version": 1}
        # 02:00 UTC on 3 July is 09:00 in Vietnam: three days late; 20:00 UTC on 30 June
        # is 1 July in Vietnam: one day late
        _insert_old(report, **common, unit_id=unit1, state="submitted",
                    submitted_at=datetime(2025, 7, 3, 2))
        _insert_old(report, **common, unit_id=unit2, state="submitted",
                    submitted_at=datetime(2025, 6, 30, 20))
        _insert_old(report, **common, unit_id=unit3, state="draft")
        _insert_old(old.tables["deadline_extension"], campaign_id=campaign,
                    unit_id=unit1, until=date(2025, 3, 1))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    upgrade()
    with app.app_context():
        late = dict(db.session.execute(select(Report.unit_id, Report.late_days)).all())
        assert late == {unit1: 3, unit2: 1, unit3: None}
        assert db.session.scalar(select(DeadlineExtension.kind)) == "registration"
        db.session.remove()
        db.engine.dispose()
