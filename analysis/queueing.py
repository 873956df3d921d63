"""Exact results for the hotline's queue, to check the simulation against.

The hotline with Poisson calls at rate ``lam``, exponential talk times of
mean ``1 / mu`` and ``c`` agents is the M/M/c queue of Erlang C when callers
wait for ever, and the M/M/c+M queue of Erlang A (Palm's model) when each
caller's patience is exponential with rate ``theta``. Erlang C has closed
forms; Erlang A is computed exactly from its birth-death chain, cut off
where the chain's probability is below 1e-15, with a tagged caller's wait
followed phase by phase (Mandelbaum & Zeltyn 2007 give the same quantities
through incomplete gamma functions). Times are in the rate's unit
(minutes in gridgov). The quantities are those gridgov measures: the share
of callers who wait at all, who abandon, who are answered within a
threshold, and the mean wait of the answered callers. The share answered
within a threshold under Erlang A follows the tagged caller's phases as a
small Markov chain, solved with ``scipy.sparse.linalg.expm_multiply``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import expm_multiply

TAIL = 1e-15


@dataclass(frozen=True)
class Queue:
    """What a caller meets: probabilities over all callers, the mean wait over those answered."""

    p_wait: float              # waits at all: finds every agent busy
    p_abandon: float           # hangs up before an agent answers
    mean_wait_answered: float  # mean wait of the callers who are answered
    mean_queue: float          # time-average number of callers waiting (Little: lam x mean wait of all callers)


def erlang_b(c: int, load: float) -> float:
    """Blocking probability of M/M/c/c with offered load ``lam / mu``, by the stable recursion."""
    b = 1.0
    for k in range(1, c + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(lam: float, mu: float, c: int) -> Queue:
    """M/M/c with callers who never hang up; needs ``lam < c * mu``."""
    load = lam / mu
    if load >= c:
        raise ValueError(f"Erlang C needs lam < c * mu (offered load {load:g} against {c} agents)")
    b = erlang_b(c, load)
    p_wait = c * b / (c - load * (1 - b))
    mean_wait = p_wait / (c * mu - lam)
    return Queue(p_wait, 0.0, mean_wait, lam * mean_wait)


def erlang_c_service_level(lam: float, mu: float, c: int, threshold: float) -> float:
    """Share of callers answered within ``threshold`` in M/M/c."""
    return 1.0 - erlang_c(lam, mu, c).p_wait * math.exp(-(c * mu - lam) * threshold)


def erlang_a(lam: float, mu: float, c: int, theta: float) -> Queue:
    """M/M/c+M: exponential patience of rate ``theta`` (mean ``1 / theta``), any load."""
    if theta <= 0:
        raise ValueError("Erlang A needs a patience rate theta > 0 (theta = 0 is Erlang C)")
    pi = _stationary(lam, mu, c, theta)
    waiting = np.maximum(np.arange(len(pi)) - c, 0)
    mean_queue = float(pi @ waiting)
    p_wait = 1.0 - float(pi[:c].sum())   # (summing the other side may round past 1)
    served, wait_if_served = _tagged(mu, c, theta, len(pi) - c)
    p_served = float(pi[:c].sum() + pi[c:] @ served)
    mean_wait_answered = float(pi[c:] @ (served * wait_if_served)) / p_served
    return Queue(p_wait, theta * mean_queue / lam, mean_wait_answered, mean_queue)


def erlang_a_service_level(lam: float, mu: float, c: int, theta: float, threshold: float) -> float:
    """Share of all callers answered within ``threshold`` in M/M/c+M: those who find an agent free, and those
    who reach one before both the threshold and their patience run out."""
    pi = _stationary(lam, mu, c, theta)
    positions = len(pi) - c
    ahead = c * mu + theta * np.arange(positions)  # rate at which the place ahead frees, with i ahead
    # states 0..positions-1: callers ahead of the tagged one; the last state: answered (absorbing)
    chain = sparse.diags([np.append(-(ahead + theta), 0.0), np.append(ahead[1:], 0.0), [ahead[0]]],
                         [0, 1, -positions], format="csr")
    answered_later = expm_multiply(chain * threshold, np.append(pi[c:], 0.0))[-1]
    return float(pi[:c].sum() + answered_later)


def _stationary(lam: float, mu: float, c: int, theta: float) -> np.ndarray:
    """Stationary probabilities of the number of callers in M/M/c+M, states 0.. until the tail is negligible."""
    weights, top, n = [1.0], 1.0, 0
    while True:
        n += 1
        weights.append(weights[-1] * lam / (min(n, c) * mu + max(n - c, 0) * theta))
        top = max(top, weights[-1])
        if n > c and weights[-1] < TAIL * top and lam < c * mu + (n - c) * theta:   # past the mode, negligible
            break
        if top > 1e250:   # keep the numbers finite on big, heavy queues: rescale
            weights, top = [w / top for w in weights], 1.0
    pi = np.array(weights)
    return pi / pi.sum()


def _tagged(mu: float, c: int, theta: float, positions: int) -> tuple[np.ndarray, np.ndarray]:
    """For a caller arriving with ``i`` callers already waiting (i = 0..positions-1): the chance of being
    answered, and the mean wait given answered. The queue ahead shortens at rate ``c mu + k theta`` with
    ``k`` ahead, while the caller's own patience runs out at rate ``theta``; each phase lasts an
    exponential time of the two rates' sum whichever ends it."""
    served = np.empty(positions)
    wait = np.empty(positions)
    p, mean = 1.0, 0.0
    for i in range(positions):
        rate = c * mu + i * theta   # the phase with i ahead: one of them leaves (or, for i = 0, an agent frees)
        p_through = rate / (rate + theta)
        # prepend this phase in front of those with fewer ahead: a caller with i ahead must pass it first
        p, mean = p_through * p, 1.0 / (rate + theta) + mean
        served[i], wait[i] = p, mean
    return served, wait
