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

from .features import FeatureSpace, Vocabulary
from .profiles import Profile

if TYPE_CHECKING:
    from .model import DecisionModel
from .features import INADMISSIBLE
from .scoring import block_scores

#: Above this many graduates x places, ``assign`` works on a sparse candidate graph (see ``assign``).
DENSE_CELLS = 4_000_000
#: Candidates per graduate in the sparse graph: its best admissible mentors.
CANDIDATES = 50


def score_matrix(graduates: Sequence[Profile], mentors: Sequence[Profile], model: DecisionModel | None = None,
                 capacities: Sequence[int] | None = None, vocabulary: Vocabulary | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Dense (scores, admissible) of every graduate x mentor pair; for region-sized inputs.

    ``capacities`` overrides the mentors' capacities for the "has room" rule.
    """
    space = FeatureSpace(graduates, mentors, vocabulary=vocabulary)
    if capacities is not None:
        space.m_has_room = np.asarray(capacities) > 0
    block = space.block(np.arange(len(space.graduates)))
    scores, _ = block_scores(block, model)
    return scores.astype(np.float64), block.admissible


def assign(graduates: Sequence[Profile], mentors: Sequence[Profile], model: DecisionModel | None = None,
           fixed: Mapping[str, str] | Iterable[tuple[str, str]] = (),
           forbidden: Iterable[tuple[str, str]] = (), vocabulary: Vocabulary | None = None,
           candidates: int | None = None) -> dict[str, str]:
    """Graduate id -> mentor id, maximising the number matched, then the total score.

    Hard rules are respected (gender preference, a shared language, capacity). ``fixed`` pairs
    (approved or pinned, as a dict or (graduate id, mentor id) pairs) are always in the result as
    given and consume their mentor's capacity; ``forbidden`` pairs (e.g. rejected earlier) are
    never in it (a pair both fixed and forbidden stays, as fixed). Fixed pairs are not checked
    against the hard rules and may name people not in the lists. A graduate is left out only when
    no admissible mentor has room. Scores come from the same scorer as ``suggest`` (with ``model``
    when fitted); ties between equally good assignments are broken arbitrarily but
    deterministically. ``vocabulary`` as for ``suggest``.

    Above DENSE_CELLS graduates x places (or with ``candidates`` given) it solves the same problem on a
    sparse candidate graph: each graduate's ``candidates`` (default CANDIDATES) best admissible mentors.
    That is the exact optimum whenever ``candidates`` >= the number of graduates to place (a graduate
    held off its list would find one of its listed mentors with a place free, since the others take at
    most n - 1 places) and in practice far below it (bench: 50 at 2,000 x 500 gives the dense optimum);
    it can lose when many graduates share the same few best mentors and their lists are shorter than the
    queue for them.
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
    places = int(np.minimum(capacities, len(free)).sum())
    if candidates is not None or len(free) * places > DENSE_CELLS:
        pairs = _sparse_assign(free, mentors, model, capacities, banned, vocabulary, candidates or CANDIDATES)
        result.update((free[r].id, mentors[c].id) for r, c in pairs)
        return result
    scores, admissible = score_matrix(free, mentors, model, capacities, vocabulary)
    if banned:
        g_index = {g.id: i for i, g in enumerate(free)}
        m_index = {m.id: j for j, m in enumerate(mentors)}
        for g_id, m_id in banned:
            if g_id in g_index and m_id in m_index:
                admissible[g_index[g_id], m_index[m_id]] = False

    for r, c in solve(scores, admissible, np.ones(len(free), dtype=np.int64), capacities):
        result[free[r].id] = mentors[c].id
    return result


def _sparse_assign(graduates: list[Profile], mentors: list[Profile], model, capacities: np.ndarray,
                   banned: set[tuple[str, str]], vocabulary: Vocabulary | None, candidates: int
                   ) -> list[tuple[int, int]]:
    """The lexicographic optimum over each graduate's best ``candidates`` admissible mentors.

    Graduates on one side, mentors' places on the other; the smaller side are the rows, each with its own
    "left out" column too, solved by ``scipy.sparse.csgraph.min_weight_full_bipartite_matching`` (every
    row is matched, to the other side or to its "left out" column). Costs are positive (a stored zero would be no edge): a place costs
    ``1 + (1 - score)``, leaving out ``big + 2`` with ``big`` above any total score, so one more graduate
    placed beats any gain in score.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    from .scoring import WEIGHTS, chunk_rows

    space = FeatureSpace(graduates, mentors, vocabulary=vocabulary)
    space.m_has_room = capacities > 0
    fitted = model is not None and getattr(model, "is_fitted", False)
    if not fitted:
        space.prepare_weighted(WEIGHTS)
    g_index = {g.id: i for i, g in enumerate(graduates)}
    m_index = {m.id: j for j, m in enumerate(mentors)}
    banned_at: dict[int, list[int]] = {}
    for g_id, m_id in banned:
        if g_id in g_index and m_id in m_index:
            banned_at.setdefault(g_index[g_id], []).append(m_index[m_id])
    n_m = len(mentors)
    wide = min(n_m, candidates)
    edge_rows, edge_cols, edge_scores = [], [], []
    size = chunk_rows(n_m)
    for start in range(0, len(graduates), size):
        rows = np.arange(start, min(start + size, len(graduates)))
        if fitted:
            block = space.block(rows)
            score, _ = block_scores(block, model)
            score[~block.admissible] = INADMISSIBLE
        else:
            score = space.weighted_scores(rows)
        for row, g in enumerate(rows.tolist()):
            if g in banned_at:
                score[row, banned_at[g]] = INADMISSIBLE
        top = np.argpartition(score, n_m - wide, axis=1)[:, n_m - wide:] if wide < n_m else \
            np.broadcast_to(np.arange(n_m), (len(rows), n_m))
        top_scores = np.take_along_axis(score, top, axis=1)
        if space.about_dense and space.g_about_exact is not None and not fitted:  # exact about, as the dense path
            top_scores = top_scores + np.float32(WEIGHTS["about"]) * (
                space.exact_about_of_pairs(rows, top) - space.about_of_pairs(rows, top))
        keep = top_scores > INADMISSIBLE / 2
        edge_rows.append(np.broadcast_to(rows[:, None], top.shape)[keep])
        edge_cols.append(top[keep])
        edge_scores.append(np.clip(top_scores[keep], 0.0, 1.0))
    rows_e = np.concatenate(edge_rows) if edge_rows else np.zeros(0, dtype=np.int64)
    if not rows_e.size:
        return []
    cols_e = np.concatenate(edge_cols).astype(np.int64)
    scores_e = np.concatenate(edge_scores).astype(np.float64)
    # Places: a mentor's copies, no more than graduates who list them.
    copies = np.minimum(capacities, np.bincount(cols_e, minlength=n_m))
    first_place = np.concatenate([[0], np.cumsum(copies)[:-1]])
    repeats = copies[cols_e]
    edge = np.repeat(np.arange(len(cols_e)), repeats)
    offset = np.arange(len(edge)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    place_col = first_place[cols_e[edge]] + offset
    place_mentor = np.repeat(np.arange(n_m), copies)
    listed = np.unique(rows_e)  # graduates with at least one candidate
    row_of = np.full(len(graduates), -1, dtype=np.int64)
    row_of[listed] = np.arange(len(listed))
    n_places = int(copies.sum())
    big = float(min(len(listed), n_places) + 1)
    costs = 2.0 - scores_e[edge]
    grad_row = row_of[rows_e[edge]]
    # The smaller side are the rows, each with its own "left out" column: 10x+ faster than the other way
    # round when places are fewer than graduates (measured 1.0 s against 13 s at 10,000 x 2,500).
    if n_places <= len(listed):
        n_rows, rows, cols, n_cols = n_places, place_col, grad_row, len(listed)
    else:
        n_rows, rows, cols, n_cols = len(listed), grad_row, place_col, n_places
    matrix = csr_matrix((np.concatenate([costs, np.full(n_rows, big + 2)]),
                         (np.concatenate([rows, np.arange(n_rows)]), np.concatenate([cols, n_cols + np.arange(n_rows)]))),
                        shape=(n_rows, n_cols + n_rows))
    row_ind, col_ind = min_weight_full_bipartite_matching(matrix)
    real = col_ind < n_cols
    if n_places <= len(listed):
        places, graduates_ = row_ind[real], col_ind[real]
    else:
        graduates_, places = row_ind[real], col_ind[real]
    return sorted(zip(listed[graduates_].tolist(), place_mentor[places].tolist()))


def solve(scores: np.ndarray, admissible: np.ndarray, row_capacity: Sequence[int], col_capacity: Sequence[int],
          clashes: Iterable[Iterable[int]] = ()) -> list[tuple[int, int]]:
    """The exact best set of pairs (row, column) of any two sides, e.g. graduates x mentors, people x shifts.

    Lexicographic objective, as for ``assign``: first as many pairs as possible, then the largest
    total score. Each row takes at most ``row_capacity[r]`` columns, each column at most
    ``col_capacity[c]`` rows, only admissible pairs, and a row takes at most one column of each
    group in ``clashes`` (columns that clash with one another: shifts at the same time; pairs will
    do, the largest groups make the programme tighter and faster). With one column per row and no
    clashes this is a rectangular assignment (``linear_sum_assignment`` over columns repeated per
    place); otherwise an integer programme solved exactly by HiGHS (``scipy.optimize.milp``), one
    0/1 variable per admissible pair. Pairs come sorted.
    """
    scores = np.asarray(scores, dtype=np.float64)
    admissible = np.asarray(admissible, dtype=bool).copy()
    row_capacity = np.maximum(np.asarray(row_capacity, dtype=np.int64), 0)
    col_capacity = np.maximum(np.asarray(col_capacity, dtype=np.int64), 0)
    admissible &= (row_capacity[:, None] > 0) & (col_capacity[None, :] > 0)
    clashes = [sorted({int(c) for c in group}) for group in clashes]
    clashes = [group for group in clashes if len(group) > 1]
    if not admissible.any():
        return []
    if not clashes and (row_capacity[admissible.any(axis=1)] == 1).all():
        return _one_each(scores, admissible, col_capacity)
    return _integer_programme(scores, admissible, row_capacity, col_capacity, clashes)


def _one_each(scores: np.ndarray, admissible: np.ndarray, capacities: np.ndarray) -> list[tuple[int, int]]:
    rows = np.flatnonzero(admissible.any(axis=1))
    admissible = admissible[rows]
    scores = scores[rows]
    # More copies of a column than rows who may take them can never be used.
    copies = np.minimum(capacities, admissible.sum(axis=0))
    columns = np.repeat(np.arange(admissible.shape[1]), copies)
    big = float(len(rows) + 1)  # > any total score, since every score is <= 1
    cost = np.where(admissible[:, columns], -(big + scores[:, columns]), 0.0)
    row_ind, col_ind = linear_sum_assignment(cost)
    return sorted((int(rows[r]), int(columns[c])) for r, c in zip(row_ind.tolist(), col_ind.tolist())
                  if admissible[r, columns[c]])


def _integer_programme(scores: np.ndarray, admissible: np.ndarray, row_capacity: np.ndarray,
                       col_capacity: np.ndarray, clashes: list[list[int]]) -> list[tuple[int, int]]:
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    pairs = np.argwhere(admissible)  # one variable per admissible pair, in row-major order
    n = len(pairs)
    scores = np.clip(scores, 0.0, 1.0)
    big = float(min(n, int(col_capacity.sum())) + 1)  # one more pair beats any gain in total score
    objective = -(big + scores[pairs[:, 0], pairs[:, 1]])
    index = {(int(r), int(c)): i for i, (r, c) in enumerate(pairs.tolist())}
    rows, cols, upper = [], [], []

    def constraint(variables: list[int], limit: int) -> None:
        line = len(upper)
        rows.extend([line] * len(variables))
        cols.extend(variables)
        upper.append(limit)

    for r in np.unique(pairs[:, 0]).tolist():
        taken = np.flatnonzero(pairs[:, 0] == r).tolist()
        if len(taken) > row_capacity[r]:
            constraint(taken, int(row_capacity[r]))
        for group in clashes:
            variables = [index[(r, c)] for c in group if (r, c) in index]
            if len(variables) > 1:
                constraint(variables, 1)
    for c in np.unique(pairs[:, 1]).tolist():
        taken = np.flatnonzero(pairs[:, 1] == c).tolist()
        if len(taken) > col_capacity[c]:
            constraint(taken, int(col_capacity[c]))
    constraints = []
    if upper:
        matrix = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(upper), n)).tocsr()
        constraints.append(LinearConstraint(matrix, -np.inf, np.asarray(upper, dtype=np.float64)))
    found = milp(objective, integrality=np.ones(n), bounds=Bounds(0, 1), constraints=constraints,
                 options={"mip_rel_gap": 0.0, "presolve": False})  # presolve: 5-8x slower here
    if found.x is None:  # cannot happen: taking nothing is always feasible
        raise RuntimeError(f"the assignment could not be solved: {found.message}")
    chosen = np.flatnonzero(found.x > 0.5)
    return sorted((int(pairs[i, 0]), int(pairs[i, 1])) for i in chosen)


def _fixed(fixed: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    pairs = fixed.items() if isinstance(fixed, Mapping) else (fixed or ())
    out: dict[str, str] = {}
    for g_id, m_id in pairs:
        g_id, m_id = str(g_id), str(m_id)
        if out.get(g_id, m_id) != m_id:
            raise ValueError(f"graduate {g_id!r} is fixed to two mentors")
        out[g_id] = m_id
    return out
