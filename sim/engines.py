"""Who runs the replications: this process, local worker processes, or a Dask cluster.

Every engine takes the same list of tasks and hands back each replication as
it finishes, whatever the order. A replication's numbers depend only on its
scenario and its branch of the seed tree, never on the engine, the number of
workers or the finishing order, so results are identical whichever ran them.
"""

from __future__ import annotations

import multiprocessing
import queue
import signal
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
        finished: queue.Queue = queue.Queue()
        ticks = multiprocessing.Queue() if tick else None
        pool = multiprocessing.Pool(min(self.workers, len(jobs)), _start_worker, (ticks,))
        try:
            for index, (task, records) in enumerate(jobs):
                pool.apply_async(_pooled, (index, task, records), callback=finished.put,
                                 error_callback=finished.put)
            remaining = len(jobs)
            while remaining:
                try:
                    item = finished.get(timeout=0.2)
                except queue.Empty:
                    item = None
                while ticks is not None and not ticks.empty():
                    tick(*ticks.get())
                if item is None:
                    continue
                if isinstance(item, BaseException):
                    raise item
                done(*item)
                remaining -= 1
            pool.close()
        except BaseException:
            pool.terminate()
            raise
        finally:
            pool.join()


class DaskEngine:
    """A Dask distributed scheduler at ``address`` (``tcp://host:8786``), whose workers have gridgov installed."""

    def __init__(self, address: str):
        self.address = address

    def describe(self) -> str:
        return f"Dask cluster {self.address}"

    def run(self, jobs: list[Job], done: Done, tick: Optional[Tick] = None) -> None:
        """Submit every job to the cluster and collect them as they finish; interrupted, they are cancelled."""
        from distributed import Client, as_completed

        try:
            client = Client(self.address, timeout="20s")
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
