"""DecisionModel: learning from coordinators' approvals and rejections."""
from __future__ import annotations

import random
from datetime import datetime

import pytest

from matching import AREAS, FEATURES, MIN_DECISIONS, Decision, DecisionModel, Profile, assign, suggest

from .helpers import random_population


def people(seed: int, n: int, prefix: str, places=("a", "b", "c")) -> list[Profile]:
    rnd = random.Random(seed)
    return [Profile(id=f"{prefix}{i}", interests=rnd.sample(["футбол", "гитара", "шахматы", "кулинария"], 2),
                    areas=rnd.sample(AREAS, 2), about="", municipality=rnd.choice(places), capacity=3)
            for i in range(n)]


def municipality_decisions(n: int = 60) -> list[tuple[Profile, Profile, bool]]:
    """Coordinators approve pairs in the same municipality and reject every other pair."""
    graduates, mentors = people(1, n, "dg"), people(2, n, "dm")
    rnd = random.Random(3)
    return [(g, m, g.municipality == m.municipality) for g in graduates for m in rnd.sample(mentors, 3)]


def test_fit_reranks_a_rejected_pattern_lower():
    g = Profile(id="g", interests=[], areas=["housing", "legal"], municipality="a")
    far = Profile(id="far", interests=[], areas=["housing", "legal"], municipality="b")  # covers all needs
    near = Profile(id="near", interests=[], areas=["housing"], municipality="a")  # covers half, same place
    before = suggest([g], [far, near])["g"]
    assert [s.mentor_id for s in before] == ["far", "near"]

    model = DecisionModel().fit(municipality_decisions())
    assert model.is_fitted and model.coefficients["same_municipality"] > 0
    after = suggest([g], [far, near], model=model)["g"]
    assert [s.mentor_id for s in after] == ["near", "far"]
    assert {s.mentor_id: s.score for s in after}["far"] < {s.mentor_id: s.score for s in before}["far"]
    assert "learned" in [r.code for r in after[0].reasons]
    assert "learned" not in [r.code for r in after[1].reasons]
    assert assign([g], [far, near], model=model) == {"g": "near"}
    assert assign([g], [far, near]) == {"g": "far"}


def test_too_few_decisions_leave_the_model_unfitted():
    decisions = municipality_decisions()
    few = DecisionModel().fit(decisions[: MIN_DECISIONS - 1])
    one_class = DecisionModel().fit([d for d in decisions if d[2]])
    graduates, mentors = random_population(4, 20, 15)
    plain = suggest(graduates, mentors)
    for model in (few, one_class):
        assert not model.is_fitted and model.version == 0
        assert suggest(graduates, mentors, model=model) == plain
        assert assign(graduates, mentors, model=model) == assign(graduates, mentors)


def test_save_load_round_trip_is_plain_json(tmp_path):
    import json

    model = DecisionModel().fit(municipality_decisions())
    assert model.version == 1 and model.n_decisions == 180 and model.is_fitted
    assert isinstance(model.trained_at, datetime) and model.trained_at.tzinfo is not None
    model.fit(municipality_decisions(40))
    assert model.version == 2 and model.n_decisions == 120
    model.save(tmp_path / "model.json")
    data = json.loads((tmp_path / "model.json").read_text())
    assert data["features"] == list(FEATURES) and data["features_version"] == model.to_dict()["features_version"]
    assert len(data["coefficients"]) == len(FEATURES) and 0 < data["weight"] <= 0.5
    loaded = DecisionModel.load(tmp_path / "model.json")
    assert (loaded.version, loaded.n_decisions, loaded.trained_at, loaded.weight, loaded.held_out) == (
        model.version, model.n_decisions, model.trained_at, model.weight, model.held_out)
    graduates, mentors = random_population(5, 15, 10)
    assert suggest(graduates, mentors, model=loaded) == suggest(graduates, mentors, model=model)
    pairs = [(graduates[0], mentors[0]), (graduates[1], mentors[2])]
    assert list(loaded.predict_proba(pairs)) == pytest.approx(list(model.predict_proba(pairs)))


def test_a_pickle_or_another_features_version_is_refused(tmp_path):
    import io
    import pickle

    model = DecisionModel().fit(municipality_decisions())
    with pytest.raises(ValueError):
        DecisionModel.load(io.BytesIO(pickle.dumps(model.to_dict())))
    old = dict(model.to_dict(), features_version=1)
    with pytest.raises(ValueError):
        DecisionModel.from_dict(old)
    with pytest.raises(ValueError):
        DecisionModel.from_dict(dict(model.to_dict(), features=[*FEATURES, "same_gender"]))
    with pytest.raises(ValueError):
        DecisionModel.from_dict(dict(model.to_dict(), coefficients=[1.0]))


def test_unfitted_model_saves_and_loads(tmp_path):
    DecisionModel().save(tmp_path / "m.json")
    loaded = DecisionModel.load(tmp_path / "m.json")
    assert not loaded.is_fitted and loaded.version == 0 and loaded.trained_at is None
    assert loaded.state == "not_learning"


