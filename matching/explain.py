"""Scores and reasons of many given pairs at once (e.g. an assignment's), in the feature space ``suggest`` uses.

``suggest(k=1)`` per pair builds a feature space per call; a region's assignment of thousands of pairs
is explained here from one space over its graduates and its distinct mentors, block by block.
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Sequence

import numpy as np

from .features import FeatureSpace, Vocabulary
from .profiles import Profile, Suggestion
from .reasons import ReasonCache
from .scoring import SCORE_PLACES, WEIGHTS, block_scores, chunk_rows

if TYPE_CHECKING:
    from .model import DecisionModel


def explain_pairs(pairs: Sequence[tuple[Profile, Profile]], model: DecisionModel | None = None,
                  vocabulary: Vocabulary | None = None) -> list[Suggestion | None]:
    """For each (graduate, mentor): the pair's :class:`Suggestion` as ``suggest`` would score and explain it
    (the mentor with room for one), or None when the pair breaks a hard rule."""
    if not pairs:
        return []
    graduates = [g for g, _m in pairs]
    mentors: list[Profile] = []
    column: dict[str, int] = {}
    for _g, mentor in pairs:
        if mentor.id not in column:
            column[mentor.id] = len(mentors)
            mentors.append(dataclasses.replace(mentor, capacity=1))
    space = FeatureSpace(graduates, mentors, vocabulary=vocabulary)
    columns = np.array([column[m.id] for _g, m in pairs])
    reasons = ReasonCache(WEIGHTS)
    found: list[Suggestion | None] = []
    size = chunk_rows(len(mentors))
    for start in range(0, len(pairs), size):
        rows = np.arange(start, min(start + size, len(pairs)))
        block = space.block(rows)
        score, probability = block_scores(block, model)
        local = np.arange(len(rows))
        cols = columns[rows]
        admissible = block.admissible[local, cols].tolist()
        scores = np.clip(score[local, cols], 0.0, 1.0).tolist()
        about = block.about[local, cols].tolist()
        learned = probability[local, cols].tolist() if probability is not None else None
        for i, row in enumerate(rows.tolist()):
            if not admissible[i]:
                found.append(None)
                continue
            graduate, mentor = pairs[row][0], mentors[cols[i]]
            found.append(Suggestion(mentor.id, round(scores[i], SCORE_PLACES), reasons.for_pair(
                graduate, mentor, about[i], learned[i] if learned is not None else None)))
    return found
