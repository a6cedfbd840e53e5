"""The public API the mentorship plugin relies on: names, signatures, docstrings, profiles, reasons."""
from __future__ import annotations

import inspect
import pickle
import subprocess
import sys

import matching
from matching import AREAS, Profile, Reason, Suggestion, assign, suggest


def test_public_names_and_docstrings():
    for name in ["Profile", "Suggestion", "Reason", "suggest", "assign", "AREAS", "DecisionModel",
                 "MIN_DECISIONS", "precision_at_k", "ndcg_at_k", "coverage", "baseline_suggest",
                 "synthetic_population"]:
        assert name in matching.__all__
        assert hasattr(matching, name)
    for obj in [matching, Profile, Suggestion, Reason, suggest, assign, matching.DecisionModel,
                matching.DecisionModel.fit, matching.DecisionModel.save, matching.DecisionModel.load]:
        assert obj.__doc__ and obj.__doc__.strip()
    for code in ["covers_needs", "shared_interests", "same_municipality", "similar_about", "learned"]:
        assert code in matching.__doc__


def test_signatures():
    assert list(inspect.signature(suggest).parameters)[:5] == ["graduates", "mentors", "k", "model", "exclude"]
    assert inspect.signature(suggest).parameters["k"].default == 5
    assert list(inspect.signature(assign).parameters) == ["graduates", "mentors", "model", "fixed", "forbidden",
                                                         "vocabulary", "candidates"]
    params = inspect.signature(Profile).parameters
    assert list(params) == ["id", "interests", "areas", "about", "municipality", "languages", "capacity",
                            "gender", "prefers_gender"]


def test_areas_in_order():
    assert AREAS == ("legal", "education", "housing", "finances", "employment", "health", "parenting", "army",
                     "everyday_skills", "leisure")


def test_no_flask_or_portal_imported():
    code = ("import sys, matching, matching.model, matching.evaluate; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'portal', 'plugins')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_profile_normalises():
    p = Profile(id=7, interests=[" Футбол", "футбол", "Ёлки", ""], areas=["housing", "legal"],
                municipality=" Старый Оскол ", languages=["RU", "en"], gender="F", prefers_gender=" ")
    assert p.id == "7"
    assert p.interests == ["футбол", "елки"]
    assert p.areas == ["legal", "housing"]  # in AREAS order
    assert p.municipality == "старый оскол"
    assert p.languages == ["ru", "en"]
    assert p.gender == "f" and p.prefers_gender is None
    assert Profile(id="x", interests=[], areas=[]).languages == ["ru"]
    a, b = Profile(id="a", interests=[], areas=[]), Profile(id="b", interests=[], areas=[])
    a.languages.append("en")
    assert b.languages == ["ru"]  # no shared mutable default


def test_profile_rejects_unknown_area():
    import pytest

    with pytest.raises(ValueError):
        Profile(id="x", interests=[], areas=["space_travel"])


def test_reason_is_translatable_str():
    reason = Reason("covers_needs", {"areas": ["housing", "everyday_skills"]})
    assert isinstance(reason, str)
    assert str(reason) == "can help with housing, everyday skills, which is needed"
    assert reason.code == "covers_needs" and reason.params == {"areas": ["housing", "everyday_skills"]}
    labels = {"housing": "жильё", "everyday_skills": "бытовые навыки"}
    assert reason.render("может помочь: %(areas)s", area_label=labels.get) == "может помочь: жильё, бытовые навыки"
    assert reason.format_params(area_label=labels.get) == {"areas": "жильё, бытовые навыки"}
    assert str(Reason("shared_interests", {"items": ["football", "cooking"]})) == "both: football, cooking"
    assert str(Reason("same_municipality", {"municipality": "a"})) == "same municipality"
    copy = pickle.loads(pickle.dumps(reason))
    assert copy == reason and copy.code == reason.code and copy.params == reason.params
