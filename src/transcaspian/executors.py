"""Where many independent tasks run: in this process, a local process pool, or Dask.

:func:`run_tasks` maps a module-level function over task arguments and yields the
results **in task order** whatever ran them, so a seeded sweep gives the same rows on
one core, a pool or a cluster.

Examples
--------
>>> list(run_tasks(abs, [-1, 2, -3], workers=1))
[1, 2, 3]
"""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .errors import InputError

__all__ = ["run_tasks", "EXECUTORS"]

EXECUTORS = ("process", "dask")


def run_tasks(fn: Callable[[Any], Any], tasks: Sequence[Any], *, workers: int = 1, executor: str = "process",
              scheduler: str | None = None) -> Iterator[Any]:
    """``fn(task)`` for each task, yielded in order.

    Parameters
    ----------
    fn : callable
        A module-level function (it is pickled to the workers).
    tasks : sequence
    workers : int, default 1
        Processes of the local pool (1: run here, no pool); with Dask, the workers of the
        ``LocalCluster`` started when no ``scheduler`` is given.
    executor : {"process", "dask"}
        ``"dask"`` needs the ``dask`` extra (``dask.distributed``).
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``).

    Raises
    ------
    InputError
        Unknown executor, workers < 1, or a ``scheduler`` that cannot be reached.
    """
    if executor not in EXECUTORS:
        raise InputError(f"executor must be one of {', '.join(EXECUTORS)}, not {executor!r}")
    if workers < 1:
        raise InputError(f"workers must be >= 1, not {workers}")
    if executor == "dask":
        yield from _dask(fn, tasks, workers=workers, scheduler=scheduler)
    elif workers == 1:
        for t in tasks:
            yield fn(t)
    else:
        with cf.ProcessPoolExecutor(max_workers=workers) as pool:
            yield from pool.map(fn, tasks)


def _dask(fn: Callable[[Any], Any], tasks: Sequence[Any], *, workers: int, scheduler: str | None) -> Iterator[Any]:
    try:
        from dask.distributed import Client, LocalCluster  # noqa: PLC0415 (optional extra)
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("executor='dask' needs dask.distributed: pip install 'transcaspian[dask]'") from exc
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler)
        except (OSError, ValueError, TypeError) as exc:  # unreachable (timeout), refused, or not an address
            raise InputError(f"scheduler {scheduler!r}: cannot connect to a Dask scheduler ({exc}) "
                             "(fix: start one with `dask scheduler` and give its address, e.g. tcp://host:8786, "
                             "or drop the scheduler to run on this machine)") from None
    try:
        futures = client.map(fn, list(tasks), pure=False)
        for f in futures:
            yield f.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
