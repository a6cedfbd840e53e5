"""Any two sides: people and the opportunities they can take (a volunteer and a festival's shifts).

Mentorship pairs graduates with mentors (:func:`matching.suggest`, :func:`matching.assign`);
the same questions come up wherever people choose among opportunities: which ones fit a person
best, and why; who fits an opportunity best; and the best way to fill all of them at once. A
:class:`Person` and an :class:`Opportunity` are described by what can be compared between them:

* interests: what the person likes, and what someone who would enjoy the opportunity likes;
* skills: what the person can do, and what the opportunity needs;
* age: the person's, and the opportunity's minimum (a hard rule: a person of unknown age is
  never suggested for an opportunity with a minimum);
* time: the person's free times and the times the opportunity takes, as the same keys (the
  portal uses ``"sat:morning"``: weekday and part of the day), plus the opportunity's exact
  interval ``[start, end)`` (any numbers, e.g. POSIX seconds) for clashes: a person never gets two
  opportunities that overlap, nor one that overlaps what they hold already (``Person.busy``).

Score, in [0, 1]: 0.35 x cosine of the interests (multi-hot) + 0.30 x share of the needed skills
the person has (1 when none is needed) + 0.35 x share of the opportunity's times the person is
free at. Reasons, biggest contribution first (codes in :data:`matching.REASON_TEMPLATES`):

============  ===========================================  ================================
code          params                                       English
============  ===========================================  ================================
likes         ``items``: shared interests                   likes %(items)s
has_skills    ``items``: needed skills the person has       can do what it needs: %(items)s
free_at       ``times``: time keys the person is free at    free at %(times)s
old_enough    ``min_age``: the opportunity's minimum age    old enough: from %(min_age)s
============  ===========================================  ================================

``Reason.render(template, time_label=...)`` writes time keys in the reader's words.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.preprocessing import MultiLabelBinarizer

from .assign import solve
from .profiles import Reason, _unique

#: Weights of the score of a person for an opportunity; they sum to 1.
SIDE_WEIGHTS: dict[str, float] = {"interests": 0.35, "skills": 0.30, "free": 0.35}


@dataclass
class Person:
    """Someone who takes opportunities: ``capacity`` is how many more they may take (a volunteer's
    shifts); ``busy`` the intervals they hold already, which nothing suggested may overlap."""

    id: str
    interests: list[str]
    skills: list[str] = field(default_factory=list)
    age: int | None = None
    free: list[str] = field(default_factory=list)
    capacity: int = 1
    busy: list[tuple[float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.id = str(self.id)
        self.interests = _unique(self.interests)
        self.skills = _unique(self.skills)
        self.free = _unique(self.free)
        self.age = None if self.age is None else int(self.age)
        self.capacity = int(self.capacity)
        self.busy = [(float(a), float(b)) for a, b in self.busy or ()]


@dataclass
class Opportunity:
    """Something people take, ``capacity`` of them at most (the free places of a shift)."""

    id: str
    interests: list[str]
    skills: list[str] = field(default_factory=list)
    min_age: int | None = None
    times: list[str] = field(default_factory=list)
    start: float | None = None
    end: float | None = None
    capacity: int = 1

    def __post_init__(self) -> None:
        self.id = str(self.id)
        self.interests = _unique(self.interests)
        self.skills = _unique(self.skills)
        self.times = _unique(self.times)
        self.min_age = None if self.min_age is None else int(self.min_age)
        self.capacity = int(self.capacity)
        if (self.start is None) != (self.end is None):
            raise ValueError("an opportunity has both a start and an end, or neither")
        if self.start is not None and float(self.end) <= float(self.start):
            raise ValueError(f"opportunity {self.id!r} ends before it starts")

    def overlaps(self, start: float, end: float) -> bool:
        return self.start is not None and self.start < end and start < self.end


@dataclass(frozen=True, slots=True)
class Match:
    """One proposed counterpart (an opportunity for a person, or a person for an opportunity)."""

    id: str
    score: float
    reasons: list[Reason] = field(default_factory=list)


def clashes(opportunities: Sequence[Opportunity]) -> list[tuple[int, ...]]:
    """Groups of opportunity indices that all overlap one another (the maximal ones), sorted.

    Intervals that overlap pairwise share a moment (Helly), so the groups are the sets of
    intervals running at each start: at most one group per opportunity. "At most one of each
    group" is the same rule as "never two that overlap", and a much tighter one for the solver.
    """
    timed = [(o.start, o.end, i) for i, o in enumerate(opportunities) if o.start is not None]
    groups: set[tuple[int, ...]] = set()
    for start, _end, _i in timed:
        running = tuple(sorted(j for s, e, j in timed if s <= start < e))
        if len(running) > 1:
            groups.add(running)
    maximal = [g for g in groups if not any(set(g) < set(other) for other in groups)]
    return sorted(maximal)


def _multi_hot(left: list[list[str]], right: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    binarizer = MultiLabelBinarizer()
    binarizer.fit(left + right)
    if len(binarizer.classes_) == 0:
        return np.zeros((len(left), 1)), np.zeros((len(right), 1))
    return (binarizer.transform(left).astype(np.float64), binarizer.transform(right).astype(np.float64))


def pair_scores(people: Sequence[Person], opportunities: Sequence[Opportunity]) -> tuple[np.ndarray, np.ndarray]:
    """(scores, admissible), people x opportunities; see the module docstring for both."""
    _check_ids(people, "person")
    _check_ids(opportunities, "opportunity")
    n_p, n_o = len(people), len(opportunities)
    p_int, o_int = _multi_hot([p.interests for p in people], [o.interests for o in opportunities])
    norms = np.sqrt(p_int.sum(axis=1))[:, None] * np.sqrt(o_int.sum(axis=1))[None, :]
    interests = np.divide(p_int @ o_int.T, norms, out=np.zeros((n_p, n_o)), where=norms > 0)
    p_sk, o_sk = _multi_hot([p.skills for p in people], [o.skills for o in opportunities])
    needed = o_sk.sum(axis=1)[None, :]
    skills = np.divide(p_sk @ o_sk.T, needed, out=np.ones((n_p, n_o)), where=needed > 0)
    p_free, o_times = _multi_hot([p.free for p in people], [o.times for o in opportunities])
    taken = o_times.sum(axis=1)[None, :]
    free = np.divide(p_free @ o_times.T, taken, out=np.zeros((n_p, n_o)), where=taken > 0)
    score = (SIDE_WEIGHTS["interests"] * interests + SIDE_WEIGHTS["skills"] * skills
             + SIDE_WEIGHTS["free"] * free)
    ages = np.array([-1 if p.age is None else p.age for p in people])[:, None]
    minimum = np.array([-1 if o.min_age is None else o.min_age for o in opportunities])[None, :]
    admissible = (minimum < 0) | ((ages >= 0) & (ages >= minimum))
    admissible &= np.array([p.capacity > 0 for p in people])[:, None]
    admissible &= np.array([o.capacity > 0 for o in opportunities])[None, :]
    for i, person in enumerate(people):
        for start, end in person.busy:
            for j, opportunity in enumerate(opportunities):
                if opportunity.overlaps(start, end):
                    admissible[i, j] = False
    return np.clip(score, 0.0, 1.0), admissible


def reasons_for(person: Person, opportunity: Opportunity) -> list[Reason]:
    """What made the pair fit, biggest contribution first."""
    found: list[tuple[float, Reason]] = []
    liked = [w for w in person.interests if w in set(opportunity.interests)]
    if liked:
        found.append((SIDE_WEIGHTS["interests"] * len(liked)
                      / math.sqrt(len(person.interests) * len(opportunity.interests)),
                      Reason("likes", {"items": liked})))
    skilled = [w for w in opportunity.skills if w in set(person.skills)]
    if skilled:
        found.append((SIDE_WEIGHTS["skills"] * len(skilled) / len(opportunity.skills),
                      Reason("has_skills", {"items": skilled})))
    free = [t for t in opportunity.times if t in set(person.free)]
    if free:
        found.append((SIDE_WEIGHTS["free"] * len(free) / len(opportunity.times), Reason("free_at", {"times": free})))
    found.sort(key=lambda item: -item[0])
    reasons = [reason for _, reason in found]
    if opportunity.min_age is not None:
        reasons.append(Reason("old_enough", {"min_age": opportunity.min_age}))
    return reasons


def _excluded(people, opportunities, exclude) -> set[tuple[int, int]]:
    p_index = {p.id: i for i, p in enumerate(people)}
    o_index = {o.id: j for j, o in enumerate(opportunities)}
    return {(p_index[str(a)], o_index[str(b)]) for a, b in exclude or ()
            if str(a) in p_index and str(b) in o_index}


def suggest_opportunities(people: Sequence[Person], opportunities: Sequence[Opportunity], k: int = 5,
                          exclude: Iterable[tuple[str, str]] = ()) -> dict[str, list[Match]]:
    """Up to ``k`` opportunities per person, best first, never one breaking a hard rule (age, room,
    a clash with ``busy``); ``exclude`` holds (person id, opportunity id) pairs never to suggest."""
    people, opportunities = list(people), list(opportunities)
    result: dict[str, list[Match]] = {p.id: [] for p in people}
    if not people or not opportunities or k <= 0:
        return result
    scores, admissible = pair_scores(people, opportunities)
    for i, j in _excluded(people, opportunities, exclude):
        admissible[i, j] = False
    for i, person in enumerate(people):
        order = sorted(np.flatnonzero(admissible[i]).tolist(), key=lambda j: (-scores[i, j], j))[:k]
        result[person.id] = [Match(opportunities[j].id, float(scores[i, j]),
                                   reasons_for(person, opportunities[j])) for j in order]
    return result


def suggest_people(opportunities: Sequence[Opportunity], people: Sequence[Person], k: int = 5,
                   exclude: Iterable[tuple[str, str]] = ()) -> dict[str, list[Match]]:
    """The other way round: up to ``k`` people per opportunity, best first (``exclude``: (person id,
    opportunity id) pairs, as for :func:`suggest_opportunities`)."""
    people, opportunities = list(people), list(opportunities)
    result: dict[str, list[Match]] = {o.id: [] for o in opportunities}
    if not people or not opportunities or k <= 0:
        return result
    scores, admissible = pair_scores(people, opportunities)
    for i, j in _excluded(people, opportunities, exclude):
        admissible[i, j] = False
    for j, opportunity in enumerate(opportunities):
        order = sorted(np.flatnonzero(admissible[:, j]).tolist(), key=lambda i: (-scores[i, j], i))[:k]
        result[opportunity.id] = [Match(people[i].id, float(scores[i, j]),
                                        reasons_for(people[i], opportunity)) for i in order]
    return result


def assign_opportunities(people: Sequence[Person], opportunities: Sequence[Opportunity],
                         forbidden: Iterable[tuple[str, str]] = ()) -> dict[str, list[str]]:
    """Person id -> the opportunity ids they get: as many places filled as possible, then the best
    total score, exactly (see :func:`matching.assign.solve`).

    Never more people in an opportunity than its ``capacity``, never more opportunities for a
    person than theirs, never two overlapping opportunities for one person nor one overlapping
    their ``busy`` time, never a pair breaking a hard rule or ``forbidden``. Every person id is a
    key (an empty list when they get nothing); opportunities come in the given order.
    """
    people, opportunities = list(people), list(opportunities)
    result: dict[str, list[str]] = {p.id: [] for p in people}
    if not people or not opportunities:
        return result
    scores, admissible = pair_scores(people, opportunities)
    for i, j in _excluded(people, opportunities, forbidden):
        admissible[i, j] = False
    pairs = solve(scores, admissible, [p.capacity for p in people], [o.capacity for o in opportunities],
                  clashes(opportunities))
    for i, j in pairs:
        result[people[i].id].append(opportunities[j].id)
    return result


def _check_ids(items: Sequence, what: str) -> None:
    ids = [item.id for item in items]
    if len(set(ids)) != len(ids):
        raise ValueError(f"duplicate {what} ids")


__all__ = ["SIDE_WEIGHTS", "Match", "Opportunity", "Person", "assign_opportunities", "clashes", "pair_scores",
           "reasons_for", "suggest_opportunities", "suggest_people"]
