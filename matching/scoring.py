"""Ranking mentors for graduates: the unsupervised score, the hard rules, top-k and reasons."""
from __future__ import annotations

import math
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import numpy as np

from .features import INADMISSIBLE, Block, FeatureSpace, Vocabulary
from .profiles import AREAS, Profile, Reason, Suggestion

AREA_BIT = {area: i for i, area in enumerate(AREAS)}

if TYPE_CHECKING:
    from .model import DecisionModel

#: Weights of the unsupervised score; they sum to 1 so the score stays in [0, 1].
#: Covering the graduate's needed areas weighs most: that is what a mentor is for.
WEIGHTS: dict[str, float] = {"cover": 0.40, "interests": 0.25, "about": 0.15, "same_municipality": 0.20}

#: Scores are rounded to this many places: the same pair shows the same number whichever way it was
#: scored (in a region's whole list or alone), float32 sums in another order differing by ~1e-7.
SCORE_PLACES = 4
#: About texts this similar (cosine of character n-gram TF-IDF) are worth a reason.
SIMILAR_ABOUT = 0.3
#: A learned probability at least this high is worth the "learned" reason.
LEARNED_REASON = 0.5
#: Cells (graduates x mentors) per block. Small blocks keep each temporary array under ~8 MB, which
#: the allocator reuses instead of mapping fresh pages per block: 3-4x faster on a country, and
#: memory stays bounded by a dozen such arrays whatever the population.
BLOCK_CELLS = 2_000_000
#: In the reduced about space, each graduate's best this many mentors are re-scored exactly.
RERANK = 50
#: Threads scoring blocks, and blocks in flight at most (memory: WINDOW blocks of BLOCK_CELLS cells).
WORKERS = 2
WINDOW = 4


