"""Vectorisation of profiles and the per-pair similarity components, computed block by block.

Why blocks: a country (100,000 graduates x 20,000 mentors) would need a 2e9-cell matrix per
component; instead graduates are processed a block at a time, so memory stays bounded by
``block x n_mentors``. Two ways to score a block:

* :meth:`FeatureSpace.block` materialises every component (for the learned model and ``assign``);
* :meth:`FeatureSpace.weighted_scores` gives the unsupervised score directly, the weights and the
  hard rules folded into one dense (BLAS) and one sparse product (for ``suggest`` at scale).

In the reduced about space (above EXACT_ABOUT_MAX_PAIRS) ``suggest`` ranks every mentor with the
reduced vectors, then re-scores each graduate's best RERANK candidates with the exact TF-IDF, so
its top-k is the exact one unless an exact top-k mentor fell outside the candidates.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Iterator, Sequence

import numpy as np
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize

from .profiles import AREAS, Profile, normalise_text

#: Above this many graduate x mentor pairs the about texts are compared in a reduced space
#: (latent semantic analysis of the same character n-gram TF-IDF), because exact sparse cosine
#: products of character n-grams are nearly dense and would take minutes on a country.
EXACT_ABOUT_MAX_PAIRS = 40_000_000
ABOUT_DIMENSIONS = 128
#: Interests held by at least this share of mentors (at most DENSE_WORDS of them) are scored
#: with dense BLAS products; rarer ones with sparse products.
DENSE_WORDS = 512
DENSE_WORD_SHARE = 0.002
#: The sparse side of the weighted score is kept dense up to this many cells (64 MB of float32).
SPARSE_SIDE_DENSE_CELLS = 16_000_000
#: Hard rules are folded into the dense product when graduates have at most this many distinct
#: (languages, preferred gender) combinations: a pair that breaks one scores about INADMISSIBLE.
RULE_CLASSES_DENSE = 64
INADMISSIBLE = -10.0

#: Names of the per-pair components. No gender among them: a preference is a hard rule, never a feature.
COMPONENTS: tuple[str, ...] = ("cover", "interests", "about", "same_municipality", "shared_languages")


@dataclass
class Block:
    """The components of one chunk of graduates against all mentors (arrays chunk x n_mentors)."""

    rows: np.ndarray          # indices of the graduates of this chunk
    cover: np.ndarray         # share of the graduate's needed areas the mentor covers, [0, 1]
    interests: np.ndarray     # cosine of the interest multi-hot vectors, [0, 1]
    about: np.ndarray         # cosine of the about TF-IDF vectors, <= 1 (can dip below 0 when reduced)
    same_municipality: np.ndarray  # bool: both in the same (known) municipality
    shared_languages: np.ndarray   # number of languages both speak
    admissible: np.ndarray    # bool: no hard rule broken (language, gender preference, room)

    def features(self, names: Sequence[str] = COMPONENTS) -> list[np.ndarray]:
        """The components ``names`` (by default COMPONENTS), as float32 arrays (for the learned model)."""
        return [getattr(self, name).astype(np.float32, copy=False) for name in names]


def _codes(values: Sequence[str | None], vocabulary: dict[str, int], missing: int) -> np.ndarray:
    return np.array([vocabulary.setdefault(v, len(vocabulary)) if v is not None else missing
                     for v in values], dtype=np.int32)


class Vocabulary:
    """The about texts' TF-IDF (character 3-4-grams) fitted once on a whole population, e.g. a region's.

    Why: fitted on the people of each call, a pair's about similarity (so its score) would depend on
    who else is in the call; with one vocabulary per population the board, the proposal and its
    reasons show the same number for the same pair. Refit it when the population's profiles change
    (``fingerprint`` tells two populations apart). Texts it has not seen are transformed with the
    n-grams and weights it knows.
    """

    def __init__(self, profiles: Sequence[Profile]) -> None:
        texts = [normalise_text(p.about) for p in profiles]
        self.fingerprint = _fingerprint(texts)
        self.size = len(texts)
        self.vectoriser: CharTfidf | None = None
        if any(texts):
            vectoriser = _vectoriser()
            try:
                vectoriser.fit(texts)
                self.vectoriser = vectoriser
            except ValueError:  # only texts shorter than the n-grams
                pass

    def transform(self, texts: list[str]) -> sparse.csr_matrix | None:
        if self.vectoriser is None:
            return None
        return self.vectoriser.transform(texts)


def _vectoriser() -> "CharTfidf":
    return CharTfidf()


class CharTfidf:
    """The same matrix as ``TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True)``
    (smooth idf, rows L2-normalised, float32), built word by word and with numpy.

    Why: "char_wb" n-grams never cross a space, so a text's n-gram counts are the sum of its words'.
    Each distinct word is cut into n-grams once (people repeat words: a region's texts have a few
    thousand distinct words for tens of thousands of running ones), and the text x n-gram counts are
    one sparse product (text x word counts) @ (word x n-gram counts). The n-grams themselves are integer
    keys (each character's rank in the fitted alphabet as a digit) cut from all the distinct words at
    once: a region's fit takes a few milliseconds where a Python loop over every n-gram took tens.
    """

    def __init__(self) -> None:
        self.alphabet_: np.ndarray = np.zeros(0, dtype=np.uint32)  # sorted code points seen in fitting
        self.keys_: np.ndarray = np.zeros(0, dtype=np.int64)        # sorted n-gram keys: the columns
        self.idf_: np.ndarray | None = None
        self._vocabulary: dict[str, int] | None = None

    @property
    def vocabulary_(self) -> dict[str, int]:
        """n-gram -> column, as scikit-learn's attribute of that name (for inspection and tests)."""
        if self._vocabulary is None:
            self._vocabulary = self._decoded()
        return self._vocabulary

    def _decoded(self) -> dict[str, int]:
        base = len(self.alphabet_) + 1
        found = {}
        for column, key in enumerate(self.keys_.tolist()):
            digits = []
            while key:
                key, digit = divmod(key, base)
                digits.append(chr(int(self.alphabet_[digit - 1])))
            found["".join(reversed(digits))] = column
        return found

    def _counts(self, texts: list[str], grow: bool) -> sparse.csr_matrix:
        text_words, words = _text_words(texts)
        codes = _codes_of(words)
        if grow:
            self.alphabet_ = np.unique(codes)
        keys, word_of = _gram_keys(words, codes, self.alphabet_)
        if grow:
            self.keys_, columns = np.unique(keys, return_inverse=True)
            self._vocabulary = None
        else:
            at = np.minimum(np.searchsorted(self.keys_, keys), max(len(self.keys_) - 1, 0))
            known = self.keys_[at] == keys if len(self.keys_) else np.zeros(len(keys), dtype=bool)
            columns, word_of = at[known], word_of[known]
        word_grams = sparse.csr_matrix((np.ones(len(columns), dtype=np.float32), (word_of, columns.ravel())),
                                       shape=(len(words), len(self.keys_)))
        return (text_words @ word_grams).tocsr()

    def _weighted(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        counts.data = np.log(counts.data) + 1  # sublinear tf
        counts.data *= self.idf_.astype(np.float32)[counts.indices]
        return normalize(counts).astype(np.float32)

    def fit_transform(self, texts: list[str]) -> sparse.csr_matrix:
        counts = self._counts(texts, grow=True)
        if not len(self.keys_):
            raise ValueError("no n-grams: only empty texts")
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        self.idf_ = np.log((1 + counts.shape[0]) / (1 + df)) + 1
        return self._weighted(counts)

    def fit(self, texts: list[str]) -> "CharTfidf":
        self.fit_transform(texts)
        return self

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        return self._weighted(self._counts(texts, grow=False))


def _text_words(texts: list[str]) -> tuple[sparse.csr_matrix, list[str]]:
    """(text x distinct word counts, the distinct words in order of first use)."""
    split = [text.split() for text in texts]
    tokens = list(chain.from_iterable(split))
    words = list(dict.fromkeys(tokens))
    index = dict(zip(words, range(len(words))))
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, split), dtype=np.int64, count=len(split)), out=indptr[1:])
    matrix = sparse.csr_matrix((np.ones(len(tokens), dtype=np.float32),
                                np.fromiter(map(index.__getitem__, tokens), dtype=np.int64, count=len(tokens)),
                                indptr), shape=(len(texts), len(words)))
    matrix.sum_duplicates()
    return matrix, words


