"""Random streams: one ``numpy.random.Generator`` per purpose.

Every stream is spawned from the scenario seed with ``SeedSequence`` and keyed
by the replication and a purpose name (``arrivals/street-3``, ``talk``,
``patience``...), never by creation order. A variant that adds agents or grid
workers therefore sees the same problems as its base: common random numbers
by construction. Draws are served from blocks generated in bulk, which keeps
the per-request cost low without changing the sequence a stream yields.
"""

from __future__ import annotations

import zlib
from typing import Callable

import numpy as np

BLOCK = 256  # small enough that thousands of streets x purposes stay light


def purpose_key(purpose: str) -> int:
    """A stable 32-bit number for a purpose name (not Python's salted hash)."""
    return zlib.crc32(purpose.encode("utf-8"))


def seed_sequence(seed: int, replication: int | None, purpose: str) -> np.random.SeedSequence:
    """The seed sequence of one purpose in one replication, or of the scenario itself.

    Scenario-level streams (``replication=None``: the organisation's household
    counts) are the same in every replication; replication ``r`` uses its own
    branch of the seed tree.
    """
    branch = 0 if replication is None else replication + 1
    return np.random.SeedSequence(entropy=seed, spawn_key=(branch, purpose_key(purpose)))


def scenario_stream(seed: int, purpose: str) -> "Stream":
    """A stream shared by all replications of a scenario."""
    return Stream(np.random.Generator(np.random.PCG64(seed_sequence(seed, None, purpose))))


class Stream:
    """A buffered generator of standard uniform, normal and exponential draws."""

    __slots__ = ("generator", "_u", "_ui", "_n", "_ni", "_e", "_ei")

    def __init__(self, generator: np.random.Generator):
        self.generator = generator
        self._u = self._n = self._e = ()
        self._ui = self._ni = self._ei = 0

    def uniform(self) -> float:
        """A draw from U[0, 1)."""
        i = self._ui
        if i >= len(self._u):
            self._u, i = self.generator.random(BLOCK).tolist(), 0
        self._ui = i + 1
        return self._u[i]

    def normal(self) -> float:
        """A standard normal draw."""
        i = self._ni
        if i >= len(self._n):
            self._n, i = self.generator.standard_normal(BLOCK).tolist(), 0
        self._ni = i + 1
        return self._n[i]

    def exponential(self) -> float:
        """A standard exponential draw (mean 1)."""
        i = self._ei
        if i >= len(self._e):
            self._e, i = self.generator.standard_exponential(BLOCK).tolist(), 0
        self._ei = i + 1
        return self._e[i]

    def choice(self, cumulative: list[float]) -> int:
        """An index drawn with the probabilities whose running sums are given."""
        u = self.uniform() * cumulative[-1]
        for index, bound in enumerate(cumulative):
            if u < bound:
                return index
        return len(cumulative) - 1

    def gamma_sampler(self, shape: float, scale: float) -> Callable[[], float]:
        """A sampler of gamma draws with their own block buffer."""
        generator, buffer = self.generator, []

        def draw() -> float:
            if not buffer:
                buffer.extend(reversed(generator.gamma(shape, scale, BLOCK).tolist()))
            return buffer.pop()

        return draw


class Streams:
    """The streams of one replication, created on first use and keyed by purpose."""

    def __init__(self, seed: int, replication: int):
        self.seed = seed
        self.replication = replication
        self._streams: dict[str, Stream] = {}

    def __getitem__(self, purpose: str) -> Stream:
        stream = self._streams.get(purpose)
        if stream is None:
            sequence = seed_sequence(self.seed, self.replication, purpose)
            stream = self._streams[purpose] = Stream(np.random.Generator(np.random.PCG64(sequence)))
        return stream
