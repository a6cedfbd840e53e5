"""assign: exact optimum against brute force, capacities, hard rules, fixed and forbidden pairs."""
from __future__ import annotations

import itertools
from collections import Counter

import pytest

from matching import Profile, assign, score_matrix

from .helpers import admissible, random_population


def brute_force(graduates, mentors, forbidden=frozenset()):
    """Best (number matched, total score) over every assignment, by enumeration."""
    scores, _ = score_matrix(graduates, mentors)
    options = [[None] + [j for j, m in enumerate(mentors) if admissible(g, m) and (g.id, m.id) not in forbidden]
               for g in graduates]
    best = (0, 0.0)
    for choice in itertools.product(*options):
        load = Counter(j for j in choice if j is not None)
        if any(load[j] > mentors[j].capacity for j in load):
            continue
        value = (sum(j is not None for j in choice),
                 sum(scores[i, j] for i, j in enumerate(choice) if j is not None))
        if value[0] > best[0] or (value[0] == best[0] and value[1] > best[1] + 1e-9):
            best = value
    return best


def value_of(result, graduates, mentors):
    scores, _ = score_matrix(graduates, mentors)
    g_index = {g.id: i for i, g in enumerate(graduates)}
    m_index = {m.id: j for j, m in enumerate(mentors)}
    return len(result), sum(scores[g_index[g], m_index[m]] for g, m in result.items())


def check_rules(result, graduates, mentors):
    by_g = {g.id: g for g in graduates}
    by_m = {m.id: m for m in mentors}
    for g_id, m_id in result.items():
        assert admissible(by_g[g_id], by_m[m_id])
    for m_id, load in Counter(result.values()).items():
        assert load <= by_m[m_id].capacity


@pytest.mark.parametrize("seed", range(12))
def test_optimal_against_brute_force(seed):
    graduates, mentors = random_population(100 + seed, 6, 4)
    result = assign(graduates, mentors)
    check_rules(result, graduates, mentors)
    count, total = value_of(result, graduates, mentors)
    best_count, best_total = brute_force(graduates, mentors)
    assert count == best_count
    assert total == pytest.approx(best_total, abs=1e-6)


@pytest.mark.parametrize("seed", range(6))
def test_optimal_with_forbidden_against_brute_force(seed):
    graduates, mentors = random_population(200 + seed, 5, 4)
    forbidden = {(g.id, m.id) for i, g in enumerate(graduates) for j, m in enumerate(mentors)
                 if (i + j + seed) % 3 == 0}
    result = assign(graduates, mentors, forbidden=forbidden)
    assert not set(result.items()) & forbidden
    check_rules(result, graduates, mentors)
    assert value_of(result, graduates, mentors)[0] == brute_force(graduates, mentors, forbidden)[0]
    assert value_of(result, graduates, mentors)[1] == pytest.approx(brute_force(graduates, mentors, forbidden)[1],
                                                                   abs=1e-6)


@pytest.mark.parametrize("seed", range(4))
def test_hard_rules_and_capacity_randomised(seed):
    graduates, mentors = random_population(300 + seed, 60, 20)
    result = assign(graduates, mentors)
    check_rules(result, graduates, mentors)
    # nobody is left out while an admissible mentor still has room
    load = Counter(result.values())
    for g in graduates:
        if g.id not in result:
            assert all(load[m.id] >= m.capacity for m in mentors if admissible(g, m))


def test_matching_more_graduates_beats_a_higher_score():
    # g1 fits m1 very well and m2 poorly; g2 can only take m1. Both must be matched.
    g1 = Profile(id="g1", interests=["футбол"], areas=["housing"], municipality="a")
    g2 = Profile(id="g2", interests=[], areas=["army"], languages=["en"])
    m1 = Profile(id="m1", interests=["футбол"], areas=["housing"], municipality="a", languages=["ru", "en"])
    m2 = Profile(id="m2", interests=[], areas=["legal"])
    assert assign([g1, g2], [m1, m2]) == {"g1": "m2", "g2": "m1"}


def test_capacity_expanded():
    graduates = [Profile(id=f"g{i}", interests=[], areas=["housing"]) for i in range(5)]
    mentors = [Profile(id="big", interests=[], areas=["housing"], capacity=3),
               Profile(id="small", interests=[], areas=["legal"], capacity=1)]
    result = assign(graduates, mentors)
    assert Counter(result.values()) == {"big": 3, "small": 1}


