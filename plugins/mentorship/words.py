"""What the graduate and the mentor read about their pair: the reasons that concern them in plain words,
who is still to answer, and what a mentor is asked to do next.

Staff read the matcher's reasons as they are (views.reason_text); a side never reads "coordinators approved
similar pairs" (the model's) nor any staff's note, and a mentor reads only the needs the graduate stated.
"""
from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import matching
from portal.kit import SUPPORT_AREAS, to_local, today

#: A reason in the words of the side reading it; a code missing here is not shown to that side.
FOR_GRADUATE = {
    "covers_needs": _l("can help you with %(areas)s"),
    "shared_interests": _l("you both like %(items)s"),
    "same_municipality": _l("lives in the same municipality as you"),
    "similar_about": _l("what you both wrote about yourselves is alike"),
}
FOR_MENTOR = {
    "covers_needs": _l("the graduate would like help with %(areas)s, which you offer"),
    "shared_interests": _l("you both like %(items)s"),
    "same_municipality": _l("lives in the same municipality as you"),
    "similar_about": _l("what you both wrote about yourselves is alike"),
}
WHO = {"coordinator": _l("the coordinator"), "graduate": _l("the graduate"), "mentor": _l("the mentor")}
#: A mentee without a meeting in the log for this long: the mentor is reminded to log one.
QUIET_DAYS = 30


def _area(code: str) -> str:
    return str(SUPPORT_AREAS.get(code, code)).lower()


def side_reasons(reasons, side: str, stated_needs=None) -> list[str]:
    """The stored reasons of a pair as ``side`` ("graduate" or "mentor") reads them.

    :param stated_needs: for the mentor, the areas the graduate chose in their own profile; other needs
        (known to other services) are left out of what the mentor reads.
    """
    templates = FOR_GRADUATE if side == "graduate" else FOR_MENTOR
    found = []
    for stored in reasons or ():
        code, params = stored.get("code"), dict(stored.get("params") or {})
        if code not in templates:
            continue
        if code == "covers_needs" and side == "mentor":
            params["areas"] = [a for a in params.get("areas", []) if a in (stated_needs or set())]
            if not params["areas"]:
                continue
        try:
            reason = matching.Reason(code, params)
        except ValueError:
            continue
        found.append(reason.render(str(templates[code]), area_label=_area))
    return found


def waiting_for(row) -> str:
    """Who still has to say yes, in words: "the coordinator, the mentor"."""
    return ", ".join(str(WHO[who]) for who in row.waits_for())


def mentor_next_steps(rows, profile, user, region) -> list[tuple[str, str]]:
    """What is asked of the mentor next, most pressing first: (text, link)."""
    steps, now = [], today(region)
    if profile is None:
        steps.append((_("Fill in your mentor profile so that the coordinator can find graduates for you."),
                      url_for("mentorship.mentor_profile")))
    for row in rows:
        if row.status.value in ("proposed", "approved") and row.mentor_answer is None:
            steps.append((_("Answer the proposal: %(graduate)s.", graduate=row.graduate.name),
                          url_for("mentorship.mentorship", mentorship_id=row.id)))
    active = [row for row in rows if row.status.value == "active"]
    if active and not user.contact:
        steps.append((_("Add a phone or another contact to your profile so that your mentees can reach you."),
                      url_for("auth.profile")))
    for row in active:
        last = row.meetings[0].met_on if row.meetings else to_local(row.proposed_at, region).date()
        if now - last >= timedelta(days=QUIET_DAYS):
            steps.append((_("No meeting with %(graduate)s logged for %(days)d days: meet and write it in the log.",
                            graduate=row.graduate.name, days=(now - last).days),
                          url_for("mentorship.mentorship", mentorship_id=row.id) + "#log"))
    return steps
