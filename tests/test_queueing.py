"""The exact queueing results the hotline is validated against: textbook values and identities."""

import math

import numpy as np
import pytest
from scipy import stats

from analysis.queueing import erlang_a, erlang_a_service_level, erlang_b, erlang_c, erlang_c_service_level


def test_erlang_b_by_hand():
    assert erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang_b(2, 1.0) == pytest.approx((1 / 2) / (1 + 1 + 1 / 2))


def test_erlang_c_textbook_cases():
    two = erlang_c(lam=1.0, mu=1.0, c=2)   # a = 1, rho = 1/2: P(wait) = 1/3, Wq = 1/3
    assert two.p_wait == pytest.approx(1 / 3) and two.mean_wait_answered == pytest.approx(1 / 3)
    one = erlang_c(lam=0.8, mu=1.0, c=1)   # M/M/1: P(wait) = rho, Wq = rho / (mu - lam)
    assert one.p_wait == pytest.approx(0.8) and one.mean_wait_answered == pytest.approx(4.0)
    assert one.mean_queue == pytest.approx(0.8 * 4.0)   # Little
    assert erlang_c_service_level(0.8, 1.0, 1, 0.0) == pytest.approx(0.2)
    assert erlang_c_service_level(0.8, 1.0, 1, 1.0) == pytest.approx(1 - 0.8 * math.exp(-0.2))
    with pytest.raises(ValueError, match="lam < c"):
        erlang_c(2.0, 1.0, 2)


@pytest.mark.parametrize("lam, mu, c", [(1.0, 1.0, 2), (9.5, 1.0, 10), (190.0, 1.0, 200), (0.18, 0.2, 1)])
def test_erlang_a_tends_to_erlang_c_as_patience_grows(lam, mu, c):
    exact = erlang_c(lam, mu, c)
    patient = erlang_a(lam, mu, c, theta=1e-7)
    assert patient.p_wait == pytest.approx(exact.p_wait, rel=1e-3)
    assert patient.mean_wait_answered == pytest.approx(exact.mean_wait_answered, rel=1e-3)
    assert patient.p_abandon < 1e-4


@pytest.mark.parametrize("lam, c", [(3.0, 2), (12.0, 10), (180.0, 200)])
def test_erlang_a_with_patience_equal_to_talk_time_is_an_infinite_server_queue(lam, c):
    """With theta = mu every caller leaves at rate mu, waiting or talking: the number in the system is
    Poisson(lam / mu), whatever c."""
    mu = 0.5
    load = lam / mu
    queue = erlang_a(lam, mu, c, theta=mu)
    poisson = stats.poisson(load)
    assert queue.p_wait == pytest.approx(poisson.sf(c - 1), rel=1e-9)
    beyond = sum((n - c) * poisson.pmf(n) for n in range(c, int(load + 40 * math.sqrt(load) + 50)))
    assert queue.mean_queue == pytest.approx(beyond, rel=1e-9)
    assert queue.p_abandon == pytest.approx(mu * beyond / lam, rel=1e-9)


@pytest.mark.parametrize("lam, mu, c, theta", [(10.0, 1.0, 8, 0.5), (0.5, 0.2, 2, 1 / 3), (250.0, 1.0, 200, 0.1)])
def test_erlang_a_balances_its_flows(lam, mu, c, theta):
    """Overloaded or not, callers answered per minute equal agents' completions per minute."""
    queue = erlang_a(lam, mu, c, theta)
    assert 0 < queue.p_abandon < 1 and 0 < queue.p_wait <= 1
    busy = c - sum(max(c - n, 0) * p for n, p in enumerate(_pi(lam, mu, c, theta)))
    assert lam * (1 - queue.p_abandon) == pytest.approx(mu * busy, rel=1e-9)


@pytest.mark.parametrize("lam, mu, c", [(1.0, 1.0, 2), (9.5, 1.0, 10), (36.0, 0.2, 200)])
def test_erlang_a_service_level_tends_to_erlang_c(lam, mu, c):
    for threshold in (0.0, 0.25, 1.0):
        assert erlang_a_service_level(lam, mu, c, 1e-8, threshold) == pytest.approx(
            erlang_c_service_level(lam, mu, c, threshold), abs=1e-5)


@pytest.mark.parametrize("lam, mu, c, theta", [(10.0, 1.0, 8, 0.5), (2.2, 0.2, 10, 1 / 3), (250.0, 1.0, 200, 0.1)])
def test_erlang_a_service_level_runs_from_no_wait_to_everyone_answered(lam, mu, c, theta):
    queue = erlang_a(lam, mu, c, theta)
    levels = [erlang_a_service_level(lam, mu, c, theta, t) for t in (0.0, 0.1, 1.0, 10.0, 60.0)]
    assert levels[0] == pytest.approx(1 - queue.p_wait, abs=1e-12)
    assert all(a <= b + 1e-9 for a, b in zip(levels, levels[1:]))  # (up to the matrix exponential's rounding)
    assert levels[-1] == pytest.approx(1 - queue.p_abandon, rel=1e-6)  # an hour: every wait has ended


def test_erlang_a_service_level_matches_a_tagged_caller_drawn_at_random():
    """An independent estimate: draw the callers ahead from the stationary chain, then the tagged caller's
    phases and patience; the exact value lies within the sample's 99.9% interval."""
    lam, mu, c, theta, threshold = 2.2, 0.2, 10, 1 / 3, 0.25
    rng = np.random.default_rng(6)
    pi = _pi(lam, mu, c, theta)
    ahead = rng.choice(len(pi), size=200_000, p=pi) - c  # callers ahead; negative: an agent is free
    phases = rng.exponential(1 / (c * mu + theta * np.arange(len(pi) - c)), size=(len(ahead), len(pi) - c))
    wait = np.where(np.arange(len(pi) - c) <= ahead[:, None], phases, 0.0).sum(axis=1)  # phases i = ahead..0
    answered = (ahead < 0) | ((wait <= threshold) & (rng.exponential(1 / theta, len(ahead)) > wait))
    share, half = answered.mean(), 3.29 * answered.std() / math.sqrt(len(answered))
    assert abs(share - erlang_a_service_level(lam, mu, c, theta, threshold)) < half


def _pi(lam, mu, c, theta):
    from analysis.queueing import _stationary

    return _stationary(lam, mu, c, theta)
