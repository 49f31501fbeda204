"""What each audit event says (nhật ký), by message key — the event's action, or its `_m`
where one action says different things. Values are stored with the event (`audit.record(...,
params=...)`) and put in the reader's language when the log is read: a state, role or kind by
its label, an award code by the award's name, a date and a number by Babel."""
from flask_babel import lazy_gettext as _l

PLEDGE = "PLEDGE_STATE_LABELS"
NOMINATION = "NOMINATION_STATE_LABELS"
CAMPAIGN = "CAMPAIGN_STATE_LABELS"

MESSAGES = {
    # accounts and sign-in
    "auth.login": _l("%(user)s signed in"),
    "auth.logout": _l("%(user)s signed out"),
    "auth.login_failed:unknown": _l("Failed sign-in: no account is named %(username)s"),
    "auth.login_failed:inactive": _l("Failed sign-in: the account of %(user)s is deactivated"),
    "auth.login_failed": _l("Wrong password for %(user)s (%(count)s in a row)"),
    "auth.login_failed:locked": _l("Wrong password for %(user)s (%(count)s in a row): the "
                                   "account is locked for a while"),
    "auth.login_locked": _l("%(user)s refused: the account is locked for a while"),
    "user.create": _l("Account %(user)s created"),
    "user.update": _l("Account %(user)s changed"),
    "user.activate": _l("Account %(user)s activated"),
    "user.deactivate": _l("Account %(user)s deactivated"),
    "user.reset_password": _l("Password of %(user)s reset"),
    "user.change_password": _l("%(user)s changed their password"),
    "user.sign_out_everywhere": _l("Every session of %(user)s ended"),
    "user.set_locale": _l("%(user)s switched language"),
    "grant.add": (_l("%(user)s given the role %(role)s at %(unit)s"), {"role": "ROLE_LABELS"}),
    "grant.remove": (_l("%(user)s no longer has the role %(role)s at %(unit)s"),
                     {"role": "ROLE_LABELS"}),
    "token.create": _l("API token %(name)s for %(user)s, valid %(days)s days"),
    "token.revoke": _l("API token %(name)s of %(user)s revoked"),
    "access.unauthenticated": _l("Refused, not signed in: %(what)s"),
    "access.unauthenticated:count": _l("Refused, not signed in: %(what)s (%(count)s refusals "
                                       "from this address in %(minutes)s minutes)"),
    "access.denied": _l("Refused, not allowed: %(what)s"),
    "access.denied:count": _l("Refused, not allowed: %(what)s (%(count)s refusals from this "
                              "address in %(minutes)s minutes)"),
    "access.rate_limited": _l("Refused, too many requests: %(what)s"),
    "access.rate_limited:count": _l("Refused, too many requests: %(what)s (%(count)s refusals "
                                    "from this address in %(minutes)s minutes)"),
    "attach": _l("File %(file)s attached"),
    "job.queued": _l("Job %(job)s (%(kind)s) queued"),
    "job.running": _l("Job %(job)s (%(kind)s) started"),
    "job.done": _l("Job %(job)s (%(kind)s) finished"),
    "job.failed": _l("Job %(job)s (%(kind)s) failed"),
    "job.expired": _l("Job %(job)s (%(kind)s): its file was deleted"),
    "mail.failed": _l("E-mail to %(user)s failed: %(error)s"),
    # units and people
    "unit.create": _l("Unit %(unit)s created"),
    "unit.update": _l("Unit %(unit)s changed"),
    "unit.move": _l("Unit %(unit)s moved under %(parent)s"),
    "unit.activate": _l("Unit %(unit)s put back in use"),
    "unit.deactivate": _l("Unit %(unit)s deactivated"),
    "unit.delete": _l("Unit %(unit)s deleted"),
    "person.create": _l("Person %(person)s added"),
    "person.update": _l("Person %(person)s changed"),
    "person.activate": _l("Person %(person)s put back in use"),
    "person.deactivate": _l("Person %(person)s deactivated"),
    "import.people": _l("People imported: %(created)s created, %(updated)s updated, "
                        "%(unchanged)s unchanged"),
    "import.units": _l("Units imported: %(created)s created, %(updated)s updated, "
                       "%(unchanged)s unchanged"),
    # campaigns
    "campaign.create": _l("Campaign %(campaign)s created"),
    "campaign.update": _l("Campaign %(campaign)s changed"),
    "campaign.clone": _l("Campaign %(campaign)s made from %(source)s (%(shift)s years later)"),
    "campaign:state": (_l("Campaign %(campaign)s: %(from)s → %(to)s"),
                       {"from": CAMPAIGN, "to": CAMPAIGN}),
    "campaign.period_add": (_l("Report period %(period)s of %(campaign)s, due %(deadline)s"),
                            {"deadline": "date"}),
    "campaign.period_add:units": (_l("Report period %(period)s of %(campaign)s, due "
                                     "%(deadline)s, asked of %(units)s units"),
                                  {"deadline": "date"}),
    "campaign.period_delete": _l("Report period %(period)s of %(campaign)s removed"),
    "campaign.movement_add": _l("Movement %(number)s of %(campaign)s added"),
    "campaign.movement_update": _l("Movement %(number)s of %(campaign)s changed"),
    "campaign.movement_delete": _l("Movement %(number)s of %(campaign)s deleted"),
    "campaign.movement_move": _l("Movement \"%(title)s\" of %(campaign)s moved to number "
                                 "%(number)s"),
    "campaign.criterion_add": _l("Criterion %(criterion)s of %(campaign)s added"),
    "campaign.criterion_update": _l("Criterion %(criterion)s of %(campaign)s changed"),
    "campaign.criterion_delete": _l("Criterion %(criterion)s of %(campaign)s deleted"),
    "campaign.participants": (_l("Participants of %(campaign)s (%(mode)s): %(added)s added, "
                                 "%(removed)s removed"), {"mode": "PARTICIPATION_LABELS"}),
    "campaign.remind": _l("Reminders of %(campaign)s sent to %(sent)s of %(behind)s units "
                          "behind"),
    "cluster.create": _l("Cluster %(cluster)s of %(campaign)s created"),
    "cluster.update": _l("Cluster %(cluster)s of %(campaign)s changed"),
    "cluster.delete": _l("Cluster %(cluster)s of %(campaign)s deleted"),
    "cluster.compact_signed": _l("%(unit)s signed the compact of %(cluster)s"),
    # pledges and reports
    "pledge.save": _l("Pledge of %(unit)s to %(campaign)s saved"),
    "pledge.titles": _l("Title registrations of %(unit)s: %(added)s added, %(removed)s removed"),
    "pledge.extension": (_l("Deadline (%(kind)s) of %(unit)s extended to %(until)s"),
                         {"kind": "EXTENSION_KIND_LABELS", "until": "date"}),
    "pledge:state": (_l("Pledge of %(unit)s: %(from)s → %(to)s"), {"from": PLEDGE, "to": PLEDGE}),
    "report.save": _l("Report of %(unit)s for %(period)s saved"),
    "report.submitted": _l("Report of %(unit)s for %(period)s submitted"),
    "report.submitted:late": _l("Report of %(unit)s for %(period)s submitted %(days)s days "
                                "late"),
    "report.reopened": _l("Report of %(unit)s for %(period)s reopened"),
    # scoring
    "scoring.settings": _l("Scoring settings of %(campaign)s changed"),
    "scoring.peer_assign": _l("Peer scoring of %(campaign)s assigned: %(sheets)s sheets"),
    "scoring.council_assign": _l("%(user)s named council scorer for %(cluster)s: %(sheets)s "
                                 "sheets"),
    "sheet.open": _l("Self-scoring sheet of %(unit)s opened"),
    "sheet.save": (_l("Score sheet (%(kind)s) of %(unit)s saved"),
                   {"kind": "SHEET_KIND_LABELS"}),
    "sheet.submitted": (_l("Score sheet (%(kind)s) of %(unit)s submitted"),
                        {"kind": "SHEET_KIND_LABELS"}),
    "sheet.reopened": (_l("Score sheet (%(kind)s) of %(unit)s reopened"),
                       {"kind": "SHEET_KIND_LABELS"}),
    "scoring.adjustment:bonus": (_l("Bonus of %(points)s points for %(unit)s"),
                                 {"points": "number"}),
    "scoring.adjustment:penalty": (_l("Penalty of %(points)s points for %(unit)s"),
                                   {"points": "number"}),
    "ranking.freeze": _l("Ranking of %(campaign)s frozen (%(units)s units)"),
    "ranking.reopen": _l("Ranking of %(campaign)s reopened"),
    # award catalogue, records, reference data
    "award.create": (_l("Award type %(award)s added"), {"award": "award"}),
    "award.update": (_l("Award type %(award)s changed"), {"award": "award"}),
    "award.activate": (_l("Award type %(award)s put back in use"), {"award": "award"}),
    "award.deactivate": (_l("Award type %(award)s taken out of use"), {"award": "award"}),
    "award.delete": _l("Award type %(name)s deleted"),
    "award.quota_save": (_l("Quota of %(award)s saved"), {"award": "award"}),
    "award.quota_delete": (_l("Quota of %(award)s deleted"), {"award": "award"}),
    "award.rule_save": (_l("Rule %(position)s of %(award)s saved"), {"award": "award"}),
    "award.rule_delete": (_l("Rule %(position)s of %(award)s deleted"), {"award": "award"}),
    "import.appraisals": _l("Appraisals imported: %(created)s created, %(updated)s updated, "
                            "%(unchanged)s unchanged"),
    "import.initiatives": _l("Initiatives imported: %(created)s created, %(updated)s updated, "
                             "%(unchanged)s unchanged"),
    "import.disciplines": _l("Disciplines imported: %(created)s created, %(updated)s updated, "
                             "%(unchanged)s unchanged"),
    "import.awards": _l("Award history imported: %(created)s created, %(updated)s updated, "
                        "%(unchanged)s unchanged"),
    "base_salary.create": (_l("Base salary %(amount)s VND from %(day)s"),
                           {"amount": "number", "day": "date"}),
    "base_salary.delete": (_l("Base salary %(amount)s VND from %(day)s removed"),
                           {"amount": "number", "day": "date"}),
    "holiday.create": (_l("%(day)s added to the calendar: %(name)s"), {"day": "date"}),
    "holiday.delete": (_l("%(day)s removed from the calendar: %(name)s"), {"day": "date"}),
    "demo.load": _l("Demo data loaded: %(units)s units, %(people)s people, %(accounts)s "
                    "accounts"),
    # nominations, council, publication, decisions
    "nomination.create": (_l("Nomination of %(subject)s for %(award)s %(year)s"),
                          {"award": "award"}),
    "nomination.update": _l("Dossier #%(id)s of %(subject)s changed"),
    "nomination:state": (_l("Dossier #%(id)s of %(subject)s: %(from)s → %(to)s"),
                         {"from": NOMINATION, "to": NOMINATION}),
    "council.create": _l("Council %(council)s of %(unit)s created"),
    "council.member_add": (_l("%(user)s joins %(council)s as %(role)s"),
                           {"role": "COUNCIL_ROLE_LABELS"}),
    "meeting.schedule": (_l("Meeting %(title)s scheduled on %(day)s"), {"day": "date"}),
    "meeting.attendance": _l("Attendance: %(present)s of %(members)s members present"),
    "meeting.agenda_add": _l("Dossier #%(id)s of %(subject)s put on the agenda"),
    "ballot.reopen": _l("Vote on dossier #%(id)s reopened"),
    "meeting.open_ballot": _l("Ballot opened: %(present)s of %(total)s members present, "
                              "%(items)s dossiers"),
    "ballot.participation": _l("Votes cast on %(items)s dossiers"),
    "ballot.written_opinions": _l("%(count)s written opinions of absent members recorded"),
    "meeting.close_ballot": _l("Ballot closed: %(passed)s of %(items)s dossiers passed"),
    "ballot.annul": _l("Ballot annulled: the papers were destroyed, nothing was counted"),
    "publication.open": (_l("List of meeting %(meeting)s published until %(until)s"),
                         {"until": "date"}),
    "objection.create": _l("Objection to dossier #%(id)s"),
    "objection:state": (_l("Objection %(objection)s to dossier #%(id)s: %(state)s"),
                        {"state": "OBJECTION_STATE_LABELS"}),
    "decision.create": _l("Decision %(number)s drafted with %(count)s dossiers"),
    "decision.issue": (_l("Decision %(number)s issued: %(count)s awards, %(total)s VND"),
                       {"total": "number"}),
    "decision.revoke": _l("Decision %(number)s revoked"),
    # certificates and documents
    "certificate.style": (_l("Certificate style of %(award)s changed"), {"award": "award"}),
    "certificate.emblem": (_l("Certificate emblem of %(award)s: %(file)s"), {"award": "award"}),
    "certificate.emblem:removed": (_l("Certificate emblem of %(award)s removed"),
                                   {"award": "award"}),
    "certificate.layout": (_l("Print calibration of %(award)s for printer %(printer)s saved"),
                           {"award": "award"}),
    "certificate.layout_delete": (_l("Print calibration of %(award)s for printer %(printer)s "
                                     "deleted"), {"award": "award"}),
    "document_template.replace": (_l("Template \"%(kind)s\" of %(unit)s replaced by %(file)s"),
                                  {"kind": "DOCUMENT_KIND_LABELS"}),
    "document_template.reset": (_l("Template \"%(kind)s\" of %(unit)s reset to the default"),
                                {"kind": "DOCUMENT_KIND_LABELS"}),
    "unit.letterhead": _l("Document letterhead of %(unit)s changed"),
    # site settings and mail
    "settings.change": _l("Site settings changed (%(count)s values)"),
    "mail.resend": _l("E-mail to %(user)s queued again"),
}
