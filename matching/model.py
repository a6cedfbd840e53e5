"""Learning from coordinators: approved and rejected pairs re-rank the suggestions.

A logistic regression over the per-pair components (area coverage, interest overlap, about
similarity, same municipality, shared languages, same gender) estimates the probability that a
coordinator approves a pair. Once fitted, the final score is
``(1 - weight) * unsupervised score + weight * probability``. With fewer than
:data:`MIN_DECISIONS` decisions, or only one kind, ``fit`` leaves the model as it was (a new model
stays unfitted) and the unsupervised score stands alone.
"""
from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Iterable, Sequence

import joblib
import numpy as np
from sklearn.linear_model import LogisticRegression

from .features import COMPONENTS, Block, FeatureSpace
from .profiles import Profile

#: Fewer decisions than this (or no approval, or no rejection) are not enough to learn from.
MIN_DECISIONS = 10
#: Format of the file written by :meth:`DecisionModel.save`.
FILE_FORMAT = 1


def _feature_columns(features: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Components scaled to about [0, 1]: shared languages count up to 3."""
    columns = list(features)
    index = COMPONENTS.index("shared_languages")
    columns[index] = np.minimum(columns[index], 3) / np.float32(3)
    return columns


class DecisionModel:
    """Coordinators' approvals and rejections, learned; pass it to ``suggest``/``assign`` as ``model``.

    Attributes: ``version`` (int, +1 per successful fit, 0 = never fitted), ``n_decisions``
    (decisions of the last successful fit), ``trained_at`` (aware UTC datetime or None),
    ``is_fitted``, ``weight`` (share of the learned probability in the final score),
    ``coefficients`` (component name -> weight, for display).
    """

    def __init__(self, weight: float = 0.5, C: float = 1.0) -> None:
        if not 0.0 <= weight <= 1.0:
            raise ValueError("weight must be in [0, 1]")
        self.weight = float(weight)
        self.C = float(C)
        self.version = 0
        self.n_decisions = 0
        self.trained_at: datetime | None = None
        self.classifier: LogisticRegression | None = None

    @property
    def is_fitted(self) -> bool:
        return self.classifier is not None

    @property
    def coefficients(self) -> dict[str, float]:
        if self.classifier is None:
            return {}
        return dict(zip(COMPONENTS, self.classifier.coef_[0].tolist()))

    def fit(self, decisions: Iterable[tuple[Profile, Profile, bool]]) -> "DecisionModel":
        """Learn from (graduate, mentor, approved) triples; returns self.

        Too few decisions (< MIN_DECISIONS) or a single class: the model is left unchanged.
        """
        decisions = [(g, m, bool(approved)) for g, m, approved in decisions]
        labels = np.array([approved for _, _, approved in decisions], dtype=int)
        if len(decisions) < MIN_DECISIONS or len(set(labels.tolist())) < 2:
            return self
        features = pair_features([(g, m) for g, m, _ in decisions])
        classifier = LogisticRegression(C=self.C, class_weight="balanced", max_iter=1000)
        classifier.fit(features, labels)
        self.classifier = classifier
        self.version += 1
        self.n_decisions = len(decisions)
        self.trained_at = datetime.now(timezone.utc)
        return self

    def probability(self, block: Block) -> np.ndarray:
        """Approval probability of every pair of a block (chunk x n_mentors, float32)."""
        if self.classifier is None:
            raise RuntimeError("the model is not fitted")
        coef = self.classifier.coef_[0].astype(np.float32)
        z = np.full(block.cover.shape, np.float32(self.classifier.intercept_[0]), dtype=np.float32)
        for weight, column in zip(coef, _feature_columns(block.features())):
            z += weight * column
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1
        np.reciprocal(z, out=z)
        return z

    def predict_proba(self, pairs: Sequence[tuple[Profile, Profile]]) -> np.ndarray:
        """Approval probability of (graduate, mentor) pairs."""
        if self.classifier is None:
            raise RuntimeError("the model is not fitted")
        return self.classifier.predict_proba(pair_features(pairs))[:, 1]

    def save(self, path: str | Path | BinaryIO) -> None:
        """Write the model with joblib (version, n_decisions and trained_at included) to a path or a file."""
        joblib.dump({"format": FILE_FORMAT, "version": self.version, "n_decisions": self.n_decisions,
                     "trained_at": self.trained_at, "weight": self.weight, "C": self.C,
                     "components": COMPONENTS, "classifier": self.classifier}, path)

    @classmethod
    def load(cls, path: str | Path | BinaryIO) -> "DecisionModel":
        """Read a model written by :meth:`save`, from a path or a file."""
        data = joblib.load(path)
        if data.get("format") != FILE_FORMAT or tuple(data.get("components", ())) != COMPONENTS:
            raise ValueError("incompatible model file")
        model = cls(weight=data["weight"], C=data["C"])
        model.version = data["version"]
        model.n_decisions = data["n_decisions"]
        model.trained_at = data["trained_at"]
        model.classifier = data["classifier"]
        return model

    def __repr__(self) -> str:
        return (f"DecisionModel(version={self.version}, n_decisions={self.n_decisions}, "
                f"fitted={self.is_fitted})")


def pair_features(pairs: Sequence[tuple[Profile, Profile]]) -> np.ndarray:
    """The components of given (graduate, mentor) pairs as an n x len(COMPONENTS) array.

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
    space = FeatureSpace(g_list, m_list)
    out = np.zeros((len(pairs), len(COMPONENTS)), dtype=np.float32)
    rows = np.array(rows_list, dtype=np.int64)
    cols = np.array(cols_list, dtype=np.int64)
    for start in range(0, len(g_list), 1000):
        block = space.block(np.arange(start, min(start + 1000, len(g_list))))
        mine = (rows >= start) & (rows < start + len(block.rows))
        columns = _feature_columns(block.features())
        for j, column in enumerate(columns):
            out[mine, j] = column[rows[mine] - start, cols[mine]]
    return out


def _index_of(profile: Profile, seen: dict[str, int], profiles: list[Profile]) -> int:
    key = repr(profile)
    if key not in seen:
        seen[key] = len(profiles)
        profiles.append(dataclasses.replace(profile, id=str(len(profiles))))  # versions of one id are apart
    return seen[key]
