"""Reasons of suggested pairs, built from the components the scorer already has.

Why a module of its own: a country call returns a million suggestions, and building each pair's
reasons in Python (sets, sorts, a dict per pair) was three quarters of ``suggest``. Here the
per-pair part is numpy over all the pairs of a block at once (shared areas as bit masks, shared
interests as a sparse product, contributions sorted in one stable argsort); Python only turns the
few distinct reasons into :class:`Reason` objects and slices each pair's list. The result is the
same as :meth:`ReasonCache.for_pair`, the straightforward per-pair path kept for single pairs and as
the reference the tests compare against.
"""
from __future__ import annotations

import math
from itertools import chain
from typing import Any, Sequence

import numpy as np
from scipy import sparse

from .profiles import AREAS, Profile, Reason

AREA_BIT = {area: i for i, area in enumerate(AREAS)}
#: About texts this similar (cosine of character n-gram TF-IDF) are worth a reason.
SIMILAR_ABOUT = 0.3
#: A learned probability at least this high is worth the "learned" reason.
LEARNED_REASON = 0.5
#: Shared interests are found as a bit mask of the graduate's interest positions, summed exactly in
#: float64: graduates with more interests than this take the per-pair path.
MASK_BITS = 52
_POPCOUNT = np.array([bin(i).count("1") for i in range(1 << len(AREAS))], dtype=np.int64)


def _first_descending(item: tuple[float, Reason]) -> float:
    return -item[0]


#: Reasons already made, shared by every call (a region's board asks for the same reasons again and
#: again: making each Reason's English text is most of what a call's few hundred new reasons cost).
#: Emptied when it holds this many.
KNOWN_REASONS_MAX = 200_000
_known_reasons: dict[tuple, Reason] = {}


class ReasonCache:
    """Builds reasons; identical reasons are shared objects (a country has millions of them), within
    a call and across calls.

    Treat a reason's ``params`` as read-only.
    """

    def __init__(self, weights: dict[str, float]) -> None:
        self.weights = weights
        if len(_known_reasons) >= KNOWN_REASONS_MAX:
            _known_reasons.clear()
        self.cache: dict[tuple, Reason] = _known_reasons
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
            found = self.sets[id(person)] = (area_mask(person), frozenset(person.interests), person)  # keeps id()
        return found

    def for_pair(self, graduate: Profile, mentor: Profile, about: float,
                 probability: float | None) -> list[Reason]:
        """The reasons of one pair, from what actually contributed, biggest contribution first."""
        weights = self.weights
        g_mask, _g_set, _ = self._profile(graduate)
        m_mask, m_set, _ = self._profile(mentor)
        found: list[tuple[float, Reason]] = []
        shared = g_mask & m_mask
        if shared:
            cover = self.cover_cache.get((shared, g_mask))
            if cover is None:
                areas = [a for a in graduate.areas if shared >> AREA_BIT[a] & 1]
                cover = self.cover_cache[(shared, g_mask)] = (weights["cover"] * len(areas) / len(graduate.areas),
                                                              self.reason("covers_needs", "areas", areas))
            found.append(cover)
        if graduate.interests and m_set:
            items = [w for w in graduate.interests if w in m_set]
            if items:
                found.append((weights["interests"] * len(items) / math.sqrt(len(graduate.interests) * len(m_set)),
                              self.reason("shared_interests", "items", items)))
        if graduate.municipality is not None and graduate.municipality == mentor.municipality:
            found.append((weights["same_municipality"],
                          self.reason("same_municipality", "municipality", graduate.municipality)))
        if about >= SIMILAR_ABOUT:
            found.append((weights["about"] * about, self.reason("similar_about", "similarity", round(about, 2))))
        if len(found) > 1:
            found.sort(key=_first_descending)
        reasons = [reason for _, reason in found]
        if probability is not None and probability >= LEARNED_REASON:
            reasons.append(self.reason("learned", "probability", round(probability, 2)))
        return reasons

    def covers(self, shared: int) -> Reason:
        return self.reason("covers_needs", "areas", [a for a in AREAS if shared >> AREA_BIT[a] & 1])

    def rounded(self, code: str, key: str, values: np.ndarray) -> list[Reason]:
        """One reason per value, its param rounded to 2 places by Python's ``round`` (as ``for_pair``)."""
        return [self.reason(code, key, round(value, 2)) for value in values.tolist()]


