"""Ctrl-C and SIGTERM held back while a step that must finish whole runs.

A replication being saved, a message being read from a worker, a job being
handed over: stopped in the middle, Ctrl-C could turn a half-written ZIP into an
unrelated error, or be swallowed inside library code so that the run went on
to the end. While held, a signal is only noted; it takes effect, through the
handler that was in place (Ctrl-C's ``KeyboardInterrupt``, the command line's
``Terminated``), the moment the step ends.

A noted signal also wakes whoever waits on ``Held`` (it has a ``fileno``, like a
pipe): the pool loop waits on its workers and on this together, so Ctrl-C stops
it at once even when nothing else happens. Signals are process-wide, whichever
thread the system hands them to; Python runs their handlers in the main thread
only, so outside it nothing is held.
"""

from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager
from typing import Iterator, Optional

STOPPING = (signal.SIGINT, signal.SIGTERM)  # Ctrl-C, and ``kill`` (which the command line takes as Ctrl-C)


class Held:
    """The signals noted while held (the first one is given back), and a pipe that becomes readable when one
    arrives."""

    def __init__(self):
        self.caught: list[tuple[int, object]] = []
        self._reader: Optional[int] = None

    @property
    def active(self) -> bool:
        """Whether signals are held (only the main thread can hold them)."""
        return self._reader is not None

    def fileno(self) -> int:
        return self._reader

    def note(self, signum: int, frame) -> None:
        self.caught.append((signum, frame))

    def drain(self) -> None:
        """Empty the wake-up pipe, so that waiting on it blocks again."""
        try:
            while os.read(self._reader, 512):
                pass
        except BlockingIOError:
            pass


@contextmanager
def held() -> Iterator[Held]:
    """Hold Ctrl-C and SIGTERM during the ``with`` block; the first one noted is given back to the handler that
    was in place as the block ends normally (raised by the block, an exception goes on as it is)."""
    hold = Held()
    if threading.current_thread() is not threading.main_thread():
        yield hold
        return
    reader, writer = os.pipe()
    os.set_blocking(reader, False)
    os.set_blocking(writer, False)
    hold._reader = reader
    before = {signum: signal.getsignal(signum) for signum in STOPPING}
    wakeup = signal.set_wakeup_fd(writer, warn_on_full_buffer=False)
    try:
        for signum in STOPPING:
            signal.signal(signum, hold.note)
        yield hold
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(wakeup)
        os.close(reader)
        os.close(writer)
        hold._reader = None
    if hold.caught:
        signum, frame = hold.caught[0]
        _give_back(before[signum], signum, frame)


def _give_back(handler, signum: int, frame) -> None:
    """What ``handler`` would have done with the signal: call it, act as the system's default, or nothing."""
    if callable(handler):
        handler(signum, frame)
    elif handler == signal.SIG_DFL:
        signal.raise_signal(signum)
