"""Metrics on hand-computed examples, the synthetic population and the comparison with the baseline."""
from __future__ import annotations

import math

import pytest

from matching import (Profile, Suggestion, baseline_suggest, coverage, ndcg_at_k, precision_at_k, suggest,
                      synthetic_population)
from matching.evaluate import mean_metric


def test_precision_at_k():
    assert precision_at_k(["a", "b", "c", "d"], {"a", "c", "x"}, 2) == 0.5
    assert precision_at_k(["a", "b", "c", "d"], {"a", "c", "x"}, 4) == 0.5
    assert precision_at_k(["a"], {"a"}, 5) == 0.2  # missing places are misses
    assert precision_at_k([Suggestion("a", 1.0), Suggestion("b", 0.5)], {"b"}, 2) == 0.5


def test_ndcg_at_k_by_hand():
    # relevant at ranks 1 and 3 of three relevant items
    dcg = 1 + 1 / math.log2(4)
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at_k(["a", "b", "c"], {"a", "c", "z"}, 3) == pytest.approx(dcg / ideal)
    assert ndcg_at_k(["a", "b"], {"a", "b"}, 2) == pytest.approx(1.0)
    assert ndcg_at_k(["b", "a"], {"a"}, 2) == pytest.approx(1 / math.log2(3))
    assert ndcg_at_k(["a"], set(), 5) == 0.0
    graded = ndcg_at_k(["b", "a"], {"a": 2.0, "b": 1.0}, 2)
    assert graded == pytest.approx((1 + 2 / math.log2(3)) / (2 + 1 / math.log2(3)))


def test_coverage():
    assert coverage({"g1": [Suggestion("m", 1.0)], "g2": [], "g3": [Suggestion("m", 0.2)], "g4": []}) == 0.5
    assert coverage({}) == 0.0
    assert coverage({"g1": [Suggestion("m", 1.0)]}, ["g1", "g2"]) == 0.5


def test_synthetic_population_is_reproducible_and_admissible():
    g1, m1, rel1 = synthetic_population(50, 20, seed=3)
    g2, m2, rel2 = synthetic_population(50, 20, seed=3)
    assert g1 == g2 and m1 == m2
    assert all(rel1[g.id] == rel2[g.id] for g in g1)
    assert sum(len(rel1[g.id]) for g in g1) > 0
    by_m = {m.id: m for m in m1}
    for g in g1:
        for m_id in rel1[g.id]:
            m = by_m[m_id]
            assert set(g.languages) & set(m.languages)
            assert g.prefers_gender in (None, m.gender)


def test_baseline_respects_hard_rules_and_ranks_by_overlap():
    g = Profile(id="g", interests=["футбол", "гитара"], areas=["housing"], prefers_gender="f")
    mentors = [Profile(id="one", interests=["футбол"], areas=[], gender="f"),
               Profile(id="three", interests=["футбол", "гитара"], areas=["housing"], gender="f"),
               Profile(id="male", interests=["футбол", "гитара"], areas=["housing"], gender="m")]
    result = baseline_suggest([g], mentors)
    assert [s.mentor_id for s in result["g"]] == ["three", "one"]


def test_suggest_beats_keyword_baseline():
    graduates, mentors, relevance = synthetic_population(400, 150, seed=11)
    ours = mean_metric(suggest(graduates, mentors, k=5), relevance, ndcg_at_k, 5)
    base = mean_metric(baseline_suggest(graduates, mentors, k=5), relevance, ndcg_at_k, 5)
    assert ours > base + 0.05
    assert coverage(suggest(graduates, mentors, k=5)) > 0.9


def test_the_two_sided_truth_counts_a_mentor_only_when_both_would_accept():
    """Graduates and mentors decline proposals too: the two-sided truth keeps a relevant mentor only when the
    mentor would also accept the graduate."""
    graduates, mentors, relevance = synthetic_population(200, 80, seed=5)
    both = relevance.both_sides()
    index = {m.id: j for j, m in enumerate(mentors)}
    assert set(both) == set(relevance) and len(both) == len(graduates)
    for graduate in graduates:
        accepts = relevance.mentor_accepts(graduate.id)
        assert both[graduate.id] <= relevance[graduate.id]
        assert all(accepts[index[m]] for m in both[graduate.id])
        assert not any(accepts[index[m]] for m in relevance[graduate.id] - both[graduate.id])
    kept = sum(len(both[g.id]) for g in graduates)
    assert 0 < kept < sum(len(relevance[g.id]) for g in graduates)  # some relevant mentors would say no


@pytest.mark.parametrize("population", ["synthetic", "harder"])
def test_suggest_leads_the_baselines_on_the_two_sided_measure_too(population):
    from matching.evaluate import harder_population, municipality_baseline

    maker = synthetic_population if population == "synthetic" else harder_population
    graduates, mentors, relevance = maker(400, 150, seed=11)
    both = relevance.both_sides()
    ours = mean_metric(suggest(graduates, mentors, k=5), both, ndcg_at_k, 5)
    keywords = mean_metric(baseline_suggest(graduates, mentors, k=5), both, ndcg_at_k, 5)
    stronger = mean_metric(municipality_baseline(graduates, mentors, k=5), both, ndcg_at_k, 5)
    assert ours > keywords + 0.1 and ours > stronger + 0.01, (ours, keywords, stronger)
