"""The vectorised reasons of ``suggest`` against the straightforward path: every pair scored, sorted, and its
reasons built one pair at a time by ``reasons_for`` (the per-pair code ``suggest`` used before)."""
from __future__ import annotations

import random

import numpy as np
import pytest

from matching import AREAS, WEIGHTS, DecisionModel, Profile, suggest
from matching.evaluate import harder_population, synthetic_population
from matching.features import INADMISSIBLE, FeatureSpace
from matching.scoring import block_scores, reasons_for

from .helpers import random_population
from .test_model import municipality_decisions


def straightforward(graduates, mentors, k, model=None, exclude=()):
    """graduate id -> [(score, mentor id, reasons)], best first, from the whole score matrix."""
    space = FeatureSpace(graduates, mentors)
    rows = np.arange(len(graduates))
    if model is not None:
        block = space.block(rows)
        score, probability = block_scores(block, model)
        score[~block.admissible] = INADMISSIBLE
    else:
        space.prepare_weighted(WEIGHTS)
        score, probability = space.weighted_scores(rows), None
    index = {m.id: j for j, m in enumerate(mentors)}
    for g_id, m_id in exclude:
        score[[g.id for g in graduates].index(g_id), index[m_id]] = INADMISSIBLE
    out = {}
    for i, g in enumerate(graduates):
        found = []
        for j in np.argsort(-score[i], kind="stable")[:k]:
            if score[i, j] <= INADMISSIBLE / 2:
                break
            about = float(space.about_of_pairs(np.array([i]), np.array([[j]]))[0, 0])
            learned = float(probability[i, j]) if probability is not None else None
            found.append((round(float(np.clip(score[i, j], 0, 1)), 4), mentors[j].id,
                          reasons_for(g, mentors[j], about, learned)))
        out[g.id] = found
    return out


def assert_same(found, expected):
    for g_id, reference in expected.items():
        got = found[g_id]
        assert [s.score for s in got] == [score for score, _, _ in reference]
        last = reference[-1][0] if reference else None
        # Equal scores come in either order, and mentors tied at the k-th score may be any of the tied ones.
        assert sorted((s.score, s.mentor_id) for s in got if s.score != last) == \
            sorted((score, m) for score, m, _ in reference if score != last)
        by_mentor = {m: reasons for _, m, reasons in reference}
        for s in got:
            if s.mentor_id in by_mentor:
                reasons = by_mentor[s.mentor_id]
                assert [(r.code, r.params, str(r)) for r in s.reasons] == \
                    [(r.code, r.params, str(r)) for r in reasons]


@pytest.mark.parametrize("seed", range(4))
def test_reasons_equal_the_per_pair_path_on_random_populations(seed):
    graduates, mentors = random_population(seed, 60, 40)
    found = suggest(graduates, mentors, k=7, chunk_size=16)
    assert_same(found, straightforward(graduates, mentors, 7))
    assert any(len(s.reasons) >= 3 for v in found.values() for s in v)


@pytest.mark.parametrize("make", [synthetic_population, harder_population])
def test_reasons_equal_the_per_pair_path_on_the_evaluation_populations(make):
    graduates, mentors, _ = make(150, 60, seed=2)
    found = suggest(graduates, mentors, k=5)
    assert_same(found, straightforward(graduates, mentors, 5))
    codes = {r.code for v in found.values() for s in v for r in s.reasons}
    assert {"covers_needs", "shared_interests", "same_municipality"} <= codes
    assert make is harder_population or "similar_about" in codes  # Zipf texts are rarely that similar


def test_reasons_equal_the_per_pair_path_with_a_model_and_exclusions():
    model = DecisionModel().fit(municipality_decisions())
    assert model.is_fitted
    graduates, mentors = random_population(7, 50, 30)
    exclude = [(g.id, m.id) for g, m in zip(graduates[::3], mentors[::2])]
    found = suggest(graduates, mentors, k=6, model=model, exclude=exclude)
    assert_same(found, straightforward(graduates, mentors, 6, model=model, exclude=exclude))
    assert any(r.code == "learned" for v in found.values() for s in v for r in s.reasons)
    assert not any((g, s.mentor_id) in set(exclude) for g, v in found.items() for s in v)


def test_graduates_with_more_interests_than_the_mask_holds():
    """Past 52 interests the shared ones are found one pair at a time; the order is still the graduate's."""
    words = [f"w{i}" for i in range(70)]
    rnd = random.Random(1)
    graduates = [Profile(id=f"g{i}", interests=rnd.sample(words, 60 if i % 2 else 5), areas=rnd.sample(AREAS, 2),
                         municipality=rnd.choice(["a", "b"])) for i in range(12)]
    mentors = [Profile(id=f"m{j}", interests=rnd.sample(words, 30), areas=rnd.sample(AREAS, 3),
                       municipality=rnd.choice(["a", "b"])) for j in range(10)]
    found = suggest(graduates, mentors, k=4)
    assert_same(found, straightforward(graduates, mentors, 4))
    late = [w for w in graduates[1].interests[52:]]
    assert any(set(late) & set(r.params.get("items", ())) for s in found["g1"] for r in s.reasons)


def test_identical_reasons_are_shared_objects():
    graduates, mentors, _ = synthetic_population(80, 30, seed=4)
    found = suggest(graduates, mentors, k=5)
    seen: dict[tuple, object] = {}
    for v in found.values():
        for s in v:
            for r in s.reasons:
                key = (r.code, repr(r.params))
                assert seen.setdefault(key, r) is r


@pytest.mark.parametrize("seed", range(3))
def test_equal_scores_come_in_mentor_order_as_a_stable_sort_gives_them(seed):
    """Ties (many here: few interests, texts and areas) are broken the same way every time: the mentors the
    straightforward path's stable sort puts first, in its order, also at the k-th place."""
    graduates, mentors = random_population(20 + seed, 300, 40)
    found = suggest(graduates, mentors, k=6)
    expected = straightforward(graduates, mentors, 6)
    ties = 0
    for g in graduates:
        got = [(s.score, s.mentor_id) for s in found[g.id]]
        assert got == [(score, m) for score, m, _ in expected[g.id]]
        ties += len(got) - len(set(score for score, _ in got))
    assert ties > 50


def test_top_k_is_each_rows_stable_descending_sort():
    from matching.scoring import top_k

    rng = np.random.default_rng(0)
    score = rng.integers(0, 4, size=(50, 30)).astype(np.float32)  # many equal values
    score[3] = INADMISSIBLE
    expected = np.argsort(-score, axis=1, kind="stable")[:, :5]
    top, top_scores = top_k(score.copy(), 5)
    assert np.array_equal(top, expected)
    assert np.array_equal(top_scores, np.take_along_axis(score, expected, axis=1))
