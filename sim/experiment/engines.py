"""Who runs the replications: this process, local worker processes, or a Dask cluster.

Every engine takes the same list of tasks and hands back each replication as
it finishes, whatever the order. A replication's numbers depend only on its
scenario and its branch of the seed tree, never on the engine, the number of
workers or the finishing order, so results are identical whichever ran them.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Callable, Optional

from sim.scenario.errors import ScenarioError

from .replication import Result, run_one
from .signals import Held, held
from .store import Task

Job = tuple[Task, Optional[Path]]  # a task and where its records go (None: no records)
Done = Callable[[int, Result], None]  # index of the job, its replication
Tick = Callable[[int, int], None]  # index of the job, simulated days completed


class EngineLost(Exception):
    """The workers were lost (a process killed, the cluster gone): what finished is kept, the rest can resume."""


def watch_parent() -> None:
    """In a worker process: exit at once when the parent is gone (killed, even with SIGKILL) instead of running
    on alone holding a core (a daemon thread waits for the parent's end)."""
    threading.Thread(target=_exit_with_parent, daemon=True).start()


def _exit_with_parent() -> None:
    parent = multiprocessing.parent_process()
    if parent is not None:
        wait([parent.sentinel])
        os._exit(1)


def _serve(tasks: Connection, results: Connection, ticking: bool) -> None:
    """A pool worker: run each job it is handed and send back ``("tick", index, day)`` as days are simulated,
    then ``("done", index, result)`` or ``("failed", index, exception)``; ``None`` or a closed pipe ends it.
    Ctrl-C is left to the main process, which stops every worker at once with SIGTERM (whatever the main
    process does with SIGTERM itself, a worker just ends)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.set_wakeup_fd(-1)  # the main process' wake-up pipe (``held``), inherited: not this worker's
    watch_parent()
    while True:
        try:
            job = tasks.recv()
        except EOFError:
            return
        if job is None:
            return
        index, task, records = job
        progress = (lambda day: results.send(("tick", index, day))) if ticking else None
        try:
            message = ("done", index, run_one(task.scenario, task.replication, records, progress))
        except Exception as exc:  # the main process raises it, after keeping what finished
            message = ("failed", index, exc)
        try:
            results.send(message)
        except Exception as exc:  # an exception that cannot be pickled: its words still go home
            results.send(("failed", index, RuntimeError(f"{exc.__class__.__name__}: {exc}")))


class _Worker:
    """One worker process, a pipe to hand it jobs, a pipe to hear from it, and the job it is running."""

    def __init__(self, context, ticking: bool):
        jobs, self.jobs = context.Pipe(duplex=False)
        self.results, results = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(jobs, results, ticking), daemon=True)
        self.process.start()
        jobs.close()
        results.close()  # only the worker writes here: if it dies mid-message, reading ends instead of waiting
        self.job: Optional[int] = None

    def give(self, index: int, job: Job) -> None:
        self.job = index
        self.jobs.send((index, *job))

    def stop(self) -> None:
        """Ask an idle worker to leave; it exits as soon as it reads this."""
        try:
            self.jobs.send(None)
        except OSError:
            pass


def _kill(workers: list[_Worker]) -> None:
    """Stop every worker now, work under way included, and reap them: nothing is left running or to wait for."""
    for worker in workers:
        worker.process.terminate()
    for worker in workers:
        worker.process.join(5)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.jobs.close()
        worker.results.close()


class LocalEngine:
    """This process (one worker), or a pool of worker processes on this machine."""

    def __init__(self, workers: int = 1):
        self.workers = workers

    def describe(self) -> str:
        return f"{self.workers} worker{'s' if self.workers > 1 else ''}"

    def close(self) -> None:
        """Nothing to release: a pool lives only while it runs."""

    def run(self, jobs: list[Job], done: Done, tick: Optional[Tick] = None) -> None:
        """Run every job, calling ``done`` as each finishes; interrupted, the workers stop at once.

        The pool is this engine's own rather than ``concurrent.futures``': the main process has no helper
        thread that a worker killed in the middle of a message could leave waiting forever, so stopping is
        always immediate, and each worker exits by itself if the main process dies."""
        if self.workers <= 1 or len(jobs) <= 1:
            for index, (task, records) in enumerate(jobs):
                progress = (lambda day, index=index: tick(index, day)) if tick else None
                result = run_one(task.scenario, task.replication, records, progress)
                with held():
                    done(index, result)
            return
        workers: list[_Worker] = []
        try:
            with held() as hold:  # Ctrl-C stops the pool between steps, never halfway through one
                self._pool(workers, jobs, done, tick, hold)
        except BaseException:
            _kill(workers)
            raise
        for worker in workers:
            worker.process.join()
            worker.jobs.close()
            worker.results.close()

    def _pool(self, workers: list[_Worker], jobs: list[Job], done: Done, tick: Optional[Tick], hold: Held) -> None:
        """Start the workers (into ``workers``, so that they are stopped whatever happens) and keep each one busy
        until every job is done; Ctrl-C or SIGTERM acts while it waits, between steps."""
        context = multiprocessing.get_context()
        workers.extend(_Worker(context, tick is not None) for _ in range(min(self.workers, len(jobs))))
        waiting = list(enumerate(jobs))[::-1]
        for worker in workers:
            worker.give(*waiting.pop())
        busy = len(workers)
        while busy:
            hold.give_back()  # a Ctrl-C noted since: KeyboardInterrupt, raised here
            by_pipe = {worker.results: worker for worker in workers if worker.job is not None}
            sentinels = [worker.process.sentinel for worker in by_pipe.values()]
            for ready in wait([*by_pipe, *sentinels, *([hold] if hold.active else [])]):
                if ready is hold:  # woken by a signal
                    hold.drain()
                    continue
                worker = by_pipe.get(ready)
                if worker is None:
                    continue  # a sentinel: its pipe says so too, with anything it sent before dying
                try:
                    kind, index, value = worker.results.recv()
                except (EOFError, OSError):
                    raise EngineLost(f"a worker process died (exit code {worker.process.exitcode})") from None
                if kind == "tick":
                    tick(index, value)
                    continue
                if kind == "failed":
                    raise value
                done(index, value)
                worker.job = None
                if waiting:
                    worker.give(*waiting.pop())
                else:
                    worker.stop()
                    busy -= 1


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
                result = future.result()
                with held():
                    done(futures[future], result)
        except (KilledWorker, OSError, TimeoutError) as exc:  # OSError covers a closed connection
            self.client.cancel(list(futures))
            raise EngineLost(f"the Dask cluster was lost ({exc.__class__.__name__}: {exc})") from None
        except BaseException:
            self.client.cancel(list(futures))
            raise
