"""The data the matcher works on: profiles, support areas, suggestions and their reasons.

Kept free of any web framework so the portal, scripts and benchmarks can all use it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

#: Support area codes, in the order the portal shows them (life-situation assessment areas).
AREAS: tuple[str, ...] = (
    "legal",
    "education",
    "housing",
    "finances",
    "employment",
    "health",
    "parenting",
    "army",
    "everyday_skills",
    "leisure",
)

#: English labels of the areas; the caller translates area codes with its own catalogue.
AREA_LABELS: dict[str, str] = {
    "legal": "legal matters",
    "education": "education",
    "housing": "housing",
    "finances": "finances",
    "employment": "employment",
    "health": "health",
    "parenting": "parenting",
    "army": "army service",
    "everyday_skills": "everyday skills",
    "leisure": "leisure",
}

#: English templates of the reasons, by code, in %-style with named params (gettext style).
REASON_TEMPLATES: dict[str, str] = {
    "covers_needs": "can help with %(areas)s, which is needed",
    "shared_interests": "both: %(items)s",
    "same_municipality": "same municipality",
    "similar_about": "similar self-descriptions",
    "learned": "coordinators approved similar pairs",
    # People and opportunities (matching.sides): a volunteer and a shift.
    "likes": "likes %(items)s",
    "has_skills": "can do what it needs: %(items)s",
    "free_at": "free at %(times)s",
    "old_enough": "old enough: from %(min_age)s",
}


def normalise_word(word: str) -> str:
    """Lower-case, trimmed, Russian ё as е: so "Футбол " and "футбол" are the same interest."""
    return " ".join(str(word).replace("ё", "е").replace("Ё", "Е").lower().split())


def normalise_text(text: str) -> str:
    """Free text prepared for character n-grams: lower-case, ё as е, single spaces."""
    return " ".join(str(text or "").lower().replace("ё", "е").split())


def _unique(words: Any, normalise: Callable[[str], str] = normalise_word) -> list[str]:
    seen: dict[str, None] = {}
    for word in words or ():
        value = normalise(word)
        if value:
            seen.setdefault(value, None)
    return list(seen)


def _optional(value: str | None) -> str | None:
    if value is None:
        return None
    value = normalise_word(value)
    return value or None


@dataclass
class Profile:
    """A graduate or a mentor as the matcher sees them.

    For a mentor, ``areas`` are the support areas they can help with and ``capacity`` how many
    more mentees they can take (pass the remaining capacity: capacity minus active mentees).
    For a graduate, ``areas`` are the areas they need help with; ``capacity`` is ignored.
    ``prefers_gender`` (graduates) is a hard rule: only mentors whose ``gender`` equals it.
    A profile without languages shares none, so it is never matched. Interests, languages,
    genders and municipalities are normalised (lower-case, trimmed, ё→е)
    so that free words typed by people compare equal.
    """

    id: str
    interests: list[str]
    areas: list[str]
    about: str = ""
    municipality: str | None = None
    languages: list[str] = field(default_factory=lambda: ["ru"])
    capacity: int = 1
    gender: str | None = None
    prefers_gender: str | None = None

    def __post_init__(self) -> None:
        self.id = str(self.id)
        self.interests = _unique(self.interests)
        areas = _unique(self.areas)
        unknown = [area for area in areas if area not in AREAS]
        if unknown:
            raise ValueError(f"unknown support area(s) {unknown}; expected codes from {AREAS}")
        self.areas = [area for area in AREAS if area in areas]
        self.about = str(self.about or "")
        self.municipality = _optional(self.municipality)
        self.languages = _unique(self.languages)
        self.capacity = int(self.capacity)
        self.gender = _optional(self.gender)
        self.prefers_gender = _optional(self.prefers_gender)


class Reason(str):
    """Why a mentor was suggested: a str in English, plus a ``code`` and ``params`` to translate.

    ``str(reason)`` is English. A caller with its own catalogue renders by ``code``, e.g.
    ``_("both: %(items)s", **reason.format_params())``; see the package docstring.
    Area codes stay codes in ``params`` so that the caller can translate their labels.
    """

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, params: dict[str, Any] | None = None) -> "Reason":
        if code not in REASON_TEMPLATES:
            raise ValueError(f"unknown reason code {code!r}")
        params = dict(params or {})
        text = REASON_TEMPLATES[code] % _formatted(params, lambda area: AREA_LABELS.get(area, area), ", ", str)
        obj = super().__new__(cls, text)
        obj.code = code
        obj.params = params
        return obj

    def __reduce__(self):  # pickling keeps code and params, not only the text
        return (Reason, (self.code, self.params))

    def __repr__(self) -> str:
        return f"Reason({self.code!r}, {self.params!r})"

    def format_params(self, area_label: Callable[[str], str] | None = None, join: str = ", ",
                      time_label: Callable[[str], str] | None = None) -> dict[str, str]:
        """Params as display strings: lists joined, area codes through ``area_label``, time keys
        (``free_at``) through ``time_label``."""
        return _formatted(self.params, area_label or (lambda area: AREA_LABELS.get(area, area)), join,
                          time_label or str)

    def render(self, template: str | None = None, area_label: Callable[[str], str] | None = None,
               join: str = ", ", time_label: Callable[[str], str] | None = None) -> str:
        """The reason through ``template`` (%-style with named params; English when omitted)."""
        return (template or REASON_TEMPLATES[self.code]) % self.format_params(area_label, join, time_label)


def _formatted(params: dict[str, Any], area_label: Callable[[str], str], join: str,
               time_label: Callable[[str], str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in params.items():
        if key == "areas":
            out[key] = join.join(area_label(area) for area in value)
        elif key == "times":
            out[key] = join.join(time_label(item) for item in value)
        elif isinstance(value, (list, tuple, set, frozenset)):
            out[key] = join.join(str(item) for item in value)
        elif isinstance(value, float):
            out[key] = f"{value:.2f}"
        else:
            out[key] = str(value)
    return out


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One proposed mentor for a graduate: ``score`` in [0, 1], higher is better; ``reasons`` best first."""

    mentor_id: str
    score: float
    reasons: list[Reason] = field(default_factory=list)
