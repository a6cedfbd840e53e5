"""Matching any two sides: graduates with mentors, people with opportunities (volunteers with shifts).

A pure library (numpy, scipy, scikit-learn; no web framework) so it can be tested,
benchmarked and reused outside the portal::

    from matching import Profile, Suggestion, suggest, assign

    suggestions = suggest(graduates, mentors, k=5, model=None, exclude={("g1", "m7")})
    pairs = assign(graduates, mentors, model=None, fixed={"g2": "m3"}, forbidden={("g1", "m7")})

Hard rules, never broken by ``suggest`` or ``assign``: a graduate's ``prefers_gender`` (the
mentor's ``gender`` must equal it), at least one shared language, and no mentor above capacity
(``suggest`` skips mentors with ``capacity <= 0``; pass the remaining capacity). Municipality is
soft: the same municipality scores higher. The portal calls these per region.

Score, in [0, 1]: 0.40 x share of the graduate's needed areas the mentor covers + 0.25 x cosine of
the interests (multi-hot) + 0.15 x cosine of the about texts (TF-IDF of character 3-4-grams,
Russian and English) + 0.20 x same municipality. The TF-IDF is fitted on the population when
a :class:`matching.Vocabulary` is passed (``vocabulary=``: the portal keeps one per region, so a
pair's score does not depend on who else is in the call), else on the profiles of the call. With a
:class:`matching.model.DecisionModel` that beat the unsupervised score on held-out decisions the
final score is ``(1 - model.weight) * score + model.weight * P(approved)``; its features never
include gender or age (see :mod:`matching.model`).

Reasons are translatable: each :class:`Reason` is a ``str`` (English) with ``code`` and
``params``. Codes and params:

==================  ==========================================  ======================================
code                params                                      English
==================  ==========================================  ======================================
covers_needs        ``areas``: list of area codes (AREAS)       can help with %(areas)s, which is needed
shared_interests    ``items``: list of normalised interests      both: %(items)s
same_municipality   ``municipality``: normalised name            same municipality
similar_about       ``similarity``: float, cosine in [0, 1]      similar self-descriptions
learned             ``probability``: float in [0, 1]             coordinators approved similar pairs
==================  ==========================================  ======================================

A caller with gettext renders a reason by its code, e.g.
``_("both: %(items)s", **reason.format_params())`` or
``reason.render(_("can help with %(areas)s, which is needed"), area_label=lambda c: _(LABELS[c]))``;
``format_params`` joins lists with ", " and maps area codes through ``area_label``
(English :data:`AREA_LABELS` by default). Reasons come biggest contribution first; "learned"
comes last, only with a fitted model.

``assign`` maximises first the number of graduates matched, then the total score (exactly, with
``scipy.optimize.linear_sum_assignment`` over mentors repeated per free slot); see
:mod:`matching.assign`. Up to 4 M graduates x places it builds the dense matrix; above, a sparse
candidate graph (each graduate's best 50 admissible mentors, exact when the list is long enough:
see ``assign``), which handles 20,000 x 5,000 in bounded memory.

Scale: the portal calls these per region (a few thousand people: well under a second).
``suggest`` also handles a whole country (100,000 x 20,000) in bounded memory: graduates are
scored in blocks of about 2 million pairs, and above 40 million pairs the about texts are
compared in a 128-dimension latent space of the same TF-IDF (``matching.features``).
People and opportunities (:mod:`matching.sides`): the same three questions for any two sides,
e.g. a volunteer and a festival's shifts, on interests, skills, age, free time and clashes::

    from matching import Person, Opportunity, suggest_opportunities, suggest_people, assign_opportunities

    for_people = suggest_opportunities(volunteers, shifts, k=5)      # person id -> [Match]
    for_shifts = suggest_people(shifts, volunteers, k=5)             # opportunity id -> [Match]
    plan = assign_opportunities(volunteers, shifts)                  # person id -> [opportunity id]

with the reasons ``likes``, ``has_skills``, ``free_at``, ``old_enough`` (see :mod:`matching.sides`).
``assign_opportunities`` is exact under counts and clashes (:func:`matching.assign.solve`, which
``assign`` uses too). ``python bench/matching.py`` measures all of this; :mod:`matching.evaluate` has the metrics,
the synthetic population and the keyword-overlap baseline.
"""
from __future__ import annotations

from .assign import assign, score_matrix, solve
from .evaluate import (baseline_suggest, coverage, mean_metric, ndcg_at_k, precision_at_k, side_baseline,
                       synthetic_festival, synthetic_population)
from .features import Vocabulary
from .model import FEATURES, MIN_DECISIONS, Decision, DecisionModel
from .profiles import AREA_LABELS, AREAS, REASON_TEMPLATES, Profile, Reason, Suggestion
from .scoring import WEIGHTS, suggest
from .sides import (SIDE_WEIGHTS, Match, Opportunity, Person, assign_opportunities, suggest_opportunities,
                    suggest_people)

__all__ = [
    "AREAS",
    "AREA_LABELS",
    "REASON_TEMPLATES",
    "WEIGHTS",
    "MIN_DECISIONS",
    "Profile",
    "Reason",
    "Suggestion",
    "DecisionModel",
    "Decision",
    "FEATURES",
    "Vocabulary",
    "suggest",
    "assign",
    "score_matrix",
    "precision_at_k",
    "ndcg_at_k",
    "coverage",
    "mean_metric",
    "baseline_suggest",
    "synthetic_population",
    "SIDE_WEIGHTS",
    "Person",
    "Opportunity",
    "Match",
    "suggest_opportunities",
    "suggest_people",
    "assign_opportunities",
    "solve",
    "side_baseline",
    "synthetic_festival",
]