def _codes_of(words: list[str]) -> np.ndarray:
    """Code points of the words, each padded with a space either side, back to back."""
    joined = "".join([f" {word} " for word in words])
    return np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)


def _gram_keys(words: list[str], codes: np.ndarray, alphabet: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every character 3- and 4-gram of the padded words (what the "char_wb" analyser cuts: a padded word
    is at least 3 characters) as an integer key, and the word each comes from. A key is the n-gram's
    characters as digits (rank in ``alphabet`` + 1) in base ``len(alphabet) + 1``: 3-grams fall below
    base ** 3, 4-grams above. N-grams with a character outside the alphabet are left out. ``codes``: the
    words' :func:`_codes_of`."""
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words)) + 2
    word_at = np.repeat(np.arange(len(words), dtype=np.int64), lengths)
    base = len(alphabet) + 1
    at = np.minimum(np.searchsorted(alphabet, codes), max(len(alphabet) - 1, 0))
    digits = np.where(alphabet[at] == codes, at + 1, 0) if len(alphabet) else np.zeros(len(codes), np.int64)
    if base ** 4 >= 2 ** 62:  # an alphabet of tens of thousands of characters: exact keys as Python ints
        digits = digits.astype(object)
    keys, owners = [], []
    for size in (3, 4):
        starts = np.flatnonzero(word_at[size - 1:] == word_at[:len(word_at) - size + 1])
        key = digits[starts]
        known = key > 0
        for offset in range(1, size):
            following = digits[starts + offset]
            key = key * base + following
            known &= following > 0
        keys.append(key[known])
        owners.append(word_at[starts[known]])
    return np.concatenate(keys), np.concatenate(owners)


