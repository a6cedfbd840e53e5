"""``explain_pairs`` scores and explains given pairs as ``suggest`` does, from one feature space for all."""
from __future__ import annotations

import dataclasses

import pytest

from matching import Vocabulary, suggest, synthetic_population
from matching.explain import explain_pairs


@pytest.mark.parametrize("shared_vocabulary", [False, True])
def test_each_pair_as_suggest_would_score_and_explain_it(shared_vocabulary):
    graduates, mentors, _ = synthetic_population(60, 25, seed=3)
    pairs = [(g, mentors[i % len(mentors)]) for i, g in enumerate(graduates)]
    vocabulary = Vocabulary(graduates + mentors) if shared_vocabulary else None
    if vocabulary is None:  # without a population's space, suggest fits on its call: give it the same profiles
        vocabulary = Vocabulary([g for g, _m in pairs] + list({m.id: m for _g, m in pairs}.values()))
    found = explain_pairs(pairs, vocabulary=vocabulary)
    broken = 0
    for (graduate, mentor), explained in zip(pairs, found):
        alone = suggest([graduate], [dataclasses.replace(mentor, capacity=1)], k=1, vocabulary=vocabulary)
        expected = next(iter(alone[graduate.id]), None)
        if expected is None:
            assert explained is None
            broken += 1
            continue
        assert explained.mentor_id == mentor.id
        assert explained.score == pytest.approx(expected.score, abs=2e-4)
        assert [(r.code, r.params) for r in explained.reasons] == [(r.code, r.params) for r in expected.reasons]
    assert 0 < broken < len(pairs)  # some pairs break a hard rule (language, preferred gender), most do not


def test_no_pairs_nothing_to_explain():
    assert explain_pairs([]) == []
