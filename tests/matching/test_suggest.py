"""suggest: hard rules, soft municipality, scores, reasons, exclude."""
from __future__ import annotations

import pytest

from matching import Profile, suggest

from .helpers import admissible, random_population


def mentor(id, **kw):
    kw.setdefault("interests", [])
    kw.setdefault("areas", ["housing"])
    return Profile(id=id, **kw)


def graduate(id="g", **kw):
    kw.setdefault("interests", [])
    kw.setdefault("areas", ["housing"])
    return Profile(id=id, **kw)


def test_gender_preference_is_hard():
    g = graduate(prefers_gender="f", interests=["футбол"])
    ms = [mentor("m-male", gender="m", interests=["футбол"], areas=["housing", "legal"]),
          mentor("m-female", gender="f"), mentor("m-unknown")]
    assert [s.mentor_id for s in suggest([g], ms)["g"]] == ["m-female"]


def test_shared_language_is_hard():
    g = graduate(languages=["ru"])
    ms = [mentor("en-only", languages=["en"]), mentor("both", languages=["en", "ru"])]
    assert [s.mentor_id for s in suggest([g], ms)["g"]] == ["both"]


def test_full_mentor_is_never_suggested():
    g = graduate()
    ms = [mentor("full", capacity=0, interests=["x"]), mentor("free", capacity=1)]
    assert [s.mentor_id for s in suggest([g], ms)["g"]] == ["free"]


def test_no_admissible_mentor_gives_empty_list():
    assert suggest([graduate(languages=["tt"])], [mentor("m")]) == {"g": []}
    assert suggest([graduate()], []) == {"g": []}


def test_municipality_is_soft():
    g = graduate(municipality="Белгород")
    near, far = mentor("near", municipality="белгород"), mentor("far", municipality="Шебекино")
    result = suggest([g], [far, near])["g"]
    assert [s.mentor_id for s in result] == ["near", "far"]  # far is still suggested
    assert result[0].score > result[1].score


def test_area_coverage_weighs_most():
    g = graduate(areas=["housing", "legal"], interests=["футбол"], municipality="a")
    covers = mentor("covers", areas=["housing", "legal"])
    chums = mentor("chums", areas=["army"], interests=["футбол"])
    assert suggest([g], [chums, covers])["g"][0].mentor_id == "covers"


def test_scores_in_unit_interval_best_first_at_most_k():
    graduates, mentors = random_population(1, 40, 30)
    result = suggest(graduates, mentors, k=4)
    assert set(result) == {g.id for g in graduates}
    for items in result.values():
        assert len(items) <= 4
        scores = [s.score for s in items]
        assert scores == sorted(scores, reverse=True)
        assert all(0.0 <= s <= 1.0 for s in scores)
        assert len({s.mentor_id for s in items}) == len(items)


@pytest.mark.parametrize("seed", range(5))
def test_hard_rules_never_broken_randomised(seed):
    graduates, mentors = random_population(seed, 30, 25)
    by_id = {m.id: m for m in mentors}
    result = suggest(graduates, mentors, k=25, chunk_size=7)  # several blocks
    for g in graduates:
        got = {s.mentor_id for s in result[g.id]}
        assert got == {m.id for m in mentors if admissible(g, m)}  # k large: all admissible, nothing else
        for s in result[g.id]:
            assert admissible(g, by_id[s.mentor_id])


def test_chunking_does_not_change_the_result():
    graduates, mentors = random_population(9, 25, 20)
    one = suggest(graduates, mentors, k=3)
    many = suggest(graduates, mentors, k=3, chunk_size=4)
    for g in graduates:
        assert [round(s.score, 5) for s in one[g.id]] == [round(s.score, 5) for s in many[g.id]]


def test_reasons_reflect_what_contributed():
    g = graduate(interests=["Футбол", "кулинария", "шахматы"], areas=["housing", "legal"],
                 municipality="a", about="Люблю играть в футбол и готовить")
    m = mentor("m", interests=["кулинария", "футбол", "гитара"], areas=["housing", "education"],
               municipality="A", about="Играю в футбол, люблю готовить")
    (s,) = suggest([g], [m])["g"]
    codes = [r.code for r in s.reasons]
    assert codes[0] == "covers_needs"  # biggest contribution first
    assert set(codes) == {"covers_needs", "shared_interests", "same_municipality", "similar_about"}
    by_code = {r.code: r for r in s.reasons}
    assert by_code["covers_needs"].params == {"areas": ["housing"]}
    assert by_code["shared_interests"].params == {"items": ["футбол", "кулинария"]}
    assert str(by_code["shared_interests"]) == "both: футбол, кулинария"
    assert str(by_code["covers_needs"]) == "can help with housing, which is needed"
    assert str(by_code["same_municipality"]) == "same municipality"


def test_no_reason_for_what_did_not_contribute():
    g = graduate(interests=["футбол"], areas=["housing"], municipality="a", about="")
    m = mentor("m", interests=["гитара"], areas=["legal"], municipality="b", about="")
    (s,) = suggest([g], [m])["g"]
    assert s.reasons == [] and s.score == 0.0


