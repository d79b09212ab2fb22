"""Ctrl-C: KeyboardInterrupt stops simorch's waits without replacing Python's handler."""

from __future__ import annotations

import _thread
import signal
import time

import pytest
import simorch


def test_python_keeps_its_own_sigint_handler():
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_keyboard_interrupt_stops_map_simulations():
    calls = []

    def fn(i):
        calls.append(i)
        if i == 0:
            _thread.interrupt_main()  # what Ctrl-C does: SIGINT's handler, on the main thread
        time.sleep(0.02)
        return i

    with simorch.WorkerPool(1) as pool:
        with pytest.raises(KeyboardInterrupt):
            pool.map_simulations(fn, [(i,) for i in range(200)])
        # The pool is still usable and the unstarted calls were dropped.
        assert pool.map_simulations(lambda x: x + 1, [(1,), (2,)]) == [2, 3]
    assert len(calls) < 200
