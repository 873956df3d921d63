"""A request's own random draws, made once when it appears (common random numbers).

A request carries the uniforms that decide its chance outcomes (``FATES``),
the standard normals that time its work (``DRAWS``) and its whistle teams'
draws (``TEAM_DRAWS`` a team), each from a stream of its own purpose. Each
mechanism turns the request's draw into its outcome or duration, so a variant
that changes the order in which events happen still gives each request the
same luck as its base: only what the variant changes differs.
"""

from __future__ import annotations

from .request import DRAWS, TEAM_DRAWS, Request
from .streams import Streams


class OwnDraws:
    """The streams a kind of request draws its own fates, durations and team draws from: ``{purpose}/fate``,
    ``{purpose}/durations`` and ``{purpose}/teams``."""

    __slots__ = ("fates", "durations", "crews")

    def __init__(self, streams: Streams, purpose: str):
        self.fates = streams[f"{purpose}/fate"]
        self.durations = streams[f"{purpose}/durations"]
        self.crews = streams[f"{purpose}/teams"]

    def draw(self, fates: int, teams: int) -> tuple[list[float], list[float], list[float]]:
        """``fates`` uniforms, the durations' normals and ``teams`` whistle teams' normals."""
        return (self.fates.uniforms(fates), self.durations.normals(len(DRAWS)),
                self.crews.normals(TEAM_DRAWS * teams) if teams else [])

    def give(self, req: Request, fates: int, teams: int) -> None:
        """Draw ``req``'s own fates, durations and whistle teams' draws."""
        req.fate, req.draws, req.teams = self.draw(fates, teams)
