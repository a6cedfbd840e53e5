"""CharTfidf: the same matrix as scikit-learn's character n-gram TF-IDF, built word by word."""
from __future__ import annotations

import random
from collections import Counter

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.features import CharTfidf


def _reference(**options) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), lowercase=False, sublinear_tf=True,
                           dtype=np.float32, **options)


def test_n_grams_are_the_char_wb_analysers():
    analyse = _reference().build_analyzer()
    for word in ["a", "ab", "abc", "abcd", "ёлка", "футбол", "x1", "I", "длинноеслово", "aaaa"]:
        ours = CharTfidf()
        counts = ours._counts([word], grow=True).toarray()[0]
        expected = Counter(analyse(word))
        assert {gram: int(counts[column]) for gram, column in ours.vocabulary_.items()} == expected


def test_an_alphabet_of_tens_of_thousands_of_characters_still_gives_exact_n_grams():
    """Past about 55,000 distinct characters the integer keys would overflow int64: they become Python ints."""
    characters = [chr(c) for c in list(range(0x4E00, 0x9FA0)) + list(range(0x20000, 0x29000))]
    rnd = random.Random(1)
    rnd.shuffle(characters)
    texts = [" ".join("".join(characters[i:i + 5]) for i in range(start, start + 500, 5))
             for start in range(0, len(characters) - 500, 500)]
    reference = _reference()
    expected = reference.fit_transform(texts)
    ours = CharTfidf()
    found = ours.fit_transform(texts)
    assert len(ours.alphabet_) > 55_000
    columns = [ours.vocabulary_[gram] for gram in reference.get_feature_names_out()]
    assert np.allclose(found[:, columns].toarray(), expected.toarray(), atol=1e-6)


def test_char_tfidf_equals_scikit_learn_on_random_texts():
    rnd = random.Random(0)
    alphabet = "абвгдеёжзиклмнопрстуфхцчшщыэюяabcdefghij"
    words = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 9))) for _ in range(300)]
    texts = [" ".join(rnd.choice(words) for _ in range(rnd.randint(0, 25))) for _ in range(200)]
    reference = _reference()
    expected = reference.fit_transform(texts)
    ours = CharTfidf()
    found = ours.fit_transform(texts)
    columns = [ours.vocabulary_[gram] for gram in reference.get_feature_names_out()]
    assert np.allclose(found[:, columns].toarray(), expected.toarray(), atol=1e-6)
    unseen = ["новые слова abc", "", "ünknown zeichen ß", "中文"]
    assert np.allclose(ours.transform(unseen)[:, columns].toarray(), reference.transform(unseen).toarray(),
                       atol=1e-6)
