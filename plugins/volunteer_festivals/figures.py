"""Figures: groups, volunteers and hours of service by institution and year, in a few SQL queries.

A volunteer's hours count for the institution (or organisation) of the group they belong to at
that festival; a volunteer in no group counts under "individual volunteers" (key None).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from plugins.volunteer_festivals.models import (Festival, FestivalGroup, FestivalGroupMember, FestivalShift,
                                                GroupStatus, ShiftAssignment, VolunteerRole)
from portal.kit import Institution, db


def _behind(institution_name: str | None, organisation: str) -> str:
    return institution_name or organisation.strip() or "—"


def figures(region, first_year: int, last_year: int) -> list[dict]:
    """Rows {year, behind (None: individual volunteers), groups, members, volunteers, hours}, by year then name."""
    years = (Festival.region_id == region.id, Festival.first_day >= _start(first_year),
             Festival.first_day < _start(last_year + 1))
    rows: dict[tuple[int, str | None], dict] = {}

    def row(year: int, behind: str | None) -> dict:
        return rows.setdefault((year, behind), {"year": year, "behind": behind, "groups": 0, "members": 0,
                                                "volunteers": set(), "hours": 0.0})

    groups = db.session.execute(
        select(FestivalGroup.id, FestivalGroup.festival_id, Festival.first_day, Institution.name, FestivalGroup.organisation)
        .join(Festival, FestivalGroup.festival_id == Festival.id).outerjoin(Institution, FestivalGroup.institution_id == Institution.id)
        .where(*years, FestivalGroup.status == GroupStatus.accepted)).all()
    group_of: dict[tuple[int, int], str] = {}  # (festival, user) -> the group's institution
    sizes = defaultdict(int)
    for group_id, _festival_id, _day, _institution, _organisation in groups:
        sizes[group_id] = 0
    if groups:
        for group_id, user_id in db.session.execute(select(FestivalGroupMember.group_id, FestivalGroupMember.user_id).where(
                FestivalGroupMember.group_id.in_([g[0] for g in groups]))):
            sizes[group_id] += 1
            if user_id is not None:
                festival_id = next(g[1] for g in groups if g[0] == group_id)
                name = next(_behind(g[3], g[4]) for g in groups if g[0] == group_id)
                group_of.setdefault((festival_id, user_id), name)
    for group_id, _festival_id, day, institution, organisation in groups:
        found = row(day.year, _behind(institution, organisation))
        found["groups"] += 1
        found["members"] += sizes[group_id]
    served = db.session.execute(
        select(Festival.id, Festival.first_day, ShiftAssignment.volunteer_id, FestivalShift.starts_at, FestivalShift.ends_at)
        .join(FestivalShift, ShiftAssignment.shift_id == FestivalShift.id).join(VolunteerRole, FestivalShift.role_id == VolunteerRole.id)
        .join(Festival, VolunteerRole.festival_id == Festival.id)
        .where(*years, ShiftAssignment.approved_at.is_not(None)))
    for festival_id, day, user_id, starts_at, ends_at in served:
        found = row(day.year, group_of.get((festival_id, user_id)))
        found["volunteers"].add(user_id)
        found["hours"] += (ends_at - starts_at).total_seconds() / 3600
    out = []
    for found in rows.values():
        out.append(dict(found, volunteers=len(found["volunteers"]), hours=round(found["hours"], 1)))
    return sorted(out, key=lambda r: (r["year"], r["behind"] is None, r["behind"] or ""))


def _start(year: int) -> date:
    return date(year, 1, 1)
