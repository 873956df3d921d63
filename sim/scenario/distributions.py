"""Pluggable duration distributions, as written in scenario files.

A duration parameter is either a plain duration (``30min``: always that long)
or a mapping such as ``{dist: lognormal, mean: 2d, cv: 1.5}``. Lognormal and
gamma are given by mean and coefficient of variation because that is how
closure times are reported; both are right-skewed like real 12345 data.
Each spec builds a sampler that draws from one random stream, and a
transform that turns a standard normal draw into a duration of the spec's
distribution (its quantile at the draw's normal probability): a request
draws its normals when it appears and each mechanism transforms its own, so
that variants time a request's work alike, whatever order events take.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Callable, Literal, Optional, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WrapSerializer, model_validator

from .durations import parse_duration
from .types import DURATION_JSON_SCHEMA, Duration, is_none

Sampler = Callable[[], float]
Transform = Callable[[float], float]
SQRT_HALF = math.sqrt(0.5)
MIN_CV, MAX_CV = 0.01, 10.0
"""The coefficients of variation a lognormal or gamma may have. With durations at most a year
(``types.MAX_DURATION``) every sampler and transform then returns a finite duration, zero or more: a lognormal's
sigma is at most sqrt(log(101)) = 2.15, so exp(mu + sigma z) stays finite for any normal draw below 300; a
gamma's shape is between 0.01 and 10,000 and its upper-tail probability is held above 0 (the quantile at 0 is
infinite); tests/test_value_bounds.py checks every spec at the extremes."""
TINY = 5e-324  # the smallest positive float: an upper-tail probability is held at least this far from 0


def upper_tail(z: float) -> float:
    """P(Z > z) for a standard normal Z, accurate far into the upper tail."""
    return 0.5 * math.erfc(z * SQRT_HALF)


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Fixed(_Spec):
    """Always the same duration: used for teaching and exact-trace tests."""

    dist: Literal["fixed"] = "fixed"
    value: Duration

    def sampler(self, stream) -> Sampler:
        value = self.value
        return lambda: value

    def transform(self) -> Transform:
        value = self.value
        return lambda z: value


class Exponential(_Spec):
    """Memoryless duration: caller patience, redial gaps, talk times in theory checks."""

    dist: Literal["exponential"]
    mean: Duration

    def sampler(self, stream) -> Sampler:
        draw, mean = stream.exponential, self.mean
        return lambda: mean * draw()

    def transform(self) -> Transform:
        mean, log = self.mean, math.log
        return lambda z: -mean * log(max(upper_tail(z), TINY))  # the quantile at P(Z <= z)


class _MeanCv(_Spec):
    """A right-skewed duration given by its mean and coefficient of variation."""

    mean: Duration
    cv: float = Field(ge=MIN_CV, le=MAX_CV, description=f"coefficient of variation (standard deviation / mean), "
                                                        f"from {MIN_CV} to {MAX_CV:g}; for a duration that does "
                                                        "not vary, write a plain duration (fixed)")


class Lognormal(_MeanCv):
    """Right-skewed with a heavy tail, like reported closure times."""

    dist: Literal["lognormal"]

    def sampler(self, stream) -> Sampler:
        if self.mean == 0:
            return lambda: 0.0
        sigma = math.sqrt(math.log1p(self.cv * self.cv))
        mu = math.log(self.mean) - sigma * sigma / 2
        draw, exp = stream.normal, math.exp
        return lambda: exp(mu + sigma * draw())

    def transform(self) -> Transform:
        if self.mean == 0:
            return lambda z: 0.0
        sigma = math.sqrt(math.log1p(self.cv * self.cv))
        mu, exp = math.log(self.mean) - sigma * sigma / 2, math.exp
        return lambda z: exp(mu + sigma * z)


class Gamma(_MeanCv):
    """Right-skewed with a lighter tail than the lognormal."""

    dist: Literal["gamma"]

    def sampler(self, stream) -> Sampler:
        shape = 1.0 / (self.cv * self.cv)
        scale = self.mean / shape
        return stream.gamma_sampler(shape, scale)

    def transform(self) -> Transform:
        from scipy.special import gammainccinv  # loaded only by scenarios that time a request's work by gamma

        shape = 1.0 / (self.cv * self.cv)
        scale = self.mean / shape
        return lambda z: scale * float(gammainccinv(shape, max(upper_tail(z), TINY)))  # finite: p > 0


class Uniform(_Spec):
    """Any duration between ``low`` and ``high`` equally likely."""

    dist: Literal["uniform"]
    low: Duration
    high: Duration

    @model_validator(mode="after")
    def _ordered(self):
        if self.high < self.low:
            raise ValueError("high: must be at least low")
        return self

    def sampler(self, stream) -> Sampler:
        low, width, draw = self.low, self.high - self.low, stream.uniform
        return lambda: low + width * draw()

    def transform(self) -> Transform:
        low, width = self.low, self.high - self.low
        return lambda z: low + width * (1.0 - upper_tail(z))


def _shorthand(value: Any) -> Any:
    """A bare duration means a fixed one."""
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return {"dist": "fixed", "value": parse_duration(value)}
    return value


class _ShorthandSchema:
    """Tell editors that a bare duration is accepted as well as a mapping."""

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        return {"anyOf": [DURATION_JSON_SCHEMA, handler(core_schema)]}


DistributionSpec = Annotated[
    Union[Fixed, Exponential, Lognormal, Gamma, Uniform],
    Field(discriminator="dist"),
    BeforeValidator(_shorthand),
    _ShorthandSchema,
]
DIST_NAMES = ("fixed", "exponential", "lognormal", "gamma", "uniform")


class _NeverSchema:
    """Tell editors that ``none`` is accepted as well as a distribution."""

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        return {"anyOf": [handler(core_schema), {"enum": ["none"]}]}


OptionalDistributionSpec = Annotated[
    Optional[DistributionSpec],
    BeforeValidator(lambda value: None if is_none(value) else value),
    WrapSerializer(lambda value, handler: "none" if value is None else handler(value), when_used="json"),
    _NeverSchema,
]
"""A duration that may never end, written ``none``: a caller who never hangs up."""


def sampler(spec: Optional[DistributionSpec], stream) -> Sampler:
    """The spec's sampler; no spec (``none``) draws nothing and is never over (an infinite duration)."""
    if spec is None:
        return lambda: math.inf
    return spec.sampler(stream)


def transform(spec: Optional[DistributionSpec]) -> Transform:
    """The spec's transform of a standard normal draw; no spec (``none``) is never over."""
    if spec is None:
        return lambda z: math.inf
    return spec.transform()
