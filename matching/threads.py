"""One BLAS thread for a scoring thread's products while ``suggest`` scores blocks in parallel.

Why: OpenBLAS runs every product on as many threads as cores; with WORKERS scoring threads the
products' threads compete with the other worker's and spin, which doubled the CPU time of a country
call (measured: 9.5 s -> 5.1 s of CPU at 10,000 x 20,000, and a 2-thread product loop 6.8 s -> 3.0 s).
Each worker limits itself around its block and puts the limits back after it (a few microseconds).
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

_lock = threading.Lock()
_controller: list = []


def _blas():
    with _lock:
        if not _controller:
            from threadpoolctl import ThreadpoolController

            _controller.append(ThreadpoolController())  # scans the loaded libraries once
        return _controller[0]


@contextmanager
def one_blas_thread(active: bool = True) -> Iterator[None]:
    """Within the block, BLAS libraries use one thread (a no-op when ``active`` is false)."""
    if not active:
        yield
        return
    limiter = _blas().limit(limits=1, user_api="blas")
    try:
        yield
    finally:
        limiter.restore_original_limits()
