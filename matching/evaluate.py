"""Measuring suggestions: ranking metrics, a synthetic population with a known hidden truth,
and a plain keyword-overlap baseline to compare against.

The synthetic population exists because real decisions are few and private: each person has a
hidden topic (what they are really into) and a graduate has hidden true needs; the visible
interests, about texts and areas are noisy views of them. A mentor is relevant to a graduate when
the hidden compatibility (true needs covered, same topic, same municipality, plus noise) is high
and no hard rule is broken.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np
from sklearn.preprocessing import MultiLabelBinarizer

from .features import FeatureSpace
from .profiles import AREAS, Profile, Suggestion
from .sides import Match, Opportunity, Person, pair_scores

Ranked = Sequence[str] | Sequence[Suggestion]
Relevant = set[str] | frozenset[str] | Mapping[str, float]


def _ids(ranked: Iterable[Any]) -> list[str]:
    """Mentor ids of suggestions, ids of matches (``matching.sides.Match``), or the ids themselves."""
    return [item.mentor_id if isinstance(item, Suggestion) else item.id if isinstance(item, Match) else str(item)
            for item in ranked]


def _gain(relevant: Relevant, mentor_id: str) -> float:
    if isinstance(relevant, Mapping):
        return float(relevant.get(mentor_id, 0.0))
    return 1.0 if mentor_id in relevant else 0.0


def precision_at_k(ranked: Ranked, relevant: Relevant, k: int) -> float:
    """Share of the first ``k`` places that hold a relevant mentor (missing places count as misses)."""
    ids = _ids(ranked)[:k]
    return sum(1 for m in ids if _gain(relevant, m) > 0) / k if k > 0 else 0.0


def ndcg_at_k(ranked: Ranked, relevant: Relevant, k: int) -> float:
    """Normalised discounted cumulative gain at ``k``; ``relevant`` is a set (gain 1) or id -> gain.

    0.0 when nothing is relevant.
    """
    ids = _ids(ranked)[:k]
    dcg = sum(_gain(relevant, m) / math.log2(i + 2) for i, m in enumerate(ids))
    gains = sorted((float(v) for v in relevant.values()) if isinstance(relevant, Mapping)
                   else [1.0] * len(relevant), reverse=True)[:k]
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    return dcg / ideal if ideal > 0 else 0.0


def coverage(suggestions: Mapping[str, Sequence[Any]], graduate_ids: Iterable[str] | None = None) -> float:
    """Share of graduates with at least one (admissible) suggestion."""
    ids = list(graduate_ids) if graduate_ids is not None else list(suggestions)
    if not ids:
        return 0.0
    return sum(1 for g in ids if suggestions.get(g)) / len(ids)


def mean_metric(suggestions: Mapping[str, Ranked], relevance: Mapping[str, Relevant],
                metric: Callable[[Ranked, Relevant, int], float], k: int) -> float:
    """Mean of ``metric`` over the graduates that have at least one relevant mentor."""
    values = []
    for g_id, ranked in suggestions.items():
        relevant = relevance.get(g_id)
        if relevant:
            values.append(metric(ranked, relevant, k))
    return float(np.mean(values)) if values else 0.0


def baseline_suggest(graduates: Sequence[Profile], mentors: Sequence[Profile], k: int = 5,
                     chunk_size: int = 1000, municipality_bonus: float = 0.0) -> dict[str, list[Suggestion]]:
    """Keyword overlap: rank by the count of shared interests plus shared areas (hard rules kept).

    ``municipality_bonus`` is added for a pair in the same municipality (the stronger baseline,
    :func:`municipality_baseline`). Scores are divided by the largest, so they sit in [0, 1] too; no reasons.
    """
    graduates, mentors = list(graduates), list(mentors)
    result: dict[str, list[Suggestion]] = {g.id: [] for g in graduates}
    if not graduates or not mentors:
        return result
    space = FeatureSpace(graduates, mentors, about_dimensions=None)
    words = MultiLabelBinarizer(sparse_output=True)
    words.fit([p.interests + p.areas for p in graduates + mentors])
    g_words = words.transform([p.interests + p.areas for p in graduates]).astype(np.float32).tocsr()
    m_words_t = words.transform([p.interests + p.areas for p in mentors]).astype(np.float32).T.tocsr()
    kk = min(k, len(mentors))
    for start in range(0, len(graduates), chunk_size):
        rows = np.arange(start, min(start + chunk_size, len(graduates)))
        admissible = space.block(rows).admissible
        counts = (g_words[rows] @ m_words_t).toarray()
        if municipality_bonus:
            gm = space.g_municipality[rows][:, None]
            counts += np.float32(municipality_bonus) * (gm == space.m_municipality[None, :])
        counts[~admissible] = -1
        top = np.argsort(-counts, axis=1, kind="stable")[:, :kk]
        top_counts = np.take_along_axis(counts, top, axis=1)
        best = max(float(counts.max()), 1.0)
        for row, g in zip(range(len(rows)), rows):
            result[graduates[g].id] = [Suggestion(mentors[c].id, float(v) / best)
                                       for c, v in zip(top[row].tolist(), top_counts[row].tolist()) if v >= 0]
    return result


#: The same-municipality bonus of the stronger baseline, in shared keywords: the best of 0.5-6 on
#: both synthetic populations (2,500 x 600; measured 2026-12-01, bench/matching.py quality).
MUNICIPALITY_BONUS = 2.0


def municipality_baseline(graduates: Sequence[Profile], mentors: Sequence[Profile], k: int = 5
                          ) -> dict[str, list[Suggestion]]:
    """The stronger baseline: keyword overlap plus a bonus for the same municipality."""
    return baseline_suggest(graduates, mentors, k=k, municipality_bonus=MUNICIPALITY_BONUS)


def top_k_recall(exact: Mapping[str, Sequence[Any]], approximate: Mapping[str, Sequence[Any]]
                 ) -> tuple[float, float]:
    """(mean recall of the exact top-k in the approximate top-k, share of graduates with all of it).

    For the reduced about space against the exact one: the same k on both sides.
    """
    recalls = []
    for g_id, items in exact.items():
        wanted = set(_ids(items))
        if wanted:
            recalls.append(len(wanted & set(_ids(approximate.get(g_id, ())))) / len(wanted))
    if not recalls:
        return 1.0, 1.0
    return float(np.mean(recalls)), float(np.mean([r == 1.0 for r in recalls]))


# --- synthetic population -------------------------------------------------------------------

TOPICS: dict[str, tuple[list[str], list[str]]] = {
    "sport": (["футбол", "football", "бег", "плавание", "волейбол", "спортзал", "хоккей"],
              ["люблю спорт и тренировки", "играю в футбол по выходным", "I like running and the gym",
               "хожу в бассейн и на стадион", "занимаюсь бегом каждое утро"]),
    "arts": (["рисование", "drawing", "театр", "фотография", "музеи", "рукоделие"],
             ["рисую и хожу в музеи", "люблю театр и фотографию", "I paint and take photos",
              "занимаюсь рукоделием и вышивкой"]),
    "tech": (["программирование", "компьютеры", "игры", "robotics", "электроника"],
             ["разбираюсь в компьютерах и технике", "пишу программы на python", "I build robots and code",
              "чиню телефоны и ноутбуки"]),
    "cooking": (["кулинария", "cooking", "выпечка", "готовка", "кофе"],
                ["люблю готовить и печь пироги", "I enjoy cooking for friends", "пеку торты и хлеб",
                 "учусь на повара"]),
    "nature": (["походы", "рыбалка", "hiking", "природа", "садоводство", "животные"],
               ["хожу в походы и на рыбалку", "люблю природу и лес", "у меня есть собака и огород",
                "I go hiking in the mountains"]),
    "music": (["гитара", "музыка", "пение", "music", "танцы"],
              ["играю на гитаре", "пою и танцую в ансамбле", "I play music in a band",
               "слушаю рок и учусь на барабанах"]),
}
FILLER = ["меня зовут", "живу в городе", "учусь в колледже", "работаю на заводе", "хочу помочь ребятам",
          "ищу поддержку", "I want to help", "открыт к общению", "спокойный и ответственный",
          "люблю общаться", "немного стеснительный", "с удовольствием"]


class Relevance(Mapping):
    """Graduate id -> set of relevant mentor ids, computed on access from the hidden truth."""

    THRESHOLD = 0.7

    def __init__(self, graduates: list[Profile], mentors: list[Profile], hidden: dict[str, np.ndarray],
                 seed: int) -> None:
        self._graduates = {g.id: i for i, g in enumerate(graduates)}
        self._profiles = graduates
        self._mentors = mentors
        self._hidden = hidden
        self._seed = seed
        self._m_langs = [set(m.languages) for m in mentors]
        self._m_gender = np.array([m.gender or "" for m in mentors])
        self._m_room = np.array([m.capacity > 0 for m in mentors])
        self._cache: dict[str, set[str]] = {}

    def compatibility(self, graduate_id: str) -> np.ndarray:
        """The hidden compatibility of a graduate with every mentor (deterministic noise)."""
        h, i = self._hidden, self._graduates[graduate_id]
        needs = h["g_needs"][i]
        n_needs = max(int(needs.sum()), 1)
        cover = (h["m_areas"] @ needs) / n_needs
        topic = (h["m_topic"] == h["g_topic"][i]).astype(float)
        place = (h["m_place"] == h["g_place"][i]).astype(float)
        noise = np.random.default_rng((self._seed, i)).normal(0.0, 0.1, len(self._mentors))
        return 0.45 * cover + 0.30 * topic + 0.25 * place + noise

    def __getitem__(self, graduate_id: str) -> set[str]:
        if graduate_id not in self._cache:
            graduate = self._profiles[self._graduates[graduate_id]]
            compat = self.compatibility(graduate_id)
            ok = self._m_room.copy()
            if graduate.prefers_gender:
                ok &= self._m_gender == graduate.prefers_gender
            langs = set(graduate.languages)
            ok &= np.array([bool(langs & m) for m in self._m_langs])
            picked = np.flatnonzero(ok & (compat >= self.THRESHOLD))
            self._cache[graduate_id] = {self._mentors[j].id for j in picked}
        return self._cache[graduate_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._graduates)

    def __len__(self) -> int:
        return len(self._graduates)

    def mentor_accepts(self, graduate_id: str) -> np.ndarray:
        """Which mentors would accept this graduate (hidden): ``0.5 x same topic + 0.3 x same municipality
        + 0.2 x covers one of the true needs + noise(0.15) >= 0.45``; mentors choose by what they share."""
        h, i = self._hidden, self._graduates[graduate_id]
        topic = (h["m_topic"] == h["g_topic"][i]).astype(float)
        place = (h["m_place"] == h["g_place"][i]).astype(float)
        covers = ((h["m_areas"] @ h["g_needs"][i]) > 0).astype(float)
        noise = np.random.default_rng((self._seed, i, 2)).normal(0.0, 0.15, len(self._mentors))
        return 0.5 * topic + 0.3 * place + 0.2 * covers + noise >= 0.45

    def both_sides(self) -> "TwoSided":
        """The two-sided truth: a mentor counts for a graduate when both would accept (see mentor_accepts)."""
        return TwoSided(self)


class TwoSided(Mapping):
    """Graduate id -> mentors relevant to the graduate who would also accept them."""

    def __init__(self, relevance: Relevance) -> None:
        self._relevance = relevance
        self._cache: dict[str, set[str]] = {}

    def __getitem__(self, graduate_id: str) -> set[str]:
        if graduate_id not in self._cache:
            accepts = self._relevance.mentor_accepts(graduate_id)
            mentors = self._relevance._mentors
            index = {m.id: j for j, m in enumerate(mentors)}
            self._cache[graduate_id] = {m for m in self._relevance[graduate_id] if accepts[index[m]]}
        return self._cache[graduate_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._relevance)

    def __len__(self) -> int:
        return len(self._relevance)


def synthetic_population(n_graduates: int, n_mentors: int, seed: int = 0, n_municipalities: int | None = None
                         ) -> tuple[list[Profile], list[Profile], Relevance]:
    """Random graduates and mentors plus who is truly relevant to whom (see the module docstring).

    Municipalities default to about one per 100 graduates (at least 5): a region has tens, a
    country thousands. Languages are mostly Russian, some English or Tatar; genders are "f"/"m";
    a fifth of graduates prefer a mentor of their own gender; mentors take 1-4 mentees.
    """
    rng = np.random.default_rng(seed)
    topics = list(TOPICS)
    n_places = n_municipalities or max(5, n_graduates // 100)
    places = [f"mo-{i}" for i in range(n_places)]
    area_weights = np.array([3, 3, 4, 3, 4, 2, 1, 1, 3, 2], dtype=float)
    area_weights /= area_weights.sum()

    def person_topic_text(topic: str) -> tuple[list[str], str]:
        words, phrases = TOPICS[topic]
        interests = [w for w in words if rng.random() < 0.45]
        for _ in range(rng.integers(0, 2)):
            interests.append(rng.choice(TOPICS[topics[rng.integers(len(topics))]][0]))
        parts = [str(rng.choice(FILLER))]
        if rng.random() < 0.8:
            parts.append(str(rng.choice(phrases)))
        if rng.random() < 0.3:
            parts.append(str(rng.choice(TOPICS[topics[rng.integers(len(topics))]][1])))
        parts.append(str(rng.choice(FILLER)))
        return interests, ", ".join(parts)

    def languages() -> list[str]:
        r = rng.random()
        if r < 0.03:
            return ["en"]
        if r < 0.06:
            return ["tt"]
        langs = ["ru"]
        if rng.random() < 0.15:
            langs.append("en")
        if rng.random() < 0.05:
            langs.append("tt")
        return langs

    g_topic = rng.integers(len(topics), size=n_graduates)
    g_place = rng.integers(n_places, size=n_graduates)
    g_needs = np.zeros((n_graduates, len(AREAS)))
    graduates: list[Profile] = []
    for i in range(n_graduates):
        true = rng.choice(len(AREAS), size=rng.integers(1, 4), replace=False, p=area_weights)
        g_needs[i, true] = 1
        visible = {AREAS[a] for a in true if rng.random() < 0.85}
        if rng.random() < 0.15:
            visible.add(AREAS[rng.integers(len(AREAS))])
        interests, about = person_topic_text(topics[g_topic[i]])
        gender = "f" if rng.random() < 0.5 else "m"
        graduates.append(Profile(id=f"g{i}", interests=interests, areas=sorted(visible), about=about,
                                 municipality=places[g_place[i]], languages=languages(), gender=gender,
                                 prefers_gender=gender if rng.random() < 0.2 else None))
    m_topic = rng.integers(len(topics), size=n_mentors)
    m_place = rng.integers(n_places, size=n_mentors)
    m_areas = np.zeros((n_mentors, len(AREAS)))
    mentors: list[Profile] = []
    for j in range(n_mentors):
        helps = rng.choice(len(AREAS), size=rng.integers(2, 5), replace=False, p=area_weights)
        m_areas[j, helps] = 1
        interests, about = person_topic_text(topics[m_topic[j]])
        mentors.append(Profile(id=f"m{j}", interests=interests, areas=[AREAS[a] for a in helps], about=about,
                               municipality=places[m_place[j]], languages=languages(),
                               capacity=int(rng.integers(1, 5)), gender="f" if rng.random() < 0.6 else "m"))
    hidden = {"g_topic": g_topic, "g_place": g_place, "g_needs": g_needs,
              "m_topic": m_topic, "m_place": m_place, "m_areas": m_areas}
    return graduates, mentors, Relevance(graduates, mentors, hidden, seed)


# --- people and opportunities: volunteers and festival shifts -------------------------------------

ROLE_TOPICS: dict[str, tuple[list[str], list[str]]] = {
    # topic: (what people who like it say they like, what the role needs)
    "photo": (["фотография", "photography", "видео", "соцсети"], ["фотосъёмка", "обработка фото"]),
    "hosting": (["театр", "выступления", "музыка", "public speaking"], ["ведение", "микрофон"]),
    "guiding": (["история", "экскурсии", "краеведение", "походы"], ["знание города", "английский"]),
    "desk": (["порядок", "таблицы", "компьютеры", "общение"], ["регистрация", "компьютер"]),
    "kids": (["дети", "игры", "рисование", "анимация"], ["работа с детьми", "первая помощь"]),
    "catering": (["кулинария", "кофе", "cooking", "выпечка"], ["санкнижка", "кухня"]),
}
TIME_KEYS = [f"{day}:{part}" for day in ("fri", "sat", "sun") for part in ("morning", "afternoon", "evening")]


class SideRelevance(Mapping):
    """Person id -> set of relevant opportunity ids, from the hidden truth (precomputed)."""

    THRESHOLD = 0.7

    def __init__(self, relevant: dict[str, set[str]]) -> None:
        self._relevant = relevant

    def __getitem__(self, person_id: str) -> set[str]:
        return self._relevant[person_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._relevant)

    def __len__(self) -> int:
        return len(self._relevant)


def synthetic_festival(n_people: int, n_shifts: int, seed: int = 0
                       ) -> tuple[list[Person], list[Opportunity], SideRelevance]:
    """Random volunteers and shifts plus which shifts truly suit whom.

    Hidden truth: each volunteer has a favourite topic, the skills they really have and the
    times they are really free; what they typed is a noisy view (some interests left out, a
    stray one added, a skill or a free time forgotten). A shift belongs to a role with a topic,
    needed skills, times and perhaps a minimum age. A shift suits a volunteer when no hard rule
    is broken and ``0.35 x same topic + 0.30 x true skills covered + 0.35 x truly free +
    noise(0.1)`` reaches 0.7. Ages and minimum ages are exact (both are known facts).
    """
    rng = np.random.default_rng(seed)
    topics = list(ROLE_TOPICS)
    p_topic = rng.integers(len(topics), size=n_people)
    people: list[Person] = []
    true_skills: list[set[str]] = []
    true_free: list[set[str]] = []
    all_skills = sorted({s for _likes, needs in ROLE_TOPICS.values() for s in needs})
    for i in range(n_people):
        likes, needs = ROLE_TOPICS[topics[p_topic[i]]]
        skills = {s for s in needs if rng.random() < 0.6} | {str(rng.choice(all_skills))
                                                            for _ in range(rng.integers(0, 2))}
        free = {t for t in TIME_KEYS if rng.random() < 0.4}
        interests = [w for w in likes if rng.random() < 0.6]
        if rng.random() < 0.5:
            other = ROLE_TOPICS[topics[rng.integers(len(topics))]][0]
            interests.append(str(rng.choice(other)))
        true_skills.append(skills)
        true_free.append(free)
        people.append(Person(id=f"v{i}", interests=interests, skills=[s for s in skills if rng.random() < 0.85],
                             age=int(rng.integers(14, 40)), free=[t for t in free if rng.random() < 0.85],
                             capacity=int(rng.integers(1, 4))))
    shifts: list[Opportunity] = []
    o_topic = rng.integers(len(topics), size=n_shifts)
    for j in range(n_shifts):
        likes, needs = ROLE_TOPICS[topics[o_topic[j]]]
        day = int(rng.integers(3))
        part = int(rng.integers(3))
        start = day * 24 + 9 + part * 4
        shifts.append(Opportunity(id=f"s{j}", interests=likes, skills=[s for s in needs if rng.random() < 0.7],
                                  min_age=[None, None, 16, 18][int(rng.integers(4))],
                                  times=[TIME_KEYS[day * 3 + part]], start=start, end=start + 3,
                                  capacity=int(rng.integers(1, 6))))
    _scores, admissible = pair_scores(people, shifts)
    relevant: dict[str, set[str]] = {}
    for i, person in enumerate(people):
        noise = np.random.default_rng((seed, i)).normal(0.0, 0.1, n_shifts)
        picked = set()
        for j, shift in enumerate(shifts):
            topic = float(o_topic[j] == p_topic[i])
            covered = (len(set(shift.skills) & true_skills[i]) / len(shift.skills)) if shift.skills else 1.0
            free = float(set(shift.times) <= true_free[i])
            if admissible[i, j] and 0.35 * topic + 0.30 * covered + 0.35 * free + noise[j] >= SideRelevance.THRESHOLD:
                picked.add(shift.id)
        relevant[person.id] = picked
    return people, shifts, SideRelevance(relevant)


def side_baseline(people: Sequence[Person], opportunities: Sequence[Opportunity], k: int = 5
                  ) -> dict[str, list[Match]]:
    """Keyword overlap: shared words between (interests + skills) of both sides, hard rules kept."""
    people, opportunities = list(people), list(opportunities)
    result: dict[str, list[Match]] = {p.id: [] for p in people}
    if not people or not opportunities:
        return result
    _scores, admissible = pair_scores(people, opportunities)
    words = [set(o.interests) | set(o.skills) for o in opportunities]
    for i, person in enumerate(people):
        mine = set(person.interests) | set(person.skills)
        counts = [(len(mine & words[j]), j) for j in np.flatnonzero(admissible[i]).tolist()]
        counts.sort(key=lambda item: (-item[0], item[1]))
        best = max([c for c, _j in counts] + [1])
        result[person.id] = [Match(opportunities[j].id, c / best) for c, j in counts[:k]]
    return result


# --- the harder population: varied free text ------------------------------------------------

_RU_SYLLABLES = ("ка ко ра ро ли ло ми ма на не ст пр вы за до ть ел ан ов ин ер ос ул ян ек ич от ба бо ве ви "
                 "гу да ду жи зе ку лу му ню пу ры се су та то ту фи ха це чу ша щи юр яр").split()
_EN_SYLLABLES = ("ba be bi bo ca co da de di do el en er fa fi go ha he in ka la le li lo ma me mi mo na ne ni "
                 "no or pa pe ra re ri ro sa se si so ta te ti to un ur va ve wi").split()
#: Support areas as a region's needs assessments find them: housing, work and money far more often than army
#: service or parenting.
HARD_AREA_WEIGHTS = np.array([6, 4, 9, 7, 8, 3, 1, 0.7, 5, 1.5])


def _vocabulary(rng: np.random.Generator, size: int) -> list[str]:
    """``size`` distinct made-up words, about 70 % Russian-looking, 30 % English-looking."""
    words: dict[str, None] = {}
    while len(words) < size:
        syllables = _RU_SYLLABLES if rng.random() < 0.7 else _EN_SYLLABLES
        word = "".join(syllables[i] for i in rng.integers(len(syllables), size=int(rng.integers(2, 5))))
        words.setdefault(word, None)
    return list(words)


def _zipf(rng: np.random.Generator, n: int, size: int, exponent: float = 1.07) -> np.ndarray:
    """``size`` ranks in [0, n) drawn with probability proportional to 1 / (rank + 1) ** exponent."""
    p = 1.0 / np.arange(1, n + 1) ** exponent
    return rng.choice(n, size=size, p=p / p.sum())


def _typo(rng: np.random.Generator, word: str) -> str:
    """One slip of the keyboard: a letter dropped, doubled, swapped with the next, or replaced."""
    if len(word) < 3:
        return word
    i = int(rng.integers(len(word) - 1))
    kind = int(rng.integers(4))
    if kind == 0:
        return word[:i] + word[i + 1:]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    if kind == 2:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + str(rng.choice(list("аеиоуыклмнрст"))) + word[i + 1:]


def harder_population(n_graduates: int, n_mentors: int, seed: int = 0, n_municipalities: int | None = None,
                      vocabulary_size: int = 20_000) -> tuple[list[Profile], list[Profile], Relevance]:
    """Like :func:`synthetic_population` (the same hidden truth), but with text as people type it.

    About texts are 0-40 words from a Zipf vocabulary of ``vocabulary_size`` made-up Russian- and
    English-looking words, a third of them from the person's hidden topic (each of 12 topics has its own
    Zipf slice), 6 % of words with a typo, a fifth of texts missing; interests are 0-6 from a Zipf list of
    600 (the topic's first), with typos too; a sixth of municipalities and a tenth of graduates' areas
    missing; municipality sizes Zipf (a regional centre and small towns); areas skewed as needs
    assessments find them (:data:`HARD_AREA_WEIGHTS`).
    """
    rng = np.random.default_rng((seed, 12))
    vocabulary = _vocabulary(rng, vocabulary_size)
    interest_words = _vocabulary(rng, 600)
    n_topics = 12
    topic_words = [rng.permutation(vocabulary_size)[:1500] for _ in range(n_topics)]
    topic_interests = [rng.permutation(len(interest_words))[:40] for _ in range(n_topics)]
    n_places = n_municipalities or max(5, n_graduates // 100)
    places = [f"мо-{i}" for i in range(n_places)]
    area_p = HARD_AREA_WEIGHTS / HARD_AREA_WEIGHTS.sum()

    def text(topic: int) -> str:
        if rng.random() < 0.2:
            return ""
        n = int(rng.integers(3, 41))
        from_topic = rng.random(n) < 0.35
        general = _zipf(rng, vocabulary_size, n)
        specific = topic_words[topic][_zipf(rng, 1500, n)]
        words = [vocabulary[i] for i in np.where(from_topic, specific, general)]
        return " ".join(_typo(rng, w) if rng.random() < 0.06 else w for w in words)

    def interests(topic: int) -> list[str]:
        if rng.random() < 0.25:
            return []
        n = int(rng.integers(1, 7))
        own = topic_interests[topic][_zipf(rng, 40, n)]
        other = _zipf(rng, len(interest_words), n)
        chosen = np.where(rng.random(n) < 0.6, own, other)
        return [_typo(rng, interest_words[i]) if rng.random() < 0.05 else interest_words[i] for i in chosen]

    def languages() -> list[str]:
        r = rng.random()
        if r < 0.03:
            return ["en"]
        if r < 0.06:
            return ["tt"]
        return ["ru"] + (["en"] if rng.random() < 0.15 else []) + (["tt"] if rng.random() < 0.05 else [])

    def place(i: int) -> str | None:
        return places[i] if rng.random() >= 1 / 6 else None

    g_topic = rng.integers(n_topics, size=n_graduates)
    g_place = _zipf(rng, n_places, n_graduates, 1.0)
    g_needs = np.zeros((n_graduates, len(AREAS)))
    graduates: list[Profile] = []
    for i in range(n_graduates):
        true = rng.choice(len(AREAS), size=rng.integers(1, 4), replace=False, p=area_p)
        g_needs[i, true] = 1
        visible = set() if rng.random() < 0.1 else {AREAS[a] for a in true if rng.random() < 0.85}
        if rng.random() < 0.15:
            visible.add(AREAS[rng.choice(len(AREAS), p=area_p)])
        gender = "f" if rng.random() < 0.5 else "m"
        graduates.append(Profile(id=f"g{i}", interests=interests(g_topic[i]), areas=sorted(visible),
                                 about=text(g_topic[i]), municipality=place(g_place[i]), languages=languages(),
                                 gender=gender, prefers_gender=gender if rng.random() < 0.2 else None))
    m_topic = rng.integers(n_topics, size=n_mentors)
    m_place = _zipf(rng, n_places, n_mentors, 1.0)
    m_areas = np.zeros((n_mentors, len(AREAS)))
    mentors: list[Profile] = []
    for j in range(n_mentors):
        helps = rng.choice(len(AREAS), size=rng.integers(1, 5), replace=False, p=area_p)
        m_areas[j, helps] = 1
        mentors.append(Profile(id=f"m{j}", interests=interests(m_topic[j]), areas=[AREAS[a] for a in helps],
                               about=text(m_topic[j]), municipality=place(m_place[j]), languages=languages(),
                               capacity=int(rng.integers(1, 5)), gender="f" if rng.random() < 0.6 else "m"))
    hidden = {"g_topic": g_topic, "g_place": g_place, "g_needs": g_needs,
              "m_topic": m_topic, "m_place": m_place, "m_areas": m_areas}
    return graduates, mentors, Relevance(graduates, mentors, hidden, seed)