def test_fixed_pairs_kept_and_consume_capacity():
    graduates = [Profile(id=f"g{i}", interests=[], areas=["housing"]) for i in range(3)]
    mentors = [Profile(id="best", interests=[], areas=["housing"], capacity=2),
               Profile(id="other", interests=[], areas=["legal"], capacity=2)]
    result = assign(graduates, mentors, fixed={"g0": "other", "g1": "best"})
    assert result["g0"] == "other" and result["g1"] == "best"  # as given, even if not the best
    assert result["g2"] == "best"
    result = assign(graduates, mentors, fixed=[("g0", "best"), ("g1", "best")])
    assert result == {"g0": "best", "g1": "best", "g2": "other"}  # best is full with the fixed pairs


def test_forbidden_pairs_never_proposed():
    graduates = [Profile(id="g", interests=[], areas=["housing"])]
    mentors = [Profile(id="best", interests=[], areas=["housing"]), Profile(id="other", interests=[], areas=[])]
    assert assign(graduates, mentors) == {"g": "best"}
    assert assign(graduates, mentors, forbidden={("g", "best")}) == {"g": "other"}
    assert assign(graduates, mentors, forbidden={("g", "best"), ("g", "other")}) == {}


def test_fixed_wins_over_forbidden_and_unknown_ids_are_kept():
    graduates = [Profile(id="g", interests=[], areas=["housing"]), Profile(id="h", interests=[], areas=["housing"])]
    mentors = [Profile(id="m", interests=[], areas=["housing"], capacity=1)]
    result = assign(graduates, mentors, fixed={"g": "m", "elsewhere": "other"}, forbidden={("g", "m")})
    assert result == {"g": "m", "elsewhere": "other"}  # h is left out: m is full


def test_gender_and_language_in_assign():
    g = Profile(id="g", interests=[], areas=["housing"], prefers_gender="f", languages=["tt", "ru"])
    mentors = [Profile(id="m", interests=[], areas=["housing"], gender="m"),
               Profile(id="f-en", interests=[], areas=["housing"], gender="f", languages=["en"]),
               Profile(id="f-ru", interests=[], areas=[], gender="f")]
    assert assign([g], mentors) == {"g": "f-ru"}


def test_fixed_graduate_twice_is_an_error():
    with pytest.raises(ValueError):
        assign([], [], fixed=[("g", "a"), ("g", "b")])


@pytest.mark.parametrize("seed", range(10))
def test_the_sparse_candidate_graph_loses_nothing_when_the_list_is_long_enough(seed):
    """Brute force against the sparse graph: with as many candidates as graduates it is the dense optimum
    (a graduate kept off its list would find a listed mentor with a place free); here 3 of 5 mentors are enough
    as well, on random cases with many rule conflicts and capacities 0-3."""
    graduates, mentors = random_population(400 + seed, 6, 5)
    best = brute_force(graduates, mentors)
    for candidates in (len(graduates), 3):
        result = assign(graduates, mentors, candidates=candidates)
        check_rules(result, graduates, mentors)
        count, total = value_of(result, graduates, mentors)
        assert count == best[0] and total == pytest.approx(best[1], abs=1e-6)


def test_a_short_candidate_list_can_lose_a_graduate():
    """When it can lose: two graduates whose only listed mentor is the same one with one place."""
    g1 = Profile(id="g1", interests=[], areas=["housing"], municipality="a")
    g2 = Profile(id="g2", interests=[], areas=["housing"], municipality="a")
    best = Profile(id="best", interests=[], areas=["housing"], municipality="a", capacity=1)
    other = Profile(id="other", interests=[], areas=["legal"], municipality="b", capacity=1)
    assert len(assign([g1, g2], [best, other], candidates=1)) == 1
    assert len(assign([g1, g2], [best, other], candidates=2)) == 2 == len(assign([g1, g2], [best, other]))


@pytest.mark.parametrize("seed", range(3))
def test_sparse_and_dense_agree_with_fixed_and_forbidden_pairs(seed):
    graduates, mentors = random_population(500 + seed, 40, 15)
    forbidden = {(g.id, m.id) for i, g in enumerate(graduates) for j, m in enumerate(mentors) if (i * j + seed) % 4 == 0}
    fixed = {graduates[0].id: mentors[1].id}
    dense = assign(graduates, mentors, fixed=fixed, forbidden=forbidden)
    sparse = assign(graduates, mentors, fixed=fixed, forbidden=forbidden, candidates=len(graduates))
    assert not (set(sparse.items()) - set(fixed.items())) & forbidden and sparse[graduates[0].id] == mentors[1].id
    assert value_of(sparse, graduates, mentors) == pytest.approx(value_of(dense, graduates, mentors), abs=1e-6)
