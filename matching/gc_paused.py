"""The cycle collector paused while ``suggest`` makes its many small objects.

Why: a region's call makes tens of thousands of suggestions, reason lists and word lists, none of them
in a reference cycle (they are freed by reference counting all the same); but each few hundred
allocations start a collection that walks what the process holds, the profiles included, and the
older generations' passes walk everything: measured, a quarter of the instructions of turning a
region's ranked pairs into suggestions. Only a thread that found the collector on turns it back on,
so concurrent calls leave it as it was.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
