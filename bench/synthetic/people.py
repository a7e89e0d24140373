"""The synthetic class: names, and what each student knows.

Each student has a latent ability (standard normal), a rate of improvement over
the 90 days, a strength per topic (so mastery differs by topic), and an activity
level (some students answer ten times as much as others). Names are drawn from a
varied list; a few fixed ones with non-ASCII letters come first, so even a small
class exercises Unicode in reports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Students", "make_students", "FIXED_NAMES"]

FIXED_NAMES = ("Zoë Ñúñez", "李明", "Åsa Öberg", "Nguyễn Thị Hoa", "Siobhán Ó Ceallaigh", "Đorđe Petrović",
               "José Martínez-López", "Oluwaseun Adébáyọ̀")

FIRST = ("Amara", "Bo", "Chen", "Dmitri", "Elif", "Fatima", "Giulia", "Hiroshi", "Ingrid", "Jamal", "Kavya",
         "Lucas", "Mei", "Noah", "Olga", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Valentina", "Wei",
         "Xavier", "Yara", "Zoltan", "Aisha", "Ben", "Carmen", "David", "Emma", "Felipe", "Grace", "Hassan",
         "Isabel", "Jonas", "Keanu", "Leila", "Mateo", "Nadia", "Oscar", "Paula", "Rahul", "Sofia", "Tomás",
         "Ursula", "Viktor", "Wanjiru", "Yusuf", "Zainab", "Ana", "Björn", "Chloé", "Dae-jung", "Eun-ji", "Farah",
         "Gabriel", "Hana", "Ivan", "Julia", "Kwame", "Lena", "Marco", "Nia", "Omar", "Pedro", "Ruth", "Samir",
         "Thandiwe", "Ugo", "Vera", "Wojciech", "Ximena", "Yuki", "Zeynep", "Aroha", "Bilal", "Camille", "Diego",
         "Esther", "Finn", "Gita", "Hugo", "Ines", "Jakub", "Kemal", "Lucía", "Maya", "Nikolai", "Océane")
LAST = ("Okafor", "Nguyen", "Smith", "Müller", "García", "Kowalski", "Rossi", "Tanaka", "Johansson", "Haddad",
        "Patel", "Silva", "Kim", "Ivanova", "O'Brien", "Dubois", "Novak", "Mensah", "Schmidt", "Fernández", "Lee",
        "Wang", "Khan", "Ahmed", "Jensen", "Costa", "Papadopoulos", "Yılmaz", "Nakamura", "Mbeki", "Cohen",
        "Murphy", "Hernández", "Andersson", "Popescu", "Kaur", "Singh", "Ali", "Sato", "Zhang", "Brown",
        "Wilson", "Dlamini", "Gonzalez", "Lopez", "Petrov", "Horváth", "Nielsen", "Sousa", "Eriksen", "Te Whare",
        "van der Berg", "Achebe", "Lindqvist", "Moreau", "Rahman", "Bianchi", "Hoffmann", "Chowdhury", "Park")
MIDDLE = "ABCDEFGHIJKLMNOPRSTVW"


@dataclass(frozen=True)
class Students:
    names: list[str]
    ability: np.ndarray  # (U,) latent ability at the start, standard normal
    growth: np.ndarray  # (U,) ability gained over the 90 days
    topic: np.ndarray  # (U, T) strength per topic, added to ability
    activity: np.ndarray  # (U,) relative share of the class's practice

    def __len__(self) -> int:
        return len(self.names)


def _names(count: int, rng: np.random.Generator) -> list[str]:
    """``count`` different names; a clash gets a middle initial, then a number."""
    names: list[str] = list(FIXED_NAMES[:count])
    taken = set(names)
    while len(names) < count:
        first, last = FIRST[rng.integers(len(FIRST))], LAST[rng.integers(len(LAST))]
        name = f"{first} {last}"
        if name in taken:
            name = f"{first} {MIDDLE[rng.integers(len(MIDDLE))]}. {last}"
        number = 2
        while name in taken:
            name, number = f"{first} {last} {number}", number + 1
        taken.add(name)
        names.append(name)
    return names


def make_students(count: int, topics: int, rng: np.random.Generator) -> Students:
    return Students(
        names=_names(count, rng),
        ability=rng.standard_normal(count),
        growth=np.clip(rng.normal(0.45, 0.25, count), 0.0, None),
        topic=rng.normal(0.0, 0.55, (count, topics)),
        activity=rng.lognormal(0.0, 0.7, count),
    )
