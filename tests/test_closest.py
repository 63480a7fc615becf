"""`validate.best_close_match` gives difflib's `get_close_matches(n=1)` answer (the "did you mean" of findings)."""

from __future__ import annotations

import difflib
import random

from hypothesis import given
from hypothesis import strategies as st

from ra2docs.validate import best_close_match

IDS = [f"infra.{area}.{kind}.{n:03d}" for area in ("com", "net", "stor") for kind in ("cfg", "sec") for n in range(60)]
WORDS = st.text(alphabet="abcde.-01", max_size=12)


@given(WORDS, st.lists(WORDS, max_size=30), st.sampled_from([0.0, 0.6, 0.75, 1.0]))
def test_best_close_match_is_difflibs(word: str, choices: list[str], cutoff: float) -> None:
    assert best_close_match(word, choices, cutoff) == difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)


def test_best_close_match_on_ids_like_the_shipped_trees() -> None:
    rng = random.Random(12)
    for _ in range(200):
        word = list(rng.choice(IDS))
        for _ in range(rng.randint(0, 3)):  # typos: a character dropped, doubled or changed
            i = rng.randrange(len(word))
            word[i:i + 1] = rng.choice([[], [word[i]] * 2, [rng.choice("abc019.")]])
        typed = "".join(word)
        for cutoff in (0.6, 0.75):
            assert best_close_match(typed, IDS, cutoff) == difflib.get_close_matches(typed, IDS, n=1, cutoff=cutoff)
    assert best_close_match("infra.com.cgf.017", IDS, 0.75) == ["infra.com.cfg.017"]
    assert best_close_match("infra.stor.sce.059", IDS, 0.75) == ["infra.stor.sec.059"]
    assert best_close_match("zzz", IDS, 0.75) == []
