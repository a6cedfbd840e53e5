"""Ranking mentors for graduates: the unsupervised score, the hard rules, top-k and reasons."""
from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import numpy as np

from .features import INADMISSIBLE, Block, FeatureSpace, Vocabulary
from .gc_paused import gc_paused
from .profiles import Profile, Reason, Suggestion
from .reasons import LEARNED_REASON, SIMILAR_ABOUT, PairReasons, ReasonCache  # noqa: F401 (re-exported)
from .threads import one_blas_thread

if TYPE_CHECKING:
    from .model import DecisionModel

#: Weights of the unsupervised score; they sum to 1 so the score stays in [0, 1].
#: Covering the graduate's needed areas weighs most: that is what a mentor is for.
WEIGHTS: dict[str, float] = {"cover": 0.40, "interests": 0.25, "about": 0.15, "same_municipality": 0.20}

#: Scores are rounded to this many places: the same pair shows the same number whichever way it was
#: scored (in a region's whole list or alone), float32 sums in another order differing by ~1e-7.
SCORE_PLACES = 4
#: Cells (graduates x mentors) per block. Small blocks keep each temporary array under ~8 MB, which
#: the allocator reuses instead of mapping fresh pages per block: 3-4x faster on a country, and
#: memory stays bounded by a dozen such arrays whatever the population.
BLOCK_CELLS = 2_000_000
#: In the reduced about space, each graduate's best this many mentors are re-scored exactly.
RERANK = 50
#: Threads scoring blocks, and blocks in flight at most (memory: WINDOW blocks of BLOCK_CELLS cells).
WORKERS = 2
WINDOW = 4
#: A region's call is cut into blocks of at least this many graduates (below it, one block: threads cost more).
PARALLEL_MIN_ROWS = 256
#: Up to this k, each row's best k are found by k vectorised argmax passes over the block (see top_k).
ARGMAX_TOP_K = 16


