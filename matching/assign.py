"""Exact assignment of graduates to mentors under capacities, fixed and forbidden pairs.

Objective (lexicographic): first as many graduates matched as possible, then the largest total
score among those. It is solved exactly as one rectangular assignment problem: each mentor is
repeated once per free slot, an admissible pair costs ``-(BIG + score)`` with ``BIG`` larger than
any possible total score, and an inadmissible pair costs 0 (same as leaving the graduate out), so
one more matched graduate always beats any gain in score. Hence a graduate is left out only when
no admissible mentor has room that could be freed without leaving someone else out.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from .features import FeatureSpace
from .profiles import Profile

if TYPE_CHECKING:
    from .model import DecisionModel
from .scoring import block_scores


def score_matrix(graduates: Sequence[Profile], mentors: Sequence[Profile], model: DecisionModel | None = None,
                 capacities: Sequence[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Dense (scores, admissible) of every graduate x mentor pair; for region-sized inputs.

    ``capacities`` overrides the mentors' capacities for the "has room" rule.
    """
    space = FeatureSpace(graduates, mentors)
    if capacities is not None:
        space.m_has_room = np.asarray(capacities) > 0
    block = space.block(np.arange(len(space.graduates)))
    scores, _ = block_scores(block, model)
    return scores.astype(np.float64), block.admissible


def assign(graduates: Sequence[Profile], mentors: Sequence[Profile], model: DecisionModel | None = None,
           fixed: Mapping[str, str] | Iterable[tuple[str, str]] = (),
           forbidden: Iterable[tuple[str, str]] = ()) -> dict[str, str]:
    """Graduate id -> mentor id, maximising the number matched, then the total score.

    Hard rules are respected (gender preference, a shared language, capacity). ``fixed`` pairs
    (approved or pinned, as a dict or (graduate id, mentor id) pairs) are always in the result as
    given and consume their mentor's capacity; ``forbidden`` pairs (e.g. rejected earlier) are
    never in it (a pair both fixed and forbidden stays, as fixed). Fixed pairs are not checked
    against the hard rules and may name people not in the lists. A graduate is left out only when
    no admissible mentor has room. Scores come from the same scorer as ``suggest`` (with ``model``
    when fitted); ties between equally good assignments are broken arbitrarily but
    deterministically.
    """
    graduates, mentors = list(graduates), list(mentors)
    fixed_pairs = _fixed(fixed)
    banned = {(str(g), str(m)) for g, m in forbidden or ()}
    result = dict(fixed_pairs)
    remaining = {m.id: m.capacity for m in mentors}
    for m_id in fixed_pairs.values():
        if m_id in remaining:
            remaining[m_id] -= 1
    free = [g for g in graduates if g.id not in fixed_pairs]
    if not free or not mentors:
        return result
    capacities = np.array([max(0, remaining[m.id]) for m in mentors], dtype=np.int64)
    scores, admissible = score_matrix(free, mentors, model, capacities)
    if banned:
        g_index = {g.id: i for i, g in enumerate(free)}
        m_index = {m.id: j for j, m in enumerate(mentors)}
        for g_id, m_id in banned:
            if g_id in g_index and m_id in m_index:
                admissible[g_index[g_id], m_index[m_id]] = False

    rows = np.flatnonzero(admissible.any(axis=1))
    if rows.size == 0:
        return result
    admissible = admissible[rows]
    scores = scores[rows]
    # More copies of a mentor than graduates who may take them can never be used.
    copies = np.minimum(capacities, admissible.sum(axis=0))
    columns = np.repeat(np.arange(len(mentors)), copies)
    big = float(len(rows) + 1)  # > any total score, since every score is <= 1
    cost = np.where(admissible[:, columns], -(big + scores[:, columns]), 0.0)
    row_ind, col_ind = linear_sum_assignment(cost)
    for r, c in zip(row_ind.tolist(), col_ind.tolist()):
        mentor_col = columns[c]
        if admissible[r, mentor_col]:
            result[free[rows[r]].id] = mentors[mentor_col].id
    return result


def _fixed(fixed: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    pairs = fixed.items() if isinstance(fixed, Mapping) else (fixed or ())
    out: dict[str, str] = {}
    for g_id, m_id in pairs:
        g_id, m_id = str(g_id), str(m_id)
        if out.get(g_id, m_id) != m_id:
            raise ValueError(f"graduate {g_id!r} is fixed to two mentors")
        out[g_id] = m_id
    return out