def area_mask(person: Profile) -> int:
    mask = 0
    for area in person.areas:
        mask |= 1 << AREA_BIT[area]
    return mask


def area_masks(people: Sequence[Profile]) -> np.ndarray:
    """area_mask of each person, at once (a person's areas have no repeats, so bits add up)."""
    lengths = np.fromiter(map(len, (p.areas for p in people)), dtype=np.int64, count=len(people))
    bits = np.fromiter(map(AREA_BIT.__getitem__, chain.from_iterable(p.areas for p in people)), dtype=np.int64,
                       count=int(lengths.sum()))
    owners = np.repeat(np.arange(len(people), dtype=np.int64), lengths)
    return np.bincount(owners, weights=np.left_shift(1, bits).astype(np.float64),
                       minlength=len(people)).astype(np.int64)


class PairReasons:
    """What the reasons of many pairs need, vectorised once per call (graduates x mentors)."""

    def __init__(self, graduates: Sequence[Profile], mentors: Sequence[Profile], g_municipality: np.ndarray,
                 m_municipality: np.ndarray, weights: dict[str, float]) -> None:
        self.graduates, self.mentors = graduates, mentors
        self.weights = weights
        self.g_areas, self.m_areas = area_masks(graduates), area_masks(mentors)
        self.g_n_areas = _POPCOUNT[self.g_areas]
        self.g_municipality, self.m_municipality = g_municipality, m_municipality
        self.g_n_interests = np.array([len(p.interests) for p in graduates], dtype=np.int64)
        self.m_n_interests = np.array([len(p.interests) for p in mentors], dtype=np.int64)
        self.g_too_many = self.g_n_interests > MASK_BITS
        # Graduates: 2 ** (position in their own list), so a row of the product is the mask of the
        # graduate's shared interests in their own order; mentors: plain multi-hot. Words are numbered
        # in order of first use by a graduate; the word at position p of graduate i's list is
        # g_words[g_start[i] + p] (the first MASK_BITS of them).
        g_lists = [p.interests[:MASK_BITS] for p in graduates]
        g_lengths = np.fromiter(map(len, g_lists), dtype=np.int64, count=len(g_lists))
        flat = list(chain.from_iterable(g_lists))
        self.words = list(dict.fromkeys(flat))
        index = dict(zip(self.words, range(len(self.words))))
        self.g_words = np.fromiter(map(index.__getitem__, flat), dtype=np.int64, count=len(flat))
        self.g_start = np.concatenate([[0], np.cumsum(g_lengths)[:-1]]).astype(np.int64)
        g_rows = np.repeat(np.arange(len(graduates), dtype=np.int64), g_lengths)
        positions = np.arange(len(flat), dtype=np.int64) - self.g_start[g_rows] if len(flat) else g_rows
        m_lengths = np.fromiter((len(p.interests) for p in mentors), dtype=np.int64, count=len(mentors))
        m_columns = np.fromiter((index.get(word, -1) for p in mentors for word in p.interests), dtype=np.int64,
                                count=int(m_lengths.sum()))
        m_rows = np.repeat(np.arange(len(mentors), dtype=np.int64), m_lengths)
        known = m_columns >= 0
        width = max(len(self.words), 1)
        self.g_interests = sparse.csr_matrix((np.exp2(positions.astype(np.float64)), (g_rows, self.g_words)),
                                             shape=(len(graduates), width))
        self.m_interests = sparse.csr_matrix((np.ones(int(known.sum()), dtype=np.float64),
                                              (m_rows[known], m_columns[known])), shape=(len(mentors), width))

    def numbers(self, g: np.ndarray, m: np.ndarray, about: np.ndarray, probability: np.ndarray | None) -> dict:
        """The numeric part for pairs (g[i], m[i]): what contributed, how much, in which order.

        Runs in the scoring threads (numpy only, no Python objects per pair).
        """
        weights = self.weights
        shared_areas = self.g_areas[g] & self.m_areas[m]
        n_shared = _POPCOUNT[shared_areas]
        if len(g):
            masks = np.asarray(self.g_interests[g].multiply(self.m_interests[m]).sum(axis=1)).ravel()
        else:
            masks = np.zeros(0)
        masks = masks.astype(np.int64)
        n_items = _popcount64(masks)
        same_place = (self.g_municipality[g] == self.m_municipality[m]) & (self.g_municipality[g] >= 0)
        about_float32 = np.asarray(about).dtype == np.float32
        about = np.asarray(about, dtype=np.float64)
        similar = about >= SIMILAR_ABOUT
        present = np.stack([n_shared > 0, n_items > 0, same_place, similar], axis=1)
        contribution = np.zeros(present.shape, dtype=np.float64)
        n_areas = np.maximum(self.g_n_areas[g], 1)
        contribution[:, 0] = weights["cover"] * n_shared / n_areas
        sizes = np.maximum(self.g_n_interests[g] * self.m_n_interests[m], 1).astype(np.float64)
        contribution[:, 1] = weights["interests"] * n_items / np.sqrt(sizes)
        contribution[:, 2] = weights["same_municipality"]
        contribution[:, 3] = weights["about"] * about
        keys = np.where(present, -contribution, np.inf)
        # Place of each reason in the pair's list: a stable sort of 4 keys, as ranks (16 comparisons).
        rank = np.zeros(keys.shape, dtype=np.int64)
        for i in range(4):
            for j in range(4):
                if j < i:
                    rank[:, i] += keys[:, j] <= keys[:, i]
                elif j > i:
                    rank[:, i] += keys[:, j] < keys[:, i]
        learned = (np.asarray(probability, dtype=np.float64) >= LEARNED_REASON if probability is not None
                   else np.zeros(len(g), dtype=bool))
        # The distinct reasons, kind by kind, as a table; each pair's reasons as ids into it.
        ids = np.full((len(g), 5), -1, dtype=np.int64)
        # Covered areas: one reason per distinct shared mask.
        areas, area_of = np.unique(shared_areas[present[:, 0]], return_inverse=True)
        ids[present[:, 0], 0] = area_of.ravel()
        at = len(areas)
        # Shared interests: the graduate's words whose bits are set, in the graduate's order; pairs
        # sharing the same words (few distinct lists for thousands of pairs) share one reason.
        combos, combo_of = _distinct_rows(self._shared_words(g[present[:, 1]], masks[present[:, 1]]),
                                          len(self.words))
        ids[present[:, 1], 1] = at + combo_of
        at += len(combos)
        # Same municipality: one reason per municipality (named as the first graduate with it names it).
        same = present[:, 2]
        codes, first, code_of = np.unique(self.g_municipality[g][same], return_index=True, return_inverse=True)
        ids[same, 2] = at + code_of.ravel()
        at += len(codes)
        abouts, about_of = np.unique(_two_places(about[similar], about_float32), return_inverse=True)
        ids[similar, 3] = at + about_of.ravel()
        at += len(abouts)
        placed = np.empty((len(g), 4), dtype=np.int64)
        np.put_along_axis(placed, rank, ids[:, :4], axis=1)
        ids[:, :4] = placed
        if probability is not None:
            float32 = np.asarray(probability).dtype == np.float32
            probabilities, probability_of = np.unique(
                _two_places(np.asarray(probability, dtype=np.float64)[learned], float32), return_inverse=True)
            ids[learned, 4] = at + probability_of.ravel()
        else:
            probabilities = np.zeros(0)
        # Each pair's ids, present ones first, and the pairs grouped by their number of reasons.
        valid = ids >= 0
        counts = valid.sum(axis=1)
        ids = np.take_along_axis(ids, np.argsort(~valid, axis=1, kind="stable"), axis=1)
        groups = [(count, chosen) for count in range(ids.shape[1] + 1)
                  if (chosen := np.flatnonzero(counts == count)).size]
        return {"g": g, "m": m, "ids": ids, "groups": groups, "areas": areas, "combos": combos,
                "places": g[same][first], "abouts": abouts, "probabilities": probabilities,
                "fallback": np.flatnonzero(self.g_too_many[g]), "about": about, "probability": probability}

    def lists(self, numbers: dict, cache: ReasonCache) -> list[list[Reason]]:
        """Each pair's reasons, best first: the same lists as ``cache.for_pair``, shared Reason objects.

        Only this part makes Python objects (the few distinct reasons, then each pair's list)."""
        n = len(numbers["g"])
        if not n:
            return []
        table: list[Reason] = [cache.covers(int(mask)) for mask in numbers["areas"].tolist()]
        known, words = cache.cache, self.words
        for combo in numbers["combos"].tolist():
            items = tuple([words[w] for w in combo if w >= 0])
            found = known.get(("shared_interests", items))
            table.append(found if found is not None else cache.reason("shared_interests", "items", list(items)))
        graduates = self.graduates
        table.extend(cache.reason("same_municipality", "municipality", graduates[index].municipality)
                     for index in numbers["places"].tolist())
        table.extend(cache.rounded("similar_about", "similarity", numbers["abouts"]))
        table.extend(cache.rounded("learned", "probability", numbers["probabilities"]))
        # Per number of reasons, one 2-d object array whose tolist() makes all those pairs' lists at once.
        objects = np.empty(len(table), dtype=object)
        objects[:] = table
        ids = numbers["ids"]
        out: list = [None] * n
        for count, chosen in numbers["groups"]:
            made = objects[ids[chosen, :count]].tolist() if count else [[] for _ in range(chosen.size)]
            for i, reasons in zip(chosen.tolist(), made):
                out[i] = reasons
        probability = numbers["probability"]
        for i in numbers["fallback"].tolist():
            out[i] = cache.for_pair(graduates[int(numbers["g"][i])], self.mentors[int(numbers["m"][i])],
                                    float(numbers["about"][i]),
                                    float(probability[i]) if probability is not None else None)
        return out

    def _shared_words(self, graduates: np.ndarray, masks: np.ndarray) -> np.ndarray:
        """For graduates and their shared-interests masks: the word ids of the mask's bits, lowest bit first
        (the graduate's order), padded with -1 (a row per pair, as many columns as the most bits set)."""
        if not len(graduates):
            return np.zeros((0, 1), dtype=np.int64)
        start, rest = self.g_start[graduates], masks.copy()
        columns = []
        while rest.any():
            lowest = rest & -rest
            position = np.log2(np.maximum(lowest, 1)).astype(np.int64)  # exact: powers of two below 2 ** 53
            columns.append(np.where(lowest > 0, self.g_words[np.minimum(start + position, len(self.g_words) - 1)], -1))
            rest ^= lowest
        return np.stack(columns, axis=1)


