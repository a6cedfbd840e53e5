"""Learning from decisions: approved and declined pairs re-rank the suggestions, only when that helps.

A logistic regression (coefficients >= 0) over what a pair has in common (:data:`FEATURES`: the graduate's needs the
mentor covers, shared interests, alike self-descriptions, the same municipality, languages in
common) estimates the probability that a pair is approved. Never gender or age: a graduate's
preference about the mentor's gender is already a hard rule, and a coordinator's bias must not
become the service's.

The model earns its place on decisions it has not seen: the oldest 70 % of the decisions train it,
the latest 30 % (time order: the future is what it will face) are held out, and it is used only
when its blended score ``(1 - weight) * unsupervised + weight * probability`` ranks the held-out
approvals above the held-out declines more often (AUC, by at least MARGIN, and in 90 % of bootstrap
resamples of the held-out decisions) than the unsupervised score alone. The weight is the one of
0.1 ... 0.5 with the best held-out AUC; then the model is refitted on every decision with that weight. Below :data:`MIN_DECISIONS` it does not learn at all.

Stored as plain numbers (:meth:`DecisionModel.to_dict`, JSON): coefficients, intercept, weight,
the held-out figures, and :data:`FEATURES_VERSION`; a model of another features version is refused.
"""
from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Iterable, Sequence

import numpy as np

from .features import Block, FeatureSpace, Vocabulary
from .profiles import Profile

#: What a model may learn from, in this order. No protected attribute (gender, age) is among them.
FEATURES: tuple[str, ...] = ("cover", "interests", "about", "same_municipality", "shared_languages")
#: Changes whenever a feature changes meaning; a stored model of another version is not used.
FEATURES_VERSION = 2
#: Fewer decisions than this are not learnt from. Chosen from the measured learning curve
#: (bench/matching.py learning: 5 seeds of 2,500 x 600, coordinators deciding by the hidden truth on one
#: of the top 5; 2026-12-01): with the held-out check the model switched on at 50 decisions in one seed
#: of five and cost it 0.003 of NDCG@5 (15 held-out decisions cannot tell a better model from luck);
#: from 100 decisions (30 held out) no seed lost anything, and at 500 the mean gain was +0.003.
MIN_DECISIONS = 100
#: Share of the decisions, the latest, held out to check a model against the unsupervised score.
HELD_OUT_SHARE = 0.3
#: A model must beat the unsupervised score's held-out AUC by at least this much to be used.
MARGIN = 0.01
#: Weights tried for the model's share of the final score; at most half, so the profiles always count.
WEIGHTS_TRIED = (0.1, 0.2, 0.3, 0.4, 0.5)
#: Share of bootstrap resamples of the held-out decisions in which the model must win (see _confident).
CONFIDENCE = 0.9
#: Who made a decision: a coordinator approving or rejecting, or a graduate or a mentor declining.
SIDES = ("coordinator", "graduate", "mentor")
#: What a lesson says about each feature: the share of pairs that have it, among approved and declined.
LESSON_PRESENT = {"cover": 0.5, "interests": 1e-6, "about": 0.3, "same_municipality": 0.5, "shared_languages": 0.5}


@dataclasses.dataclass(frozen=True)
class Decision:
    """One decision on a pair: approved, or rejected/declined by ``side``; ``at`` orders decisions in time.

    Plain (graduate, mentor, approved) triples are accepted wherever decisions are, as coordinators' decisions
    in the order given.
    """

    graduate: Profile
    mentor: Profile
    approved: bool
    side: str = "coordinator"
    at: datetime | None = None

    def __post_init__(self) -> None:
        if self.side not in SIDES:
            raise ValueError(f"unknown side {self.side!r}; expected one of {SIDES}")


