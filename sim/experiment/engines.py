"""Who runs the replications: this process, local worker processes, or a Dask cluster.

Every engine takes the same list of tasks and hands back each replication as
it finishes, whatever the order. A replication's numbers depend only on its
scenario and its branch of the seed tree, never on the engine, the number of
workers or the finishing order, so results are identical whichever ran them.
"""

from __future__ import annotations

import multiprocessing
import signal
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Callable, Optional

from sim.scenario.errors import ScenarioError

from .replication import Result, run_one
from .store import Task

Job = tuple[Task, Optional[Path]]  # a task and where its records go (None: no records)
Done = Callable[[int, Result], None]  # index of the job, its replication
Tick = Callable[[int, int], None]  # index of the job, simulated days completed

_ticks = None  # in a pool worker: the queue that carries simulated-day progress home


def _start_worker(ticks) -> None:
    """Pool workers leave Ctrl-C to the main process, which stops them all at once."""
    global _ticks
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _ticks = ticks


def _pooled(index: int, task: Task, records: Optional[Path]) -> tuple[int, Result]:
    progress = (lambda day: _ticks.put((index, day))) if _ticks is not None else None
    return index, run_one(task.scenario, task.replication, records, progress)


class EngineLost(Exception):
    """The workers were lost (a process killed, the cluster gone): what finished is kept, the rest can resume."""


class LocalEngine:
    """This process (one worker), or a pool of worker processes on this machine."""

    def __init__(self, workers: int = 1):
        self.workers = workers

    def describe(self) -> str:
        return f"{self.workers} worker{'s' if self.workers > 1 else ''}"

    def close(self) -> None:
        """Nothing to release: a pool lives only while it runs."""

    def run(self, jobs: list[Job], done: Done, tick: Optional[Tick] = None) -> None:
        """Run every job, calling ``done`` as each finishes; interrupted, the workers stop at once."""
        if self.workers <= 1 or len(jobs) <= 1:
            for index, (task, records) in enumerate(jobs):
                progress = (lambda day, index=index: tick(index, day)) if tick else None
                done(index, run_one(task.scenario, task.replication, records, progress))
            return
        ticks = multiprocessing.Queue() if tick else None
        pool = ProcessPoolExecutor(min(self.workers, len(jobs)), initializer=_start_worker, initargs=(ticks,))
        try:
            pending = {pool.submit(_pooled, index, task, records) for index, (task, records) in enumerate(jobs)}
            while pending:
                finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                while ticks is not None and not ticks.empty():
                    tick(*ticks.get())
                failed = [future for future in finished if future.exception() is not None]
                for future in finished:
                    if future.exception() is None:
                        done(*future.result())
                if failed:  # after keeping every replication that did finish
                    raise failed[0].exception()
        except BrokenProcessPool as exc:
            _stop(pool)
            raise EngineLost(f"a worker process died ({exc})") from None
        except BaseException:
            _stop(pool)
            raise
        pool.shutdown()


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now, work under way included (the executor has no public way to; without this, leaving
    would wait for every running replication)."""
    processes = list((pool._processes or {}).values())  # before shutdown forgets them
    calls = pool._call_queue
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    if calls is not None:  # tasks already piped to the dead workers are abandoned: never wait to flush them
        calls.cancel_join_thread()


class DaskEngine:
    """A Dask distributed scheduler at ``address`` (``tcp://host:8786``), whose workers have gridgov installed.
    It connects at once, so a wrong address is reported before anything else happens."""

    def __init__(self, address: str, timeout: str = "20s"):
        from distributed import Client

        self.address = address
        try:
            self.client = Client(address, timeout=timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ScenarioError(f"no Dask scheduler answers there ({exc}); start one with 'dask scheduler' and "
                                "give its address, e.g. tcp://10.0.0.5:8786", address, "--cluster") from None

    def describe(self) -> str:
        return f"Dask cluster {self.address}"

    def close(self) -> None:
        self.client.close()

    def run(self, jobs: list[Job], done: Done, tick: Optional[Tick] = None) -> None:
        """Submit every job to the cluster and collect them as they finish; interrupted, they are cancelled."""
        from distributed import KilledWorker, as_completed

        futures = {self.client.submit(run_one, task.scenario, task.replication, records, pure=False): index
                   for index, (task, records) in enumerate(jobs)}
        try:
            for future in as_completed(futures):
                done(futures[future], future.result())
        except (KilledWorker, OSError, TimeoutError) as exc:  # OSError covers a closed connection
            self.client.cancel(list(futures))
            raise EngineLost(f"the Dask cluster was lost ({exc.__class__.__name__}: {exc})") from None
        except BaseException:
            self.client.cancel(list(futures))
            raise