def test_no_protected_attribute_is_learnt():
    """Coordinators who approve only same-gender pairs teach the model nothing about gender."""
    graduates, mentors = people(4, 80, "bg"), people(5, 80, "bm")
    rnd = random.Random(6)
    for person in graduates + mentors:
        person.gender = rnd.choice(["f", "m"])
    decisions = [(g, m, g.gender == m.gender and g.municipality == m.municipality)
                 for g in graduates for m in rnd.sample(mentors, 3)]
    model = DecisionModel().fit(decisions)
    assert "same_gender" not in model.coefficients and set(model.coefficients) == set(FEATURES)
    g = Profile(id="g", interests=["футбол"], areas=["housing"], municipality="a", gender="f")
    twins = [Profile(id=f"m-{gender}", interests=["футбол"], areas=["housing"], municipality="a", gender=gender)
             for gender in ("f", "m")]
    scores = {s.mentor_id: s.score for s in suggest([g], twins, model=model)["g"]}
    assert scores["m-f"] == scores["m-m"]


def test_a_model_that_does_not_beat_the_profiles_is_not_used():
    """Decisions by a coin toss: on the held-out latest decisions the model cannot beat the plain score."""
    graduates, mentors = people(7, 60, "cg"), people(8, 60, "cm")
    rnd = random.Random(9)
    decisions = [(g, m, rnd.random() < 0.5) for g in graduates for m in rnd.sample(mentors, 3)]
    model = DecisionModel().fit(decisions)
    assert model.state == "no_better" and not model.is_fitted and model.weight == 0
    assert model.held_out["decisions"] == 54 and model.held_out["model"] < model.held_out["unsupervised"] + 0.2
    population = random_population(10, 20, 15)
    assert suggest(*population, model=model) == suggest(*population)


def test_held_out_decisions_are_the_latest_and_sides_count():
    """Decisions carry their time; the latest are held out whatever order they come in. Declines by a
    graduate or a mentor are decisions too."""
    from datetime import timedelta, timezone

    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    triples = municipality_decisions()
    decisions = [Decision(g, m, ok, side="graduate" if not ok and i % 5 == 0 else "coordinator",
                          at=start + timedelta(days=i)) for i, (g, m, ok) in enumerate(triples)]
    shuffled = decisions[::-1]
    model = DecisionModel().fit(shuffled)
    assert model.is_fitted and model.held_out["decisions"] == 54
    assert [d.at for d in model.held_out_part(shuffled)] == [d.at for d in decisions[-54:]]
    assert model.score(decisions[-54:]) > DecisionModel().score(decisions[-54:])
    with pytest.raises(ValueError):
        Decision(triples[0][0], triples[0][1], False, side="nobody")


def test_lessons_say_what_approved_pairs_had_more_often():
    from matching.model import lesson_strength

    model = DecisionModel().fit(municipality_decisions())
    approved, declined = model.lessons["same_municipality"]
    assert (approved, declined) == (1.0, 0.0) and lesson_strength(approved, declined) == "far_more"
    assert lesson_strength(0.5, 0.48) is None and lesson_strength(0.2, 0.6) == "far_less"


def test_scores_stay_in_unit_interval_with_model():
    model = DecisionModel().fit(municipality_decisions())
    assert model.is_fitted
    graduates, mentors = random_population(6, 20, 15)
    for items in suggest(graduates, mentors, model=model).values():
        assert all(0.0 <= s.score <= 1.0 for s in items)
        assert [s.score for s in items] == sorted((s.score for s in items), reverse=True)


@pytest.mark.parametrize("seed", range(3))
def test_hard_rules_hold_with_a_fitted_model(seed):
    from collections import Counter

    from .helpers import admissible

    model = DecisionModel().fit(municipality_decisions())
    graduates, mentors = random_population(50 + seed, 30, 20)
    by_m = {m.id: m for m in mentors}
    for g in graduates:
        got = {s.mentor_id for s in suggest(graduates, mentors, k=20, model=model)[g.id]}
        assert got == {m.id for m in mentors if admissible(g, m)}
    result = assign(graduates, mentors, model=model)
    by_g = {g.id: g for g in graduates}
    assert all(admissible(by_g[g], by_m[m]) for g, m in result.items())
    assert all(n <= by_m[m].capacity for m, n in Counter(result.values()).items())


def test_each_decision_keeps_the_profile_the_coordinator_saw():
    """One graduate decided twice, before and after changing their profile: two different feature rows."""
    from matching.model import pair_features

    mentor = Profile(id="m", interests=["футбол"], areas=["housing"], municipality="a")
    before = Profile(id="g", interests=["шахматы"], areas=["legal"], municipality="b")
    after = Profile(id="g", interests=["футбол"], areas=["housing"], municipality="a")
    features = pair_features([(before, mentor), (after, mentor)])
    alone = pair_features([(after, mentor)])
    assert features[1].tolist() == alone[0].tolist()
    assert features[0].tolist() != features[1].tolist()


def test_a_model_saves_to_and_loads_from_a_file_object():
    import io

    model = DecisionModel().fit(municipality_decisions())
    model.version = 7
    buffer = io.StringIO()
    model.save(buffer)
    buffer = io.StringIO(buffer.getvalue())
    loaded = DecisionModel.load(buffer)
    assert loaded.version == 7 and loaded.n_decisions == model.n_decisions
