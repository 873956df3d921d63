"""A request's own random draws, made once when it appears (common random numbers).

A request carries the uniforms that decide its chance outcomes (``FATES``),
the standard normals that time its work (``DRAWS``), its whistle teams'
draws (``TEAM_DRAWS`` a team) and a key, each from a stream of its own
purpose. The key places the draws it may need later (a repeat's, a
redial's) in a stream of their own (``Keyed``). Each
mechanism turns the request's draw into its outcome or duration, so a variant
that changes the order in which events happen still gives each request the
same luck as its base: only what the variant changes differs.
"""

from __future__ import annotations

import hashlib

import numpy as np

from .request import DRAWS, TEAM_DRAWS, Request
from .streams import Streams

KEY_SPAN = 2.0 ** 53  # keys are whole numbers below this, one uniform's worth of bits
INCREMENT = 0xDA3E39CB94B95BDB  # the PCG64 stream the keyed draws run on (odd, as PCG64 requires)


class OwnDraws:
    """The streams a kind of request draws its own fates, durations, team draws and key from:
    ``{purpose}/fate``, ``{purpose}/durations``, ``{purpose}/teams`` and ``{purpose}/key``."""

    __slots__ = ("fates", "durations", "crews", "keys")

    def __init__(self, streams: Streams, purpose: str):
        self.fates = streams[f"{purpose}/fate"]
        self.durations = streams[f"{purpose}/durations"]
        self.crews = streams[f"{purpose}/teams"]
        self.keys = streams[f"{purpose}/key"]

    def draw(self, fates: int, teams: int) -> tuple[list[float], list[float], list[float], int]:
        """``fates`` uniforms, the durations' normals, ``teams`` whistle teams' normals and a key."""
        return (self.fates.uniforms(fates), self.durations.normals(len(DRAWS)),
                self.crews.normals(TEAM_DRAWS * teams) if teams else [], int(self.keys.uniform() * KEY_SPAN))

    def give(self, req: Request, fates: int, teams: int) -> None:
        """Draw ``req``'s own fates, durations, whistle teams' draws and key."""
        req.fate, req.draws, req.teams, req.key = self.draw(fates, teams)


class Keyed:
    """Draws that a request may or may not need, placed by its key: the same in two variants whatever events
    came before them.

    A batch of draws is named by the request's key, its repeat number and
    the batch (0: a repeat's own draws; k: the k-th call attempt's). One
    PCG64 is set, before each batch, to a state hashed from that name
    (BLAKE2b), so a batch depends on its name only, and costs a microsecond
    or two where a generator made for each request costs tens.
    """

    __slots__ = ("bits", "generator")

    def __init__(self):
        self.bits = np.random.PCG64(0)
        self.generator = np.random.Generator(self.bits)

    def batch(self, req: Request, number: int) -> np.random.Generator:
        """The generator, set to the start of ``req``'s batch ``number``: draw the batch at once."""
        name = f"{req.key}/{req.repeat}/{number}".encode()
        state = int.from_bytes(hashlib.blake2b(name, digest_size=16).digest(), "little")
        self.bits.state = {"bit_generator": "PCG64", "state": {"state": state, "inc": INCREMENT},
                           "has_uint32": 0, "uinteger": 0}
        return self.generator

    def repeat(self, req: Request, fates: int, teams: int) -> None:
        """Draw a repeat's fates, durations and whistle teams' draws (its batch 0)."""
        generator = self.batch(req, 0)
        req.fate = generator.random(fates).tolist()
        req.draws = generator.standard_normal(len(DRAWS)).tolist()
        req.teams = generator.standard_normal(TEAM_DRAWS * teams).tolist() if teams else []
