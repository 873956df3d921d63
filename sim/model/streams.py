"""Random streams: one ``numpy.random.Generator`` per purpose.

Every stream is spawned from the scenario seed with ``SeedSequence`` and keyed
by the replication and a purpose name (``arrivals/street-3``, ``talk``,
``patience``...), never by creation order. A variant that adds agents or grid
workers therefore sees the same problems as its base: common random numbers
by construction. Draws are served from blocks generated in bulk, which keeps
the per-request cost low without changing the sequence a stream yields.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import zlib
from typing import Callable, Iterator

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


def _blocks(draw: Callable[[int], np.ndarray]) -> Iterator[float]:
    """Draws one at a time, generated ``BLOCK`` at a time."""
    return itertools.chain.from_iterable(iter(lambda: draw(BLOCK).tolist(), None))


class Stream:
    """A buffered generator of standard uniform, normal and exponential draws.

    ``uniform()``, ``normal()`` and ``exponential()`` are ``next`` on an
    iterator over blocks drawn in bulk: a call with no Python frame, for the
    draws every request makes. The sequence is that of the generator's own
    block calls, so it does not depend on how the draws are consumed.
    """

    __slots__ = ("generator", "_uniforms", "_normals", "uniform", "normal", "exponential")

    def __init__(self, generator: np.random.Generator):
        self.generator = generator
        self._uniforms = _blocks(generator.random)
        self.uniform: Callable[[], float] = functools.partial(next, self._uniforms)
        self._normals = _blocks(generator.standard_normal)
        self.normal: Callable[[], float] = functools.partial(next, self._normals)
        self.exponential: Callable[[], float] = functools.partial(next, _blocks(generator.standard_exponential))

    def uniforms(self, count: int) -> list[float]:
        """``count`` uniform draws, the same as ``count`` calls of ``uniform()``."""
        return list(itertools.islice(self._uniforms, count))

    def normals(self, count: int) -> list[float]:
        """``count`` standard normal draws, the same as ``count`` calls of ``normal()``."""
        return list(itertools.islice(self._normals, count))

    def choice(self, cumulative: list[float]) -> int:
        """An index drawn with the probabilities whose running sums are given."""
        index = bisect.bisect_right(cumulative, self.uniform() * cumulative[-1])  # the first bound above the draw
        return index if index < len(cumulative) else len(cumulative) - 1

    def gamma_sampler(self, shape: float, scale: float) -> Callable[[], float]:
        """A sampler of gamma draws with their own block buffer."""
        return functools.partial(next, _blocks(lambda n: self.generator.gamma(shape, scale, n)))


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
