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
    """The signals noted while held, a pipe that becomes readable when one arrives, and the handlers they go
    back to."""

    def __init__(self):
        self.caught: list[tuple[int, object]] = []
        self.before: dict[int, object] = {}
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

    def give_back(self) -> None:
        """Give the first signal noted to the handler that was in place: Ctrl-C's ``KeyboardInterrupt`` (or the
        command line's ``Terminated``) is raised here; the system's default ends the process as the signal
        would have. Signals noted with it are one press of Ctrl-C, not several."""
        if not self.caught:
            return
        signum, frame = self.caught[0]
        self.caught.clear()
        handler = self.before[signum]
        if callable(handler):
            handler(signum, frame)
        else:  # SIG_DFL (an ignored signal is never held)
            signal.signal(signum, signal.SIG_DFL)
            signal.raise_signal(signum)


@contextmanager
def held() -> Iterator[Held]:
    """Hold Ctrl-C and SIGTERM during the ``with`` block (inside it, ``give_back`` lets a noted one act at a
    point of the block's choosing); one still noted as the block ends normally acts then (raised by the block,
    an exception goes on as it is). Signals set to be ignored stay ignored."""
    hold = Held()
    if threading.current_thread() is not threading.main_thread():
        yield hold
        return
    hold.before = {signum: handler for signum in STOPPING  # None: set outside Python, so left in place
                   if (handler := signal.getsignal(signum)) not in (None, signal.SIG_IGN)}
    reader, writer = os.pipe()
    os.set_blocking(reader, False)
    os.set_blocking(writer, False)
    hold._reader = reader
    wakeup = signal.set_wakeup_fd(writer, warn_on_full_buffer=False)
    try:
        for signum in hold.before:
            signal.signal(signum, hold.note)
        yield hold
    finally:
        for signum, handler in hold.before.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(wakeup)
        os.close(reader)
        os.close(writer)
        hold._reader = None
    hold.give_back()
