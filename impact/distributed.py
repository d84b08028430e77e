"""Running the fast engine's tasks on a dask.distributed cluster (extra ``[dask]``).

The engine already splits its work into independent pieces: the assets' outage stage into
blocks of samples, the statistics into tasks of areas (:func:`impact.engine.fast.plan_tasks`).
A :func:`dask_mapper` sends the shared input to every worker once
(``Client.scatter(broadcast=True)``) and each piece as one dask task; results come back in
order and are placed by index, so they are identical to a single-process run.

    from impact.distributed import cluster_mapper
    with cluster_mapper(workers=4) as (mapper, blocks):          # a local cluster
        ...
    with cluster_mapper(scheduler="tcp://10.0.0.5:8786") as ...  # an existing cluster

Most users go through ``impact.run(..., workers=N)`` or ``impact run SCENARIO --workers N``
(or ``--scheduler ADDRESS``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from impact.engine.fast import Mapper

__all__ = ["INSTALL_HINT", "DaskUnavailable", "cluster_mapper", "dask_mapper"]

#: What to install when dask is missing.
INSTALL_HINT = "install the dask extra: pip install 'humanitarian-impact[dask]'"


class DaskUnavailable(RuntimeError):
    """dask.distributed is not installed, or the scheduler cannot be reached."""


def _import_distributed():
    try:
        import distributed
    except ImportError as error:
        raise DaskUnavailable(f"--workers and --scheduler need dask.distributed; {INSTALL_HINT}") from error
    return distributed


def _call(item: object, function: Callable, shared: object) -> object:
    return function(shared, item)


def dask_mapper(client) -> Mapper:
    """A mapper (see :data:`impact.engine.fast.Mapper`) running each item as one dask task.

    Parameters
    ----------
    client : distributed.Client
        Connected client; the shared input is scattered to every worker once per call.
    """

    def mapper(function: Callable, shared: object, items: Sequence) -> list:
        if not items:
            return []
        shared_future = client.scatter(shared, broadcast=True, hash=False)
        futures = client.map(_call, list(items), function=function, shared=shared_future, pure=False)
        try:
            return client.gather(futures)
        finally:
            client.cancel([*futures, shared_future])

    return mapper


@contextmanager
def cluster_mapper(
    workers: int | None = None, scheduler: str | None = None, threads_per_worker: int = 1
) -> Iterator[tuple[Mapper, int]]:
    """Connect to a dask.distributed cluster, or start a local one, for the engine.

    Parameters
    ----------
    workers : int, optional
        Start a ``LocalCluster`` of this many worker processes on 127.0.0.1 (HTTP port at random),
        closed on exit.
    scheduler : str, optional
        Address of an existing scheduler (e.g. ``tcp://10.0.0.5:8786``); left running.
    threads_per_worker : int
        Threads of each local worker process.

    Yields
    ------
    mapper : Mapper
    sample_blocks : int
        Blocks of samples to split the outage stage into: two per worker thread.

    Raises
    ------
    DaskUnavailable
        dask.distributed is not installed or the scheduler does not answer.
    ValueError
        Neither or both of ``workers`` and ``scheduler`` given, or ``workers < 1``.
    """
    if (workers is None) == (scheduler is None):
        raise ValueError("give either workers or scheduler")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    distributed = _import_distributed()
    cluster = None
    try:
        if workers is not None:
            cluster = distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=threads_per_worker,
                processes=True,
                host="127.0.0.1",
                dashboard_address=":0",
            )
            client = distributed.Client(cluster)
        else:
            client = distributed.Client(scheduler, timeout="20s")
    except OSError as error:
        if cluster is not None:
            cluster.close()
        raise DaskUnavailable(f"could not reach the dask scheduler {scheduler!r}: {error}") from None
    try:
        threads = sum(client.nthreads().values()) or 1
        yield dask_mapper(client), 2 * threads
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
