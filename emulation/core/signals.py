"""Events that areas announce and others subscribe to (blinker, Flask's own signal library).

An area's service sends one when its state change is in the session, before the commit;
`emulation/notify/subscribers.py` turns them into notifications, so no area imports
`notify`. Each signal's sender is the record that changed; keyword arguments are listed, and
every signal sent by a service also carries `actor` (who did it: never notified of it).
"""
from __future__ import annotations

from typing import NamedTuple

from blinker import Namespace

_signals = Namespace()


class Overdue(NamedTuple):
    """A unit behind schedule in a campaign (`units_reminded`): its pledge not submitted
    after the registration deadline, and the labels of the periods it has not reported."""

    unit_id: int
    unit_name: str
    unit_path: str
    pledge: bool
    periods: list[str]


pledge_approved = _signals.signal("pledge-approved", doc="sender: Pledge")
pledge_returned = _signals.signal("pledge-returned", doc="sender: Pledge; reason: str")
sheets_assigned = _signals.signal(
    "sheets-assigned", doc="sender: Campaign; to_units: {unit id: count} (peer sheets), or "
                           "to_user: User and count: int (a council scorer's sheets)")
dossier_returned = _signals.signal("dossier-returned", doc="sender: Nomination; reason: str")
dossier_forwarded = _signals.signal("dossier-forwarded",
                                    doc="sender: Nomination (its level_unit is the new level); "
                                        "from_unit: Unit, the level it left")
campaign_published = _signals.signal(
    "campaign-published", doc="sender: Campaign (launched to its participants)")
pledge_submitted = _signals.signal("pledge-submitted", doc="sender: Pledge")
report_submitted = _signals.signal("report-submitted", doc="sender: Report")
dossier_submitted = _signals.signal(
    "dossier-submitted", doc="sender: Nomination (its level_unit is the level it goes to)")
meeting_scheduled = _signals.signal("meeting-scheduled", doc="sender: CouncilMeeting")
ballot_opened = _signals.signal("ballot-opened", doc="sender: CouncilMeeting")
objection_made = _signals.signal("objection-made", doc="sender: Objection")
decision_issued = _signals.signal("decision-issued", doc="sender: Decision")
report_requested = _signals.signal(
    "report-requested", doc="sender: ReportPeriod added to a campaign (an ad-hoc report asked "
                            "of chosen units, or of every participant)")
units_reminded = _signals.signal(
    "units-reminded", doc="sender: Campaign; units: [Overdue]; today: date (an organiser "
                          "reminds the units behind). Each receiver returns how many units "
                          "it reminded.")
ranking_frozen = _signals.signal(
    "ranking-frozen", doc="sender: Campaign; actor; units: int (rows written). Sent after the "
                          "freeze is committed: work that needs the fixed ranking hooks here.")
job_finished = _signals.signal(
    "job-finished", doc="sender: Job (jobs.models), done or failed: an export with its file, "
                        "an import with its outcome")
