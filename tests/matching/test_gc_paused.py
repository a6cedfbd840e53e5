"""suggest pauses the cycle collector while it works and always leaves it as it found it."""
from __future__ import annotations

import gc

import pytest

from matching import Profile, suggest
from matching.gc_paused import gc_paused


def test_the_collector_is_back_on_after_a_call_and_after_a_failure():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError):
        with gc_paused():
            raise ValueError("boom")
    assert gc.isenabled()
    graduates = [Profile(id="g", interests=[], areas=["housing"], languages=["ru"])]
    mentors = [Profile(id="m", interests=[], areas=["housing"], languages=["ru"])]
    assert [s.mentor_id for s in suggest(graduates, mentors, k=1)["g"]] == ["m"]
    assert gc.isenabled()
    with pytest.raises(ValueError):  # duplicate ids: refused inside the paused part
        suggest(graduates * 2, mentors, k=1)
    assert gc.isenabled()


def test_a_collector_someone_turned_off_stays_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_inner_pause_does_not_turn_the_collector_on_for_the_outer_one():
    with gc_paused():
        with gc_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
