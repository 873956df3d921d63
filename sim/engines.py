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
from pathlib import Path
from typing import Callable, Optional

from .errors import ScenarioError
from .replication import Replication, run_one
from .store import Task

Job = tuple[Task, Optional[Path]]  # a task and where its records go (None: no records)
Done = Callable[[int, Replication], None]  # index of the job, its replication
Tick = Callable[[int, int], None]  # index of the job, simulated days completed

_ticks = None  # in a pool worker: the queue that carries simulated-day progress home


def _start_worker(ticks) -> None:
    """Pool workers leave Ctrl-C to the main process, which stops them all at once."""
    global _ticks
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _ticks = ticks


def _pooled(index: int, task: Task, records: Optional[Path]) -> tuple[int, Replication]:
    progress = (lambda day: _ticks.put((index, day))) if _ticks is not None else None
    return index, run_one(task.scenario, task.replication, records, progress)


class LocalEngine:
    """This process (one worker), or a pool of worker processes on this machine."""

    def __init__(self, workers: int = 1):
        self.workers = workers

    def describe(self) -> str:
        return f"{self.workers} worker{'s' if self.workers > 1 else ''}"

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
                for future in finished:
                    done(*future.result())  # a worker that died raises BrokenProcessPool here
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            # the executor has no public way to stop work under way; without this, exit would wait for it
            for process in list((pool._processes or {}).values()):
                process.terminate()
            raise
        pool.shutdown()


class DaskEngine:
    """A Dask distributed scheduler at ``address`` (``tcp://host:8786``), whose workers have gridgov installed."""

    def __init__(self, address: str, timeout: str = "20s"):
        self.address, self.timeout = address, timeout

    def describe(self) -> str:
        return f"Dask cluster {self.address}"

    def run(self, jobs: list[Job], done: Done, tick: Optional[Tick] = None) -> None:
        """Submit every job to the cluster and collect them as they finish; interrupted, they are cancelled."""
        from distributed import Client, as_completed

        try:
            client = Client(self.address, timeout=self.timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ScenarioError(f"no Dask scheduler answers there ({exc}); start one with 'dask scheduler' and "
                                "give its address, e.g. tcp://10.0.0.5:8786", self.address, "--cluster") from None
        with client:
            futures = {client.submit(run_one, task.scenario, task.replication, records, pure=False): index
                       for index, (task, records) in enumerate(jobs)}
            try:
                for future in as_completed(futures):
                    done(futures[future], future.result())
            except BaseException:
                client.cancel(list(futures))
                raise
