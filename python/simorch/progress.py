"""Progress display of simorch.run: tqdm when installed (tqdm.auto: a widget in Jupyter,
a bar in a terminal), else one plain line on stderr."""

from __future__ import annotations

import sys
import time
from typing import Any, Callable, Optional

ProgressCallback = Callable[[int, int, float, bool], None]


class _PlainLine:
    """`1,234/4,000 tasks (30.9 %), 2,345 tasks/s`, redrawn in place at most 5 times a second."""

    def __init__(self, total: int, initial: int, stream: Any = None):
        self._total = total
        self._stream = stream if stream is not None else sys.stderr
        self._last = -1.0
        self._drawn = False
        self._initial = initial

    def update(self, done: int, total: int, elapsed_s: float, is_final: bool) -> None:
        now = time.monotonic()
        if not is_final and now - self._last < 0.2:
            return
        self._last = now
        rate = (done - self._initial) / elapsed_s if elapsed_s > 0 else 0.0
        percent = 100.0 * done / total if total else 100.0
        self._stream.write(f"\r{done:,}/{total:,} tasks ({percent:.1f} %), {rate:,.0f} tasks/s")
        self._drawn = True
        if is_final:
            self.close()
        self._stream.flush()

    def close(self) -> None:
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
            self._drawn = False


class _Tqdm:
    def __init__(self, tqdm_class: Any, total: int, initial: int):
        self._bar = tqdm_class(total=total, initial=initial, unit="task", desc="simorch")
        self._shown = initial

    def update(self, done: int, total: int, elapsed_s: float, is_final: bool) -> None:
        if done > self._shown:
            self._bar.update(done - self._shown)
            self._shown = done
        if is_final:
            self.close()

    def close(self) -> None:
        self._bar.close()


def make_progress(progress: Any, total: int, initial: int = 0) -> Optional[Any]:
    """progress True: tqdm or a plain line; False/None: nothing; a callable: called as
    progress(done, total, elapsed_s, is_final)."""
    if progress is None or progress is False:
        return None
    if callable(progress):
        return _Callback(progress)
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _PlainLine(total, initial)
    return _Tqdm(tqdm, total, initial)


class _Callback:
    def __init__(self, fn: ProgressCallback):
        self.update = fn

    def close(self) -> None:
        pass