def texts_fingerprint(texts: Sequence[str]) -> str:
    """What :attr:`Vocabulary.fingerprint` would be for profiles with these about texts, without fitting (or
    building the profiles): to know when to refit."""
    return _fingerprint([normalise_text(text) for text in texts])


def _fingerprint(texts: list[str]) -> str:
    import hashlib

    digest = hashlib.sha256()
    for text in sorted(texts):
        digest.update(text.encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


class FeatureSpace:
    """Everything vectorised once for a set of graduates and mentors.

    ``vocabulary``: the population's fitted :class:`Vocabulary` (about texts); without one the TF-IDF
    is fitted on these graduates and mentors.
    """

    def __init__(self, graduates: Sequence[Profile], mentors: Sequence[Profile],
                 about_dimensions: int | None | str = "auto", vocabulary: Vocabulary | None = None) -> None:
        self.graduates = list(graduates)
        self.mentors = list(mentors)
        _check_ids(self.graduates, "graduate")
        _check_ids(self.mentors, "mentor")
        n_g, n_m = len(self.graduates), len(self.mentors)

        # Interests: free words as a sparse multi-hot, rows L2-normalised so a product is a cosine.
        g_words, m_words = _multi_hot([p.interests for p in self.graduates], [p.interests for p in self.mentors])
        self.g_interests = normalize(g_words)
        self.m_interests_t = normalize(m_words).T.tocsr()

        # Areas: graduate rows divided by the number of needs, so the product is the covered share.
        area_columns = {area: i for i, area in enumerate(AREAS)}
        g_areas = _rows_of([p.areas for p in self.graduates], area_columns).toarray()
        needs = g_areas.sum(axis=1, keepdims=True)
        self.g_areas = np.divide(g_areas, needs, out=np.zeros_like(g_areas), where=needs > 0)
        self.m_areas_t = np.ascontiguousarray(_rows_of([p.areas for p in self.mentors], area_columns).toarray().T)

        # Languages: multi-hot; the product counts shared languages.
        g_languages, m_languages = _multi_hot([p.languages for p in self.graduates],
                                              [p.languages for p in self.mentors])
        self.g_languages = g_languages.toarray()
        self.m_languages_t = np.ascontiguousarray(m_languages.toarray().T)

        municipalities: dict[str, int] = {}
        self.g_municipality = _codes([p.municipality for p in self.graduates], municipalities, -1)
        self.m_municipality = _codes([p.municipality for p in self.mentors], municipalities, -2)
        genders: dict[str, int] = {}
        self.g_gender = _codes([p.gender for p in self.graduates], genders, -1)
        self.g_prefers = _codes([p.prefers_gender for p in self.graduates], genders, -1)
        self.m_gender = _codes([p.gender for p in self.mentors], genders, -2)
        self.m_has_room = np.array([p.capacity > 0 for p in self.mentors], dtype=bool)

        # About: TF-IDF over character n-grams (Russian and English alike, robust to word endings).
        self.about_dimensions: int | None = None
        # normalise_text without its spaces collapsed: the TF-IDF splits the words itself.
        texts_g = [p.about.lower().replace("ё", "е") for p in self.graduates]
        texts_m = [p.about.lower().replace("ё", "е") for p in self.mentors]
        if about_dimensions == "auto":
            about_dimensions = ABOUT_DIMENSIONS if n_g * n_m > EXACT_ABOUT_MAX_PAIRS else None
        self.g_about, self.m_about_t, self.about_dense, exact = _about_vectors(texts_g, texts_m, about_dimensions,
                                                                               vocabulary)
        # In the reduced space the exact TF-IDF rows stay too: the best candidates are re-scored exactly.
        self.g_about_exact, self.m_about_exact = exact
        if self.about_dense:
            self.about_dimensions = int(self.g_about.shape[1])
        # Mentor rows too, for the similarity of a few given pairs (exact mode only).
        self.m_about = self.m_about_t.T.tocsr() if self.g_about is not None and not self.about_dense else None
        # Reduced space: mentor rows contiguous, so gathering a few mentors' vectors per graduate is fast.
        self.m_about_rows = np.ascontiguousarray(self.m_about_t.T) if self.about_dense else None

    # --- fast path: the weighted score without materialising each component -------------------

    def prepare_weighted(self, weights: dict[str, float]) -> None:
        """Fold the weights into the vectors so a block's score takes one dense and one sparse product.

        Dense (BLAS): needed-area shares, frequent interests, the reduced about vectors, and the
        hard rules as a penalty: one column per distinct (languages, preferred gender) of
        graduates against INADMISSIBLE x "breaks a rule" per mentor. Sparse: rare interests,
        municipality one-hot (and the exact about TF-IDF when not reduced). Frequent interests go
        dense because their sparse products are nearly dense and slow.
        """
        w = {name: np.float32(value) for name, value in weights.items()}
        dense_g, dense_m = [self.g_areas * w["cover"]], [self.m_areas_t]
        sparse_g, sparse_m = [], []
        self.w_about = w["about"]
        self.m_about_t_dense = None
        shared = self._shared_about_grams() if self.g_about is not None and not self.about_dense else None
        if self.about_dense:
            dense_g.append(self.g_about * w["about"])
            dense_m.append(self.m_about_t)
        elif shared is not None and len(shared) * len(self.mentors) <= SPARSE_SIDE_DENSE_CELLS:
            # Exact about texts, a region's size: their product is kept apart (sparse x dense, the
            # mentors' side dense), so the block's about similarities are also each pair's reason.
            # Only the n-grams both sides use can add to a product: the others are left out of it
            # (the same sums, term for term, over a few thousand columns instead of tens of thousands).
            self.g_about_shared = self.g_about[:, shared]
            self.m_about_t_dense = self.m_about_t[shared].toarray()
        elif self.g_about is not None:
            sparse_g.append(self.g_about * w["about"])
            sparse_m.append(self.m_about_t)
        mentors_per_word = np.diff(self.m_interests_t.indptr)
        by_frequency = np.argsort(-mentors_per_word, kind="stable")
        frequent = by_frequency[:DENSE_WORDS][mentors_per_word[by_frequency[:DENSE_WORDS]]
                                              >= DENSE_WORD_SHARE * len(self.mentors)]
        rare = np.setdiff1d(np.arange(len(mentors_per_word)), frequent)
        g_words = self.g_interests.tocsc()
        if frequent.size:
            dense_g.append(g_words[:, frequent].toarray() * w["interests"])
            dense_m.append(self.m_interests_t[frequent].toarray())
        sparse_g.append(g_words[:, rare].tocsr() * w["interests"])
        sparse_m.append(self.m_interests_t[rare])
        n_places = int(max(self.g_municipality.max(initial=-1), self.m_municipality.max(initial=-1))) + 1
        sparse_g.append(_one_hot(self.g_municipality, n_places) * w["same_municipality"])
        sparse_m.append(_one_hot(self.m_municipality, n_places).T.tocsr())

        # Hard rules: one "breaks a rule" row per distinct (languages, prefers_gender) of graduates.
        keys: dict[tuple, int] = {}
        g_class = np.array([keys.setdefault((tuple(sorted(p.languages)), p.prefers_gender), len(keys))
                            for p in self.graduates], dtype=np.int64)
        self.rule_masks = None
        self.g_rule_class = g_class
        if 0 < len(keys) <= RULE_CLASSES_DENSE:
            firsts = np.unique(g_class, return_index=True)[1]
            breaks = np.stack([~self._admissible(np.array([i]))[0] for i in firsts]).astype(np.float32)
            dense_g.append(np.eye(len(keys), dtype=np.float32)[g_class])
            dense_m.append(breaks * np.float32(INADMISSIBLE))
        elif len(keys) * len(self.mentors) <= 50_000_000:
            firsts = np.unique(g_class, return_index=True)[1]
            self.rule_masks = np.stack([~self._admissible(np.array([i]))[0] for i in firsts])
        self.rules_in_product = 0 < len(keys) <= RULE_CLASSES_DENSE
        self.w_dense_g = np.ascontiguousarray(np.hstack(dense_g), dtype=np.float32)
        self.w_dense_m = np.ascontiguousarray(np.vstack(dense_m), dtype=np.float32)
        self.w_sparse_g = sparse.hstack(sparse_g, format="csr", dtype=np.float32)
        self.w_sparse_m = sparse.vstack(sparse_m, format="csr", dtype=np.float32)
        # A region's sparse side is small enough to keep dense: sparse x dense gives the dense block
        # directly, 3-5x faster than a sparse product that comes out nearly dense (exact about texts).
        self.w_sparse_m_dense = (self.w_sparse_m.toarray() if self.w_sparse_m.shape[0] * len(self.mentors)
                                 <= SPARSE_SIDE_DENSE_CELLS else None)

    def _shared_about_grams(self) -> np.ndarray:
        """Columns (n-grams) of the about TF-IDF that some graduate's text and some mentor's text both have."""
        in_graduates = np.bincount(self.g_about.indices, minlength=self.g_about.shape[1]) > 0
        in_mentors = np.diff(self.m_about_t.indptr) > 0
        return np.flatnonzero(in_graduates & in_mentors)

    def _admissible(self, rows: np.ndarray) -> np.ndarray:
        shared = self.g_languages[rows] @ self.m_languages_t
        prefers = self.g_prefers[rows][:, None]
        admissible = (prefers == self.m_gender[None, :]) | (prefers < 0)
        admissible &= shared > 0
        admissible &= self.m_has_room[None, :]
        return admissible

    def weighted_scores(self, rows: np.ndarray) -> np.ndarray:
        """Unclipped weighted scores of graduates ``rows``, below INADMISSIBLE / 2 where a hard rule
        is broken; see prepare_weighted."""
        return self.weighted_scores_and_about(rows)[0]

    def weighted_scores_and_about(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """The weighted scores and, when the exact about product was made apart (a region's size),
        the about similarity of every pair of the block (None otherwise: see about_of_pairs)."""
        score = self.w_dense_g[rows] @ self.w_dense_m
        about = None
        if self.m_about_t_dense is not None:
            about = self.g_about_shared[rows] @ self.m_about_t_dense
            np.minimum(about, 1.0, out=about)
            score += about * self.w_about
        if self.w_sparse_m_dense is not None:
            score += self.w_sparse_g[rows] @ self.w_sparse_m_dense
            product = None
        else:
            product = self.w_sparse_g[rows] @ self.w_sparse_m
        if product is not None and product.nnz:
            row_of = np.repeat(np.arange(len(rows), dtype=np.int64) * score.shape[1], np.diff(product.indptr))
            score.reshape(-1)[row_of + product.indices] += product.data
        if not self.rules_in_product:
            if self.rule_masks is not None:
                inadmissible = self.rule_masks[self.g_rule_class[rows]]
            else:
                inadmissible = ~self._admissible(rows)
            np.copyto(score, np.float32(INADMISSIBLE), where=inadmissible)
        return score, about

    def about_of_pairs(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """About similarity of graduate ``rows[i]`` with mentors ``cols[i, :]`` (rows x k)."""
        if self.g_about is None:
            return np.zeros(cols.shape, dtype=np.float32)
        if self.about_dense:
            m_vectors = self.m_about_rows[cols]  # rows x k x d
            return np.einsum("rd,rkd->rk", self.g_about[rows], m_vectors)
        repeated = self.g_about[np.repeat(rows, cols.shape[1])]
        mentors = self.m_about[cols.reshape(-1)]
        values = np.asarray(repeated.multiply(mentors).sum(axis=1)).reshape(cols.shape)
        return np.minimum(values, 1.0)

    def exact_about_of_pairs(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Exact about similarity (the TF-IDF, not the reduced space) of graduate ``rows[i]`` with ``cols[i, :]``."""
        if self.g_about_exact is None:
            return self.about_of_pairs(rows, cols)
        repeated = self.g_about_exact[np.repeat(rows, cols.shape[1])]
        mentors = self.m_about_exact[cols.reshape(-1)]
        values = np.asarray(repeated.multiply(mentors).sum(axis=1)).reshape(cols.shape)
        return np.minimum(values, 1.0).astype(np.float32)

    def block(self, rows: np.ndarray) -> Block:
        """The components of graduates ``rows`` against every mentor."""
        n_m = len(self.mentors)
        cover = self.g_areas[rows] @ self.m_areas_t
        interests = (self.g_interests[rows] @ self.m_interests_t).toarray()
        if self.about_dense:
            about = self.g_about[rows] @ self.m_about_t
            np.minimum(about, 1.0, out=about)
        elif self.g_about is not None:
            about = (self.g_about[rows] @ self.m_about_t).toarray()
            np.minimum(about, 1.0, out=about)
        else:
            about = np.zeros((len(rows), n_m), dtype=np.float32)
        gm = self.g_municipality[rows][:, None]
        same_municipality = gm == self.m_municipality[None, :]
        shared_languages = self.g_languages[rows] @ self.m_languages_t
        admissible = self._admissible(rows)
        return Block(rows=rows, cover=cover.astype(np.float32, copy=False),
                     interests=interests.astype(np.float32, copy=False), about=about.astype(np.float32, copy=False),
                     same_municipality=same_municipality, shared_languages=shared_languages,
                     admissible=admissible)

    def blocks(self, chunk_size: int) -> Iterator[Block]:
        for start in range(0, len(self.graduates), chunk_size):
            yield self.block(np.arange(start, min(start + chunk_size, len(self.graduates))))


def _one_hot(codes: np.ndarray, width: int) -> sparse.csr_matrix:
    """Sparse one-hot rows of non-negative codes (negative codes: empty rows)."""
    known = codes >= 0
    return sparse.csr_matrix((np.ones(int(known.sum()), dtype=np.float32),
                              (np.flatnonzero(known), codes[known])), shape=(len(codes), max(width, 1)))


def _multi_hot(lists_g: list[list[str]], lists_m: list[list[str]]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Sparse multi-hot rows over the union vocabulary, its words in sorted order (so a product sums
    in the same order whoever else is in the call); one empty column when there are no words."""
    words = sorted(set(chain.from_iterable(lists_g)).union(chain.from_iterable(lists_m)))
    columns = dict(zip(words, range(len(words))))
    return _rows_of(lists_g, columns), _rows_of(lists_m, columns)


def _rows_of(lists: list[list[str]], columns: dict[str, int]) -> sparse.csr_matrix:
    """Multi-hot float32 rows of ``lists`` (each without repeats) over ``columns`` (at least one column)."""
    indptr = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, lists), dtype=np.int64, count=len(lists)), out=indptr[1:])
    flat = list(chain.from_iterable(lists))
    indices = np.fromiter(map(columns.__getitem__, flat), dtype=np.int64, count=len(flat))
    matrix = sparse.csr_matrix((np.ones(len(flat), dtype=np.float32), indices, indptr),
                               shape=(len(lists), max(len(columns), 1)))
    matrix.sum_duplicates()  # sorted indices; a word given twice still counts once
    matrix.data[:] = 1
    return matrix


def _about_vectors(texts_g: list[str], texts_m: list[str], dimensions: int | None,
                   vocabulary: Vocabulary | None = None):
    texts = texts_g + texts_m
    nothing = None, None, False, (None, None)
    if not any(texts):
        return nothing
    if vocabulary is not None:
        matrix = vocabulary.transform(texts)
        if matrix is None:
            return nothing
    else:
        try:
            matrix = _vectoriser().fit_transform(texts)
        except ValueError:  # only texts shorter than the n-grams
            return nothing
    g, m = matrix[: len(texts_g)], matrix[len(texts_g):]
    if dimensions is None or dimensions >= min(matrix.shape) - 1:
        return g.tocsr(), m.T.tocsr(), False, (None, None)
    svd = TruncatedSVD(n_components=dimensions, algorithm="randomized", n_iter=3, random_state=0)
    sample = matrix
    if matrix.shape[0] > 30_000:  # the latent space is learned from a sample; all rows are projected
        pick = np.random.default_rng(0).choice(matrix.shape[0], 30_000, replace=False)
        sample = matrix[np.sort(pick)]
    svd.fit(sample)
    g_dense = normalize(svd.transform(g)).astype(np.float32)
    m_dense = normalize(svd.transform(m)).astype(np.float32)
    return g_dense, np.ascontiguousarray(m_dense.T), True, (g.tocsr(), m.tocsr())


def _check_ids(profiles: Sequence[Profile], what: str) -> None:
    ids = [p.id for p in profiles]
    if len(set(ids)) != len(ids):
        raise ValueError(f"duplicate {what} ids")
