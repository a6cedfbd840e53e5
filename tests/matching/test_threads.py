"""one_blas_thread: one BLAS thread inside, the previous limits back after it."""
from __future__ import annotations

import numpy  # noqa: F401 (loads the BLAS libraries whose limits are checked)
from threadpoolctl import threadpool_info

from matching.threads import one_blas_thread


def blas_threads() -> list[int]:
    return [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]


def test_one_thread_inside_and_the_limits_back_after():
    before = blas_threads()
    assert before
    with one_blas_thread():
        assert blas_threads() == [1] * len(before)
    assert blas_threads() == before
    with one_blas_thread(active=False):
        assert blas_threads() == before