def chunk_rows(n_mentors: int) -> int:
    """Graduates per block for this many mentors."""
    return max(16, min(4000, BLOCK_CELLS // max(n_mentors, 1)))


def parallel_rows(n_graduates: int, n_mentors: int) -> int:
    """Graduates per block of ``suggest``: chunk_rows, but a region's call is cut into a few blocks too,
    so that every worker has one and this thread turns the first into suggestions while the others are
    scored (one block would leave a core idle and nothing to overlap)."""
    share = -(-n_graduates // (2 * WORKERS))
    return min(chunk_rows(n_mentors), max(PARALLEL_MIN_ROWS, share))


def top_k(score: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Columns of each row's ``k`` largest scores, best first, equal scores in column order; and those scores.

    Why not ``np.argpartition``: at a region's size (600 mentors, k = 5) its selection row by row took ten
    times as long as k passes of ``argmax`` over the whole block (each a vectorised scan), and among equal
    scores it keeps whichever its pivots leave; ``argmax`` takes the first, so the result is the one a
    stable sort of each row would give. Overwrites the chosen cells of ``score`` (with -inf).
    """
    n_rows = score.shape[0]
    top = np.empty((n_rows, k), dtype=np.intp)
    top_scores = np.empty((n_rows, k), dtype=score.dtype)
    every_row = np.arange(n_rows)
    for place in range(k):
        best = score.argmax(axis=1)
        top[:, place] = best
        top_scores[:, place] = score[every_row, best]
        score[every_row, best] = -np.inf
    return top, top_scores


def unsupervised_score(block: Block) -> np.ndarray:
    """Weighted sum of the components, in [0, 1] (chunk x n_mentors, float32)."""
    score = np.multiply(block.cover, np.float32(WEIGHTS["cover"]))
    tmp = np.empty_like(score)
    for name in ("interests", "about"):
        np.multiply(getattr(block, name), np.float32(WEIGHTS[name]), out=tmp)
        score += tmp
    np.add(score, np.float32(WEIGHTS["same_municipality"]), out=score, where=block.same_municipality)
    np.clip(score, 0.0, 1.0, out=score)
    return score


def block_scores(block: Block, model: DecisionModel | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Final scores of a block and the model's probabilities (None without a fitted model).

    With a fitted model the final score blends: ``(1 - model.weight) * score + model.weight * p``.
    """
    score = unsupervised_score(block)
    if model is None or not getattr(model, "is_fitted", False):
        return score, None
    probability = model.probability(block)
    weight = np.float32(model.weight)
    score *= 1 - weight
    score += weight * probability
    np.clip(score, 0.0, 1.0, out=score)
    return score, probability


def reasons_for(graduate: Profile, mentor: Profile, about: float = 0.0,
                probability: float | None = None) -> list[Reason]:
    """The reasons of one pair: areas, interests and municipality from the profiles, the about
    similarity and the learned probability as computed by the scorer."""
    return ReasonCache(WEIGHTS).for_pair(graduate, mentor, about, probability)


def suggest(graduates: Sequence[Profile], mentors: Sequence[Profile], k: int = 5,
            model: DecisionModel | None = None, exclude: Iterable[tuple[str, str]] = (), chunk_size: int | None = None,
            vocabulary: Vocabulary | None = None) -> dict[str, list[Suggestion]]:
    """Up to ``k`` mentors per graduate, best first, never one that breaks a hard rule.

    Hard rules: the graduate's ``prefers_gender``, at least one shared language, and the mentor
    has room (``capacity > 0``). ``exclude`` holds (graduate id, mentor id) pairs never to suggest
    (e.g. rejected earlier). ``model`` is a fitted :class:`matching.model.DecisionModel` to
    re-rank with coordinators' decisions; an unfitted one changes nothing. Every graduate id is
    a key of the result (an empty list when no mentor is admissible). ``vocabulary``: the population's
    fitted :class:`matching.Vocabulary`, so that a pair scores the same whoever else is in the call.
    """
    graduates, mentors = list(graduates), list(mentors)
    if not graduates or not mentors or k <= 0:
        return {g.id: [] for g in graduates}
    with gc_paused():
        return _suggest(graduates, mentors, k, model, exclude, chunk_size, vocabulary)


def _suggest(graduates: list[Profile], mentors: list[Profile], k: int, model: DecisionModel | None,
             exclude: Iterable[tuple[str, str]], chunk_size: int | None,
             vocabulary: Vocabulary | None) -> dict[str, list[Suggestion]]:
    result: dict[str, list[Suggestion]] = {g.id: [] for g in graduates}
    space = FeatureSpace(graduates, mentors, vocabulary=vocabulary)
    if model is None or not getattr(model, "is_fitted", False):
        space.prepare_weighted(WEIGHTS)
    excluded = _excluded_indices(graduates, mentors, exclude)
    kk = min(k, len(mentors))
    size = chunk_size or parallel_rows(len(graduates), len(mentors))
    starts = range(0, len(graduates), size)
    parallel = len(starts) > 1 and WORKERS > 1
    explaining: Future = Future()  # the pairs' reasons need PairReasons, made while the first blocks are scored

    def rank(start: int) -> tuple:
        with one_blas_thread(parallel):
            return _rank_block(space, np.arange(start, min(start + size, len(graduates))), model, excluded, kk,
                               explaining)

    # Blocks are scored in worker threads (numpy and BLAS release the GIL) while this thread builds
    # the suggestions of the previous blocks; at most WINDOW blocks are in flight, to bound memory.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        pending: deque = deque(pool.submit(rank, start) for start in starts[:WINDOW])
        try:
            explaining.set_result(PairReasons(graduates, mentors, space.g_municipality, space.m_municipality,
                                              WEIGHTS))
        except BaseException as error:  # the workers waiting for it fail with it instead of waiting forever
            explaining.set_exception(error)
            raise
        explain, cache, mentor_ids = explaining.result(), ReasonCache(WEIGHTS), [m.id for m in mentors]
        for start in starts[WINDOW:]:
            _collect(pending.popleft().result(), graduates, mentor_ids, result, explain, cache)
            pending.append(pool.submit(rank, start))
        while pending:
            _collect(pending.popleft().result(), graduates, mentor_ids, result, explain, cache)
    return result


def _rank_block(space: FeatureSpace, rows: np.ndarray, model: Any, excluded: dict[int, list[int]],
                kk: int, explaining: Future) -> tuple:
    """Top ``kk`` admissible mentors of a block of graduates, with the numeric part of their reasons."""
    n_m = len(space.mentors)
    if model is not None and getattr(model, "is_fitted", False):
        block = space.block(rows)
        score, probability = block_scores(block, model)
        score[~block.admissible] = INADMISSIBLE
        block_about = block.about
    else:  # the same unsupervised score, without materialising each component
        score, block_about = space.weighted_scores_and_about(rows)
        probability = None
    if excluded:
        for row, g_index in enumerate(rows.tolist()):
            cols = excluded.get(g_index)
            if cols:
                score[row, cols] = INADMISSIBLE
    exact_about = None
    if space.about_dense and space.g_about_exact is not None and probability is None:
        # Reduced about space: the best candidates by the reduced score, re-scored with the exact TF-IDF.
        wide = min(n_m, max(RERANK, 2 * kk))
        top = np.argpartition(score, n_m - wide, axis=1)[:, n_m - wide:] if wide < n_m else \
            np.broadcast_to(np.arange(n_m), (len(rows), n_m))
        top_scores = np.take_along_axis(score, top, axis=1)
        exact_about = space.exact_about_of_pairs(rows, top)
        top_scores = top_scores + np.float32(WEIGHTS["about"]) * (exact_about - space.about_of_pairs(rows, top))
        if kk < wide:
            keep = np.argpartition(top_scores, wide - kk, axis=1)[:, wide - kk:]
            top = np.take_along_axis(top, keep, axis=1)
            top_scores = np.take_along_axis(top_scores, keep, axis=1)
            exact_about = np.take_along_axis(exact_about, keep, axis=1)
    elif kk <= ARGMAX_TOP_K and kk < n_m:
        top, top_scores = top_k(score, kk)
    elif kk < n_m:
        top = np.argpartition(score, n_m - kk, axis=1)[:, n_m - kk:]
        top_scores = np.take_along_axis(score, top, axis=1)
    else:
        top = np.broadcast_to(np.arange(n_m), (len(rows), n_m))
        top_scores = np.take_along_axis(score, top, axis=1)
    order = np.argsort(-top_scores, axis=1, kind="stable")
    top = np.take_along_axis(top, order, axis=1)
    top_scores = np.take_along_axis(top_scores, order, axis=1)
    admitted = top_scores > INADMISSIBLE / 2
    np.clip(top_scores, 0.0, 1.0, out=top_scores)
    top_scores[~admitted] = -1.0
    if exact_about is not None:
        about = np.take_along_axis(exact_about, order, axis=1)
    elif block_about is not None:
        about = np.take_along_axis(block_about, top, axis=1)
    else:
        about = space.about_of_pairs(rows, top)
    learned = np.take_along_axis(probability, top, axis=1) if probability is not None else None
    # Admissible pairs come first in each row (sorted by score); the reasons of those pairs only.
    counts = admitted.sum(axis=1)
    pair_rows = np.repeat(rows, counts)
    pair_cols = top[admitted]
    numbers = explaining.result().numbers(pair_rows, pair_cols, about[admitted],
                                          learned[admitted] if learned is not None else None)
    scores = np.round(top_scores[admitted].astype(np.float64), SCORE_PLACES)
    return rows.tolist(), counts.tolist(), pair_cols.tolist(), scores.tolist(), numbers


def _collect(ranked: tuple, graduates: list[Profile], mentor_ids: list[str],
             result: dict[str, list[Suggestion]], explain: PairReasons, cache: ReasonCache) -> None:
    """The suggestions of a ranked block. Scores: float32 values are exact in float64 and their product
    by 10 ** SCORE_PLACES too, so numpy's rounding is Python's ``round``."""
    rows, counts, cols, scores, numbers = ranked
    made = list(map(Suggestion, [mentor_ids[c] for c in cols], scores, explain.lists(numbers, cache)))
    at = 0
    for g_index, count in zip(rows, counts):
        if count:
            result[graduates[g_index].id].extend(made[at:at + count])
            at += count


def _excluded_indices(graduates: list[Profile], mentors: list[Profile],
                      pairs: Iterable[tuple[str, str]]) -> dict[int, list[int]]:
    g_index = {g.id: i for i, g in enumerate(graduates)}
    m_index = {m.id: i for i, m in enumerate(mentors)}
    out: dict[int, list[int]] = {}
    for g_id, m_id in pairs or ():
        gi, mi = g_index.get(str(g_id)), m_index.get(str(m_id))
        if gi is not None and mi is not None:
            out.setdefault(gi, []).append(mi)
    return out
