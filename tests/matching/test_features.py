"""CharTfidf: the same matrix as scikit-learn's character n-gram TF-IDF, built word by word."""
from __future__ import annotations

import random

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.features import CharTfidf, _word_grams


def test_word_grams_are_the_char_wb_analysers():
    analyse = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), lowercase=False).build_analyzer()
    for word in ["a", "ab", "abc", "abcd", "ёлка", "футбол", "x1", "I", "длинноеслово"]:
        assert _word_grams(word) == analyse(word)


def test_char_tfidf_equals_scikit_learn_on_random_texts():
    rnd = random.Random(0)
    alphabet = "абвгдеёжзиклмнопрстуфхцчшщыэюяabcdefghij"
    words = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 9))) for _ in range(300)]
    texts = [" ".join(rnd.choice(words) for _ in range(rnd.randint(0, 25))) for _ in range(200)]
    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), lowercase=False, sublinear_tf=True,
                                dtype=np.float32)
    expected = reference.fit_transform(texts)
    ours = CharTfidf()
    found = ours.fit_transform(texts)
    columns = [ours.vocabulary_[gram] for gram in reference.get_feature_names_out()]
    assert np.allclose(found[:, columns].toarray(), expected.toarray(), atol=1e-6)
    unseen = ["новые слова abc", ""]
    assert np.allclose(ours.transform(unseen)[:, columns].toarray(), reference.transform(unseen).toarray(),
                       atol=1e-6)
