"""Small hand-made and random populations for the matching tests."""
from __future__ import annotations

import random

from matching import AREAS, Profile

INTERESTS = ["футбол", "кулинария", "гитара", "походы", "шахматы", "рисование", "игры", "танцы"]


def random_population(seed: int, n_graduates: int, n_mentors: int) -> tuple[list[Profile], list[Profile]]:
    """Random profiles with many hard-rule conflicts: genders, preferences, languages, full mentors."""
    rnd = random.Random(seed)

    def langs() -> list[str]:
        return rnd.choice([["ru"], ["ru"], ["en"], ["ru", "en"], ["tt"]])

    graduates = [Profile(id=f"g{i}", interests=rnd.sample(INTERESTS, rnd.randint(0, 3)),
                         areas=rnd.sample(AREAS, rnd.randint(0, 3)), about=rnd.choice(["", "люблю футбол", "I cook"]),
                         municipality=rnd.choice(["a", "b", None]), languages=langs(),
                         gender=rnd.choice(["f", "m"]), prefers_gender=rnd.choice([None, None, "f", "m"]))
                 for i in range(n_graduates)]
    mentors = [Profile(id=f"m{j}", interests=rnd.sample(INTERESTS, rnd.randint(0, 3)),
                       areas=rnd.sample(AREAS, rnd.randint(1, 4)), about=rnd.choice(["", "играю в футбол", "cooking"]),
                       municipality=rnd.choice(["a", "b", None]), languages=langs(),
                       capacity=rnd.choice([0, 1, 1, 2, 3]), gender=rnd.choice(["f", "m", None]))
               for j in range(n_mentors)]
    return graduates, mentors


def admissible(graduate: Profile, mentor: Profile) -> bool:
    """The hard rules, written out independently of the library."""
    if graduate.prefers_gender is not None and mentor.gender != graduate.prefers_gender:
        return False
    return bool(set(graduate.languages) & set(mentor.languages)) and mentor.capacity > 0