def _distinct_rows(rows: np.ndarray, n_values: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of small non-negative ids padded with -1, and each row's index among them.

    Why not ``np.unique(axis=0)``: it sorts the rows as opaque bytes holding the GIL, which stalled the
    other scoring thread; rows that fit are packed into one int64 each (ids + 1 as digits) instead."""
    bits = max(int(n_values + 1).bit_length(), 1)
    if rows.shape[1] * bits > 62:
        distinct, of = np.unique(rows, axis=0, return_inverse=True)
        return distinct, of.ravel()
    keys = np.zeros(len(rows), dtype=np.int64)
    for column in range(rows.shape[1]):
        keys = (keys << bits) | (rows[:, column] + 1)
    _, first, of = np.unique(keys, return_index=True, return_inverse=True)
    return rows[first], of.ravel()


def _two_places(values: np.ndarray, from_float32: bool) -> np.ndarray:
    """Values rounded to 2 places as Python's ``round`` does. A float32 value times 100 is exact in float64,
    so numpy's rint-based rounding gives the same (half to even on the exact value); other values are left as
    they are, to be rounded one distinct value at a time by ``ReasonCache.rounded``."""
    return np.round(values, 2) if from_float32 else values


def _popcount64(values: np.ndarray) -> np.ndarray:
    """Set bits of non-negative int64 values below 2 ** 53."""
    count = np.zeros(values.shape, dtype=np.int64)
    rest = values.copy()
    while True:
        nonzero = rest != 0
        if not nonzero.any():
            return count
        count += nonzero
        rest &= rest - 1