def as_decisions(items: Iterable[Decision | tuple]) -> list[Decision]:
    """Decisions in time order (stable: those without a time keep their place among equals)."""
    out = [item if isinstance(item, Decision) else Decision(item[0], item[1], bool(item[2])) for item in items]
    if any(d.at is not None for d in out):
        floor = datetime.min.replace(tzinfo=timezone.utc)
        out.sort(key=lambda d: _aware(d.at) if d.at is not None else floor)
    return out


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def _columns(features: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Features scaled to about [0, 1]: shared languages count up to 3."""
    columns = list(features)
    index = FEATURES.index("shared_languages")
    columns[index] = np.minimum(columns[index], 3) / np.float32(3)
    return columns


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Probability that an approved pair scores above a declined one (ties count half); 0.5 without both."""
    scores, labels = np.asarray(scores, dtype=np.float64), np.asarray(labels, dtype=bool)
    positive, negative = scores[labels], scores[~labels]
    if not len(positive) or not len(negative):
        return 0.5
    above = (positive[:, None] > negative[None, :]).sum() + 0.5 * (positive[:, None] == negative[None, :]).sum()
    return float(above / (len(positive) * len(negative)))


class DecisionModel:
    """Decisions learnt; pass it to ``suggest``/``assign`` as ``model``: it changes scores only when used.

    Attributes: ``version`` (+1 per fit that produced a model), ``n_decisions``, ``trained_at``,
    ``weight`` (share of the probability in the final score; 0 when not used), ``held_out``
    (``{"decisions", "model", "unsupervised"}``: held-out AUCs), ``state`` (``"not_learning"`` below
    MIN_DECISIONS, ``"one_kind"`` without approvals and declines both, ``"no_better"`` when it lost on the
    held-out decisions, ``"used"``), ``lessons`` (feature -> (share among approved, share among declined)).
    """

    def __init__(self, C: float = 1.0) -> None:
        self.C = float(C)
        self.version = 0
        self.n_decisions = 0
        self.trained_at: datetime | None = None
        self.weight = 0.0
        self.coef: np.ndarray | None = None
        self.intercept = 0.0
        self.held_out: dict | None = None
        self.state = "not_learning"
        self.lessons: dict[str, tuple[float, float]] = {}

    @property
    def is_fitted(self) -> bool:
        """True when the model is used: it beat the unsupervised score on held-out decisions."""
        return self.coef is not None and self.weight > 0 and self.state == "used"

    @property
    def coefficients(self) -> dict[str, float]:
        return {} if self.coef is None else dict(zip(FEATURES, self.coef.tolist()))

    def fit(self, decisions: Iterable[Decision | tuple], vocabulary: Vocabulary | None = None) -> "DecisionModel":
        """Learn from decisions (oldest first, or with ``at``); returns self. See the module docstring.

        ``vocabulary`` is the population's fitted about space, the one ``suggest`` scores with.
        """
        decisions = as_decisions(decisions)
        labels = np.array([d.approved for d in decisions], dtype=bool)
        if len(decisions) < MIN_DECISIONS:
            self.state = "not_learning" if not self.version else self.state
            return self
        if labels.all() or not labels.any():
            self.state = "one_kind" if not self.version else self.state
            return self
        features = pair_features([(d.graduate, d.mentor) for d in decisions], vocabulary)
        cut = int(round(len(decisions) * (1 - HELD_OUT_SHARE)))
        train, test = slice(0, cut), slice(cut, None)
        plain = unsupervised(features)
        weight, best, plain_auc = 0.0, 0.0, auc(plain[test], labels[test])
        if labels[train].all() or not labels[train].any():
            best = plain_auc
        else:
            coef, intercept = self._regression(features[train], labels[train])
            probability = _sigmoid(features[test] @ coef + intercept)
            for w in WEIGHTS_TRIED:
                found = auc((1 - w) * plain[test] + w * probability, labels[test])
                if found > best:
                    weight, best = w, found
        used = best >= plain_auc + MARGIN and weight > 0 and _confident(
            (1 - weight) * plain[test] + weight * probability, plain[test], labels[test])
        self.coef, self.intercept = self._regression(features, labels)
        self.weight = weight if used else 0.0
        self.state = "used" if used else "no_better"
        self.held_out = {"decisions": len(decisions) - cut, "model": round(best, 4),
                         "unsupervised": round(plain_auc, 4)}
        self.lessons = _lessons(features, labels)
        self.version += 1
        self.n_decisions = len(decisions)
        self.trained_at = datetime.now(timezone.utc)
        return self

    def _regression(self, features: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, float]:
        """L2-penalised, class-balanced logistic regression with coefficients >= 0.

        Why non-negative: decisions are made on suggestions already near the top, so a free fit can learn
        that less in common is better there (say, covered needs matter less among pairs that all cover them)
        and then promote poor pairs from the rest of the list; more in common never counts against a pair.
        """
        from scipy.optimize import minimize

        y = labels.astype(np.float64)
        weights = np.where(labels, len(y) / (2 * max(labels.sum(), 1)), len(y) / (2 * max((~labels).sum(), 1)))
        n_features = features.shape[1]

        def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
            z = features @ theta[:n_features] + theta[n_features]
            p = _sigmoid(z)
            value = float(np.sum(weights * (np.logaddexp(0, z) - y * z))) + 0.5 / self.C * float(
                theta[:n_features] @ theta[:n_features])
            residual = weights * (p - y)
            grad = np.concatenate([features.T @ residual + theta[:n_features] / self.C, [residual.sum()]])
            return value, grad

        found = minimize(loss, np.zeros(n_features + 1), jac=True, method="L-BFGS-B",
                         bounds=[(0.0, None)] * n_features + [(None, None)])
        return found.x[:n_features].copy(), float(found.x[n_features])

    def score(self, decisions: Iterable[Decision | tuple], vocabulary: Vocabulary | None = None) -> float:
        """AUC of the final score this model gives (the unsupervised one when not used) on these decisions."""
        decisions = as_decisions(decisions)
        features = pair_features([(d.graduate, d.mentor) for d in decisions], vocabulary)
        scores = unsupervised(features)
        if self.is_fitted:
            scores = (1 - self.weight) * scores + self.weight * _sigmoid(features @ self.coef + self.intercept)
        return auc(scores, np.array([d.approved for d in decisions], dtype=bool))

    def held_out_part(self, decisions: Iterable[Decision | tuple]) -> list[Decision]:
        """The latest decisions that a fit on these decisions holds out (to compare two models on)."""
        decisions = as_decisions(decisions)
        return decisions[int(round(len(decisions) * (1 - HELD_OUT_SHARE))):]

    def probability(self, block: Block) -> np.ndarray:
        """Approval probability of every pair of a block (chunk x n_mentors, float32)."""
        if self.coef is None:
            raise RuntimeError("the model is not fitted")
        z = np.full(block.cover.shape, np.float32(self.intercept), dtype=np.float32)
        for weight, column in zip(self.coef.astype(np.float32), _columns(block.features(FEATURES))):
            z += weight * column
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1
        np.reciprocal(z, out=z)
        return z

    def predict_proba(self, pairs: Sequence[tuple[Profile, Profile]], vocabulary: Vocabulary | None = None
                      ) -> np.ndarray:
        """Approval probability of (graduate, mentor) pairs."""
        if self.coef is None:
            raise RuntimeError("the model is not fitted")
        return _sigmoid(pair_features(pairs, vocabulary) @ self.coef + self.intercept)

    # --- plain numbers, never a pickle ---------------------------------------------------------

    def to_dict(self) -> dict:
        """Everything as JSON-safe numbers and strings."""
        return {"features_version": FEATURES_VERSION, "features": list(FEATURES), "version": self.version,
                "n_decisions": self.n_decisions, "C": self.C,
                "trained_at": self.trained_at.isoformat() if self.trained_at else None,
                "weight": self.weight, "state": self.state, "intercept": self.intercept,
                "coefficients": None if self.coef is None else [float(c) for c in self.coef],
                "held_out": self.held_out, "lessons": {k: list(v) for k, v in self.lessons.items()}}

    @classmethod
    def from_dict(cls, data: dict) -> "DecisionModel":
        """A model from :meth:`to_dict`; ValueError for another features version or a malformed one."""
        if not isinstance(data, dict) or data.get("features_version") != FEATURES_VERSION \
                or tuple(data.get("features", ())) != FEATURES:
            raise ValueError("a model of another features version")
        model = cls(C=float(data.get("C", 1.0)))
        try:
            model.version, model.n_decisions = int(data["version"]), int(data["n_decisions"])
            model.trained_at = datetime.fromisoformat(data["trained_at"]) if data.get("trained_at") else None
            model.weight, model.intercept = float(data["weight"]), float(data["intercept"])
            model.state = str(data["state"])
            coefficients = data.get("coefficients")
            if coefficients is not None:
                model.coef = np.array([float(c) for c in coefficients], dtype=np.float64)
                if model.coef.shape != (len(FEATURES),) or not np.isfinite(model.coef).all():
                    raise ValueError("coefficients of the wrong shape")
            model.held_out = dict(data["held_out"]) if data.get("held_out") else None
            model.lessons = {str(k): (float(v[0]), float(v[1])) for k, v in (data.get("lessons") or {}).items()}
        except (KeyError, TypeError, IndexError) as error:
            raise ValueError(f"a malformed model: {error}") from None
        if not 0.0 <= model.weight <= 1.0:
            raise ValueError("a malformed model: weight out of [0, 1]")
        return model

    def save(self, path: str | Path | IO[str]) -> None:
        """Write the model as JSON to a path or a text file."""
        if hasattr(path, "write"):
            json.dump(self.to_dict(), path)
        else:
            Path(path).write_text(json.dumps(self.to_dict()), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path | IO[str]) -> "DecisionModel":
        """Read a model written by :meth:`save` (JSON only: nothing in it is ever run)."""
        text = path.read() if hasattr(path, "read") else Path(path).read_text(encoding="utf-8")
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        try:
            return cls.from_dict(json.loads(text))
        except json.JSONDecodeError as error:
            raise ValueError(f"not a model: {error}") from None

    def __repr__(self) -> str:
        return f"DecisionModel(version={self.version}, n_decisions={self.n_decisions}, state={self.state!r})"


def _confident(model: np.ndarray, plain: np.ndarray, labels: np.ndarray, rounds: int = 300) -> bool:
    """True when the model's AUC beats the plain one in at least CONFIDENCE of bootstrap resamples of the
    held-out decisions: a handful of lucky decisions must not switch a model on."""
    rng = np.random.default_rng(0)
    wins = 0
    for _ in range(rounds):
        pick = rng.integers(len(labels), size=len(labels))
        wins += auc(model[pick], labels[pick]) > auc(plain[pick], labels[pick])
    return wins >= CONFIDENCE * rounds


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def unsupervised(features: np.ndarray) -> np.ndarray:
    """The unsupervised score of pairs from their :func:`pair_features` rows (as ``suggest`` has it)."""
    from .scoring import WEIGHTS

    score = sum(WEIGHTS[name] * features[:, FEATURES.index(name)] for name in WEIGHTS)
    return np.clip(score, 0.0, 1.0)


def _lessons(features: np.ndarray, labels: np.ndarray) -> dict[str, tuple[float, float]]:
    out = {}
    for j, name in enumerate(FEATURES):
        present = features[:, j] >= LESSON_PRESENT[name]
        out[name] = (round(float(present[labels].mean()), 3), round(float(present[~labels].mean()), 3))
    return out


def lesson_strength(approved: float, declined: float) -> str | None:
    """How the approved differ from the declined: "far_more", "more", "less", "far_less" or None (alike)."""
    if approved >= max(2 * declined, declined + 0.15) and approved - declined >= 0.1:
        return "far_more"
    if approved - declined >= 0.1:
        return "more"
    if declined >= max(2 * approved, approved + 0.15) and declined - approved >= 0.1:
        return "far_less"
    if declined - approved >= 0.1:
        return "less"
    return None


def pair_features(pairs: Sequence[tuple[Profile, Profile]], vocabulary: Vocabulary | None = None) -> np.ndarray:
    """The :data:`FEATURES` of given (graduate, mentor) pairs as an n x len(FEATURES) array.

    A person is keyed by the whole profile, not the id alone: decisions made on different
    versions of one person's profile each keep the version the coordinator saw.
    """
    graduates: dict[str, int] = {}
    mentors: dict[str, int] = {}
    g_list: list[Profile] = []
    m_list: list[Profile] = []
    rows_list, cols_list = [], []
    for g, m in pairs:
        rows_list.append(_index_of(g, graduates, g_list))
        cols_list.append(_index_of(m, mentors, m_list))
    out = np.zeros((len(pairs), len(FEATURES)), dtype=np.float64)
    if not pairs:
        return out
    space = FeatureSpace(g_list, m_list, about_dimensions=None, vocabulary=vocabulary)
    rows = np.array(rows_list, dtype=np.int64)
    cols = np.array(cols_list, dtype=np.int64)
    for start in range(0, len(g_list), 1000):
        block = space.block(np.arange(start, min(start + 1000, len(g_list))))
        mine = (rows >= start) & (rows < start + len(block.rows))
        for j, column in enumerate(_columns(block.features(FEATURES))):
            out[mine, j] = column[rows[mine] - start, cols[mine]]
    return out


def _index_of(profile: Profile, seen: dict[str, int], profiles: list[Profile]) -> int:
    key = repr(profile)
    if key not in seen:
        seen[key] = len(profiles)
        profiles.append(dataclasses.replace(profile, id=str(len(profiles))))  # versions of one id are apart
    return seen[key]