def test_exclude():
    g = graduate()
    ms = [mentor("m1", areas=["housing"]), mentor("m2", areas=["legal"])]
    assert [s.mentor_id for s in suggest([g], ms, exclude={("g", "m1")})["g"]] == ["m2"]
    assert [s.mentor_id for s in suggest([g], ms, exclude=[("other", "m1")])["g"]] == ["m1", "m2"]


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError):
        suggest([graduate("g"), graduate("g")], [mentor("m")])


@pytest.mark.parametrize("seed", range(3))
def test_fast_scores_equal_component_scores(seed):
    """suggest folds the weights into one product; it must give the documented weighted sum."""
    from matching import WEIGHTS, score_matrix
    from matching.features import FeatureSpace

    graduates, mentors = random_population(40 + seed, 20, 15)
    expected, admissible = score_matrix(graduates, mentors)
    space = FeatureSpace(graduates, mentors)
    space.prepare_weighted(WEIGHTS)
    import numpy as np

    fast = np.clip(space.weighted_scores(np.arange(len(graduates))), 0, 1)
    assert np.allclose(fast[admissible], expected[admissible], atol=1e-5)
    result = suggest(graduates, mentors, k=15)
    for i, g in enumerate(graduates):
        for s in result[g.id]:
            j = next(j for j, m in enumerate(mentors) if m.id == s.mentor_id)
            assert s.score == pytest.approx(expected[i, j], abs=5e-5 + 1e-6)  # scores come to 4 places


@pytest.fixture
def reduced(monkeypatch):
    """The reduced about space at a test's size: 16 dimensions from any size on, 15 candidates re-scored."""
    from matching import features, scoring

    monkeypatch.setattr(features, "EXACT_ABOUT_MAX_PAIRS", 0)
    monkeypatch.setattr(features, "ABOUT_DIMENSIONS", 16)
    monkeypatch.setattr(scoring, "RERANK", 15)


def test_reduced_about_space_finds_the_exact_top_k_on_varied_text(reduced):
    """Harder population (Zipf vocabulary, typos, missing fields), k = 5 of 150 mentors: the reduced mode's top-5
    holds the exact top-5 for at least 98 % of places, and keeps the hard rules."""
    import numpy as np

    from matching import features
    from matching.evaluate import harder_population

    graduates, mentors, _ = harder_population(200, 150, seed=5)
    space = features.FeatureSpace(graduates, mentors)
    assert space.about_dimensions == 16
    exact_space = features.FeatureSpace(graduates, mentors, about_dimensions=None)
    from matching.scoring import WEIGHTS

    exact_space.prepare_weighted(WEIGHTS)
    scores = exact_space.weighted_scores(np.arange(len(graduates)))
    found = suggest(graduates, mentors, k=5)
    index = {m.id: j for j, m in enumerate(mentors)}
    recalls = []
    for i, g in enumerate(graduates):  # ties at the k-th place: any of the tied mentors is right
        best = np.sort(scores[i][scores[i] > -1])[::-1][:5]
        if len(best):
            recalls.append(sum(scores[i, index[s.mentor_id]] >= best[-1] - 1e-4 for s in found[g.id]) / len(best))
    assert np.mean(recalls) >= 0.98 and np.mean(np.array(recalls) == 1) >= 0.9
    for g in graduates:
        assert all(admissible(g, next(m for m in mentors if m.id == s.mentor_id)) for s in found[g.id])

    # The reduced vectors themselves follow the exact similarity; noise in their place would not.
    rng = np.random.default_rng(0)
    rows, cols = rng.integers(len(graduates), size=(400, 1)), rng.integers(len(mentors), size=(400, 1))
    reduced_about = space.about_of_pairs(rows[:, 0], cols).ravel()
    exact_about = space.exact_about_of_pairs(rows[:, 0], cols).ravel()
    assert np.corrcoef(reduced_about, exact_about)[0, 1] >= 0.6
    space.g_about = features.normalize(rng.normal(size=space.g_about.shape)).astype(np.float32)
    assert abs(np.corrcoef(space.about_of_pairs(rows[:, 0], cols).ravel(), exact_about)[0, 1]) < 0.3


def test_with_a_vocabulary_a_pair_scores_the_same_whoever_else_is_in_the_call():
    from matching import Vocabulary

    graduates, mentors = random_population(91, 12, 15)
    for i, person in enumerate(graduates + mentors):
        person.about = ["люблю футбол и походы", "I cook and bake", "играю на гитаре", "помогаю с документами",
                        "шахматы и футбол"][i % 5] + f" {i}"
    vocabulary = Vocabulary(graduates + mentors)
    crowd = suggest(graduates, mentors, k=15, vocabulary=vocabulary)
    alone_differs = False
    for g in graduates[:6]:
        for s in crowd[g.id]:
            mentor = next(m for m in mentors if m.id == s.mentor_id)
            alone = suggest([g], [mentor], k=1, vocabulary=vocabulary)[g.id][0]
            assert (alone.score, alone.reasons) == (s.score, s.reasons)
            alone_differs |= suggest([g], [mentor], k=1)[g.id][0].score != s.score
    assert alone_differs  # without the vocabulary, the score of a pair alone is another number