def chunk_rows(n_mentors: int) -> int:
    """Graduates per block for this many mentors."""
    return max(16, min(4000, BLOCK_CELLS // max(n_mentors, 1)))


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


class _Reasons:
    """Builds reasons; identical reasons are shared objects (a country has millions of them).

    Treat a reason's ``params`` as read-only.
    """

    def __init__(self) -> None:
        self.cache: dict[tuple, Reason] = {}
        self.sets: dict[int, tuple[int, frozenset[str], Profile]] = {}
        self.cover_cache: dict[tuple[int, int], tuple[float, Reason]] = {}

    def reason(self, code: str, key: str, value: Any) -> Reason:
        cache_key = (code, tuple(value) if isinstance(value, list) else value)
        found = self.cache.get(cache_key)
        if found is None:
            found = self.cache[cache_key] = Reason(code, {key: value})
        return found

    def _profile(self, person: Profile) -> tuple[int, frozenset[str]]:
        """(bitmask of the person's areas, their interests as a set), once per profile object."""
        found = self.sets.get(id(person))
        if found is None:
            mask = 0
            for area in person.areas:
                mask |= 1 << AREA_BIT[area]
            found = self.sets[id(person)] = (mask, frozenset(person.interests), person)  # keeps id() unique
        return found

    def for_pair(self, graduate: Profile, mentor: Profile, about: float, probability: float | None) -> list[Reason]:
        """The reasons of one pair, from what actually contributed, biggest contribution first."""
        g_mask, _g_set, _ = self._profile(graduate)
        m_mask, m_set, _ = self._profile(mentor)
        found: list[tuple[float, Reason]] = []
        shared = g_mask & m_mask
        if shared:
            cover = self.cover_cache.get((shared, g_mask))
            if cover is None:
                areas = [a for a in graduate.areas if shared >> AREA_BIT[a] & 1]
                cover = self.cover_cache[(shared, g_mask)] = (
                    WEIGHTS["cover"] * len(areas) / len(graduate.areas), self.reason("covers_needs", "areas", areas))
            found.append(cover)
        if graduate.interests and m_set:
            items = [w for w in graduate.interests if w in m_set]
            if items:
                found.append((WEIGHTS["interests"] * len(items) / math.sqrt(len(graduate.interests) * len(m_set)),
                              self.reason("shared_interests", "items", items)))
        if graduate.municipality is not None and graduate.municipality == mentor.municipality:
            found.append((WEIGHTS["same_municipality"],
                          self.reason("same_municipality", "municipality", graduate.municipality)))
        if about >= SIMILAR_ABOUT:
            found.append((WEIGHTS["about"] * about, self.reason("similar_about", "similarity", round(about, 2))))
        if len(found) > 1:
            found.sort(key=_first_descending)
        reasons = [reason for _, reason in found]
        if probability is not None and probability >= LEARNED_REASON:
            reasons.append(self.reason("learned", "probability", round(probability, 2)))
        return reasons


def _first_descending(item: tuple[float, Reason]) -> float:
    return -item[0]


def reasons_for(graduate: Profile, mentor: Profile, about: float = 0.0,
                probability: float | None = None) -> list[Reason]:
    """The reasons of one pair: areas, interests and municipality from the profiles, the about
    similarity and the learned probability as computed by the scorer."""
    return _Reasons().for_pair(graduate, mentor, about, probability)


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
    result: dict[str, list[Suggestion]] = {g.id: [] for g in graduates}
    if not graduates or not mentors or k <= 0:
        return result
    space = FeatureSpace(graduates, mentors, vocabulary=vocabulary)
    if model is None or not getattr(model, "is_fitted", False):
        space.prepare_weighted(WEIGHTS)
    excluded = _excluded_indices(graduates, mentors, exclude)
    kk = min(k, len(mentors))
    size = chunk_size or chunk_rows(len(mentors))
    starts = range(0, len(graduates), size)
    reasons = _Reasons()

    def rank(start: int) -> tuple:
        return _rank_block(space, np.arange(start, min(start + size, len(graduates))), model, excluded, kk)

    # Blocks are scored in worker threads (numpy and BLAS release the GIL) while this thread builds
    # the suggestions of the previous blocks; at most WINDOW blocks are in flight, to bound memory.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        pending: deque = deque()
        for start in starts:
            pending.append(pool.submit(rank, start))
            if len(pending) >= WINDOW:
                _collect(pending.popleft().result(), graduates, mentors, result, reasons)
        while pending:
            _collect(pending.popleft().result(), graduates, mentors, result, reasons)
    return result


def _rank_block(space: FeatureSpace, rows: np.ndarray, model: Any, excluded: dict[int, list[int]],
                kk: int) -> tuple:
    """Top ``kk`` admissible mentors of a block of graduates, with what the reasons need."""
    n_m = len(space.mentors)
    if model is not None and getattr(model, "is_fitted", False):
        block = space.block(rows)
        score, probability = block_scores(block, model)
        score[~block.admissible] = INADMISSIBLE
    else:  # the same unsupervised score, without materialising each component
        score = space.weighted_scores(rows)
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
        about = np.take_along_axis(exact_about, order, axis=1).tolist()
    else:
        about = space.about_of_pairs(rows, top).tolist()
    learned = np.take_along_axis(probability, top, axis=1).tolist() if probability is not None else None
    return rows.tolist(), top.tolist(), top_scores.tolist(), about, learned


def _collect(ranked: tuple, graduates: list[Profile], mentors: list[Profile],
             result: dict[str, list[Suggestion]], reasons: _Reasons) -> None:
    rows, top_list, score_list, about, learned = ranked
    for row, g_index in enumerate(rows):
        graduate = graduates[g_index]
        items = result[graduate.id]
        for i, (col, value) in enumerate(zip(top_list[row], score_list[row])):
            if value < 0:
                break
            mentor = mentors[col]
            items.append(Suggestion(mentor.id, round(value, SCORE_PLACES), reasons.for_pair(
                graduate, mentor, about[row][i], learned[row][i] if learned is not None else None)))


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
