"""Limited repair crews: when each struck asset is repaired, given the crews of its pool.

Pure numpy (layer 2). Each strike's drawn repair time is the *work* of one crew [hours].
An asset in a crew pool is repaired by one crew of that pool at a time; an asset without a
pool (pool -1) is repaired at once, as without crews (outage = work, no wait).

Rules, per Monte Carlo sample, in time order. At one time t, in this order:

1. Repairs ending at t finish: the asset is up at t and its crew is free.
2. Strikes at t arrive. An asset whose job is waiting or under repair keeps that job, and
   the work still needed becomes the longer of what remained and the new draw, computed
   exactly as ``end = max(end, t + work)`` for a job under repair and
   ``work = max(work, new work)`` for a waiting job. Otherwise the strikes at t on that
   asset open one new waiting job whose work is the largest of their draws; when that is 0
   there is no job and each of these strikes has outage 0.
3. Free crews of each pool take waiting jobs of the pool, one job per crew: the best
   (lowest) priority first, then the earliest first strike of the job, then the asset's
   place in sorted asset ids. A job started at t0 with work W ends at ``t0 + W``.

Strikes may be given in any order and may share times; the asset a strike hits and its
work may differ between samples. A job so short that ``t0 + W == t0`` ends at its start,
and its crew is free again at t0 for the next waiting job. A job that never starts (every
crew of its pool busy forever, after an infinite repair) has start and end inf.

Every strike merged into a job gets ``outage = end - s`` for its own strike time s (so the
asset is down on ``[s, s + outage)``, and the union over strikes is the asset's outage)
and ``wait = max(0, start - s)`` (for the first strike of a job, ``start - s``). Since
``s + (end - s)`` can differ from ``end`` in the last bit (and ``(s + work) - s`` from
``work``), the outage of an asset whose crews are never short equals the one without crews
(the union of ``[s, s + work)``) only up to that bit; without any pool it is exactly the
same (outage = work).

Two implementations give identical floats (``tests/test_crews.py`` checks that on random
cases): :func:`crew_outage_hours_reference`, a plain event loop sample by sample (the
oracle, used by the reference engine), and :func:`crew_outage_hours`, vectorised over
samples and pools (used by the fast engine).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["crew_outage_hours", "crew_outage_hours_reference"]

#: Bits of one word of a waiting-queue bitmap in :func:`crew_outage_hours`.
_WORD_BITS = 64

#: Largest product of the numbers of levels of sort keys packed into one int64 (beyond it, :func:`numpy.lexsort`).
_KEY_LIMIT = 1 << 62


def _checked(strike_hours, strike_asset, work_hours, asset_pool, asset_priority, asset_order, pool_crews):
    """The arguments as arrays of the documented dtypes; ValueError when one is malformed."""
    strike_hours = np.asarray(strike_hours, dtype=np.float64)
    work_hours = np.asarray(work_hours, dtype=np.float64)
    strike_asset = np.asarray(strike_asset, dtype=np.int64)
    asset_pool = np.asarray(asset_pool, dtype=np.int64)
    asset_priority = np.asarray(asset_priority, dtype=np.float64)
    asset_order = np.asarray(asset_order, dtype=np.int64)
    pool_crews = np.asarray(pool_crews, dtype=np.int64)
    if strike_hours.ndim != 1 or work_hours.ndim != 2 or work_hours.shape[1] != strike_hours.shape[0]:
        raise ValueError(f"work_hours {work_hours.shape} must be (samples, {strike_hours.shape[0]} strikes)")
    if strike_asset.shape != work_hours.shape:
        raise ValueError(f"strike_asset {strike_asset.shape} must have the shape of work_hours {work_hours.shape}")
    assets = asset_pool.shape[0]
    if asset_pool.ndim != 1 or asset_priority.shape != (assets,) or asset_order.shape != (assets,):
        raise ValueError("asset_pool, asset_priority and asset_order must be 1-D arrays of one length")
    if pool_crews.ndim != 1 or (pool_crews < 1).any():
        raise ValueError("pool_crews must be a 1-D array of whole numbers >= 1")
    if assets and (asset_pool.min() < -1 or asset_pool.max() >= pool_crews.shape[0]):
        raise ValueError(f"asset_pool must be -1 (no pool) or a pool index in [0, {pool_crews.shape[0]})")
    return strike_hours, strike_asset, work_hours, asset_pool, asset_priority, asset_order, pool_crews


def _check_values(strike_hours, strike_asset, work_hours, asset_priority, asset_order) -> None:
    """ValueError unless the values are usable (checked only when some asset has a pool)."""
    assets = asset_order.shape[0]
    if strike_asset.size and (strike_asset.min() < 0 or strike_asset.max() >= assets):
        raise ValueError(f"strike_asset must be asset indices in [0, {assets})")
    if not np.isfinite(strike_hours).all():
        raise ValueError("strike_hours must be finite")
    if np.isnan(work_hours).any() or (work_hours < 0).any():
        raise ValueError("work_hours must be >= 0 (inf allowed)")
    if np.isnan(asset_priority).any():
        raise ValueError("asset_priority must not be NaN (inf = no priority given)")
    if len(np.unique(asset_order)) != assets or (assets and asset_order.min() < 0):
        raise ValueError("asset_order must be distinct whole numbers >= 0")


# --- the plain event loop (the oracle) --------------------------------------------------------


@dataclass
class _Job:
    """One repair: an asset, its strikes so far, and when it starts and ends [hours]."""

    asset: int
    pool: int
    first_strike_hours: float
    work: float
    strikes: list[int] = field(default_factory=list)
    start: float = math.inf
    end: float = math.inf
    started: bool = False


def _one_sample_reference(strike_hours, assets, works, asset_pool, asset_priority, asset_order, pool_crews):
    """Jobs of one sample, by the event loop of the module docstring; strikes not in a job have no outage."""
    pooled = [i for i in range(len(strike_hours)) if asset_pool[assets[i]] >= 0]
    arrivals = sorted(pooled, key=lambda i: strike_hours[i])
    free_crews = [int(crews) for crews in pool_crews]
    current: dict[int, _Job] = {}  # asset -> its job, waiting or under repair
    waiting: list[_Job] = []
    running: list[_Job] = []
    jobs: list[_Job] = []
    k = 0
    while True:
        next_strike = float(strike_hours[arrivals[k]]) if k < len(arrivals) else math.inf
        t = min([next_strike] + [job.end for job in running])
        if t == math.inf:
            break
        # 1. Repairs ending at t finish.
        for job in [job for job in running if job.end <= t]:
            running.remove(job)
            free_crews[job.pool] += 1
            del current[job.asset]
        # 2. Strikes at t arrive, grouped by asset.
        struck: dict[int, list[int]] = {}
        while k < len(arrivals) and float(strike_hours[arrivals[k]]) == t:
            struck.setdefault(int(assets[arrivals[k]]), []).append(arrivals[k])
            k += 1
        for asset, group in struck.items():
            job = current.get(asset)
            if job is None:
                work = max(float(works[i]) for i in group)
                if not work > 0:
                    continue  # no job: these strikes keep outage 0
                job = _Job(asset, int(asset_pool[asset]), t, work)
                current[asset] = job
                waiting.append(job)
                jobs.append(job)
            elif not job.started:
                job.work = max([job.work] + [float(works[i]) for i in group])
            else:
                for i in group:
                    job.end = max(job.end, t + float(works[i]))
            job.strikes += group
        # 3. Free crews take the best waiting jobs of their pool.
        for pool in range(len(free_crews)):
            while free_crews[pool] > 0 and any(job.pool == pool for job in waiting):
                job = min(
                    (job for job in waiting if job.pool == pool),
                    key=lambda job: (asset_priority[job.asset], job.first_strike_hours, asset_order[job.asset]),
                )
                waiting.remove(job)
                job.started, job.start, job.end = True, t, t + job.work
                running.append(job)
                free_crews[pool] -= 1
    return jobs


def crew_outage_hours_reference(
    strike_hours, strike_asset, work_hours, asset_pool, asset_priority, asset_order, pool_crews
) -> tuple[np.ndarray, np.ndarray]:
    """Outage and wait of every strike with limited crews: a plain event loop, sample by sample.

    Written for obviousness (the oracle of :func:`crew_outage_hours`, which returns the
    same floats); the rules are in the module docstring.

    Parameters
    ----------
    strike_hours : ndarray of float, shape (S,)
        Time of each strike [hours since start], in any order.
    strike_asset : ndarray of int, shape (N, S)
        Index of the asset each strike hits in each sample.
    work_hours : ndarray of float, shape (N, S)
        Repair work of each strike in each sample, for one crew [hours]; 0 = no repair.
    asset_pool : ndarray of int, shape (J,)
        Crew pool of each asset; -1 = no pool (repaired at once, no queue).
    asset_priority : ndarray of float, shape (J,)
        Priority of each asset: lower first; inf = no priority given.
    asset_order : ndarray of int, shape (J,)
        Place of each asset id in the sorted asset ids (the last tie-break).
    pool_crews : ndarray of int, shape (P,)
        Number of crews of each pool (>= 1).

    Returns
    -------
    outage_hours : ndarray of float, shape (N, S)
        Strike i's asset is down on ``[s_i, s_i + outage_hours[n, i])`` [hours].
    wait_hours : ndarray of float, shape (N, S)
        How long strike i's repair waited for a crew [hours]; 0 without a pool.
    """
    strike_hours, strike_asset, work_hours, asset_pool, asset_priority, asset_order, pool_crews = _checked(
        strike_hours, strike_asset, work_hours, asset_pool, asset_priority, asset_order, pool_crews
    )
    if (asset_pool >= 0).any():
        _check_values(strike_hours, strike_asset, work_hours, asset_priority, asset_order)
    outage = work_hours.copy()
    wait = np.zeros_like(work_hours)
    for n in range(work_hours.shape[0]):
        for i in range(len(strike_hours)):
            if asset_pool[strike_asset[n, i]] >= 0:
                outage[n, i] = 0.0  # until merged into a job
        jobs = _one_sample_reference(
            strike_hours, strike_asset[n], work_hours[n], asset_pool, asset_priority, asset_order, pool_crews
        )
        for job in jobs:
            for i in job.strikes:
                outage[n, i] = job.end - float(strike_hours[i])
                wait[n, i] = max(0.0, job.start - float(strike_hours[i]))
    return outage, wait


# --- vectorised over samples and pools --------------------------------------------------------


def crew_outage_hours(
    strike_hours, strike_asset, work_hours, asset_pool, asset_priority, asset_order, pool_crews
) -> tuple[np.ndarray, np.ndarray]:
    """Outage and wait of every strike with limited crews, vectorised over samples and pools.

    Same parameters, rules and floats as :func:`crew_outage_hours_reference`. Every
    (sample, pool) pair is a *lane* with its own clock. Each pass of a Python loop does, in
    every lane at once (numpy over lanes), its next strike if no waiting job can start
    before it, then one job start if one can start before the lane's next strike; so the
    loop runs at most as many times as the busiest lane has pooled strikes plus job starts
    (no more than twice its strikes). A lane's waiting jobs are a bitmap over the ranks of
    its strikes in (priority, strike time, asset order), so the best one is the lowest set
    bit. Memory: about 150 bytes per (sample, strike) and 8 per (sample, asset). Without any
    pool this returns ``(work_hours.copy(), zeros)`` at once. Parameters and returns: see
    :func:`crew_outage_hours_reference`.
    """
    strike_hours, strike_asset, work_hours, asset_pool, asset_priority, asset_order, pool_crews = _checked(
        strike_hours, strike_asset, work_hours, asset_pool, asset_priority, asset_order, pool_crews
    )
    outage = work_hours.copy()
    wait = np.zeros_like(work_hours)
    if outage.size == 0 or not (asset_pool >= 0).any():
        return outage, wait
    _check_values(strike_hours, strike_asset, work_hours, asset_priority, asset_order)
    strike_pool = asset_pool[strike_asset]
    pooled = strike_pool >= 0
    if not pooled.any():
        return outage, wait
    outage[pooled] = 0.0  # unless the strike joins a job
    schedule = _Schedule.build(strike_hours, strike_asset, work_hours, strike_pool, asset_priority, asset_order)
    schedule.fill(pool_crews, outage.reshape(-1), wait.reshape(-1))
    return outage, wait


def _row_order(keys: list[tuple[np.ndarray, int]]) -> np.ndarray:
    """Order of each row of int keys, most significant first; ties in any (fixed) order.

    Parameters
    ----------
    keys : list of (ndarray of int, int)
        Each key, shape (N, S), with values in ``[0, levels)``, and its number of levels.

    Returns
    -------
    ndarray of int, shape (N, S)
        Column indices of each row in key order.
    """
    levels = math.prod(max(int(count), 1) for _key, count in keys)
    if levels > _KEY_LIMIT:  # the combined key would overflow int64
        return np.lexsort([key for key, _count in reversed(keys)], axis=-1)
    combined = np.zeros(keys[0][0].shape, dtype=np.int64)
    for key, count in keys:
        combined *= max(int(count), 1)
        combined += key
    return np.argsort(combined, axis=-1)


def _dense_rank(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Rank of each value among the distinct values (equal values, equal rank), and their number."""
    distinct, rank = np.unique(values, return_inverse=True)
    return rank.reshape(values.shape), len(distinct)


@dataclass
class _Schedule:
    """The pooled strikes of every lane (sample n, pool p; lane ``n * P + p``) in flat arrays.

    Position k of ``N * S`` is the k-th strike in the order (sample, pool, time, zero work
    last), the *arrival order*: a lane's strikes are positions ``first[lane]:stop[lane]``, in
    the order the lane takes them in. Strikes of one time on one asset with zero work thus
    arrive after the others and join the job those open (as the reference's grouping by
    asset does); the order of other strikes of one time changes no result. A job is named
    by the position of its first strike. ``by_rank`` lists each lane's positions in queue
    order instead (priority, time, asset order), from the same ``first``. Assets are named
    ``n * J + a``.
    """

    pools: int
    first: np.ndarray  # (L,) first position of each lane
    stop: np.ndarray  # (L,) one past its last
    strike: np.ndarray  # (N S,) flat strike index n * S + i at each position
    hours: np.ndarray  # (N S + 1,) strike time at each position [hours]; a sentinel inf ends it
    following: np.ndarray  # (N S,) time of the lane's next strike [hours]; inf after its last
    work: np.ndarray  # (N S,) work [hours]
    asset: np.ndarray  # (N S,) flat asset index
    word: np.ndarray  # (N S,) its word in the lane's waiting-queue bitmap: rank r in the lane's queue order // 64
    bit: np.ndarray  # (N S,) uint64: its bit in that word, 1 << (r % 64)
    by_rank: np.ndarray  # (N S,) position at each queue-order place
    assets: int  # N * J

    @classmethod
    def build(cls, strike_hours, strike_asset, work_hours, strike_pool, asset_priority, asset_order) -> _Schedule:
        """Sort every sample's strikes into lanes, in arrival order and in queue order."""
        samples, strikes = work_hours.shape
        pools = int(strike_pool.max()) + 1
        pool_key = np.where(strike_pool >= 0, strike_pool, pools)  # unpooled strikes last, in no lane
        time_rank, times = _dense_rank(strike_hours)
        time_key = np.broadcast_to(time_rank, work_hours.shape)
        priority_rank, priorities = _dense_rank(asset_priority)
        arrival = _row_order([(pool_key, pools + 1), (time_key, times), ((work_hours == 0).view(np.int8), 2)])
        queue = _row_order(
            [
                (pool_key, pools + 1),
                (priority_rank[strike_asset], priorities),
                (time_key, times),
                (asset_order[strike_asset], int(asset_order.max()) + 1),
            ]
        )
        row = np.arange(samples)[:, None] * strikes
        group = (np.arange(samples)[:, None] * (pools + 1) + pool_key).ravel()
        counts = np.bincount(group, minlength=samples * (pools + 1)).reshape(samples, pools + 1)
        group_first = np.cumsum(counts, axis=1) - counts + row  # position of each (sample, pool)'s first strike
        first = group_first[:, :pools].ravel()
        stop = first + counts[:, :pools].ravel()
        strike = (arrival + row).ravel()  # flat strike index at each position
        position = np.empty_like(strike)
        position[strike] = np.arange(strike.size)
        by_rank = position[(queue + row).ravel()]
        place = np.arange(strike.size)  # place q in queue order is in sample q // S
        rank = np.empty_like(strike)
        rank[by_rank] = place - group_first[place // strikes, pool_key.ravel()[strike[by_rank]]]
        hours = np.append(np.broadcast_to(strike_hours, work_hours.shape).ravel()[strike], np.inf)
        following = hours[1:].copy()
        following[stop[stop > first] - 1] = np.inf
        asset = (strike_asset + np.arange(samples)[:, None] * len(asset_order)).ravel()[strike]
        return cls(
            pools=pools,
            first=first,
            stop=stop,
            strike=strike,
            hours=hours,
            following=following,
            work=work_hours.ravel()[strike],
            asset=asset,
            word=rank // _WORD_BITS,
            bit=np.left_shift(np.uint64(1), (rank % _WORD_BITS).astype(np.uint64)),
            by_rank=by_rank,
            assets=samples * len(asset_order),
        )

    def fill(self, pool_crews: np.ndarray, outage: np.ndarray, wait: np.ndarray) -> None:
        """Write the outage and wait of every strike in a job into flat (N S,) arrays [hours]."""
        job_of_position, job_start, job_end = self.run(pool_crews)
        in_job = job_of_position < len(self.strike)
        strike, job, hours = self.strike[in_job], job_of_position[in_job], self.hours[:-1][in_job]
        outage[strike] = job_end[job] - hours
        wait[strike] = np.maximum(0.0, job_start[job] - hours)

    def run(self, pool_crews: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Run every lane's event loop.

        Each pass of the loop does, in every lane still busy, at most one arrival (when no
        job can start before the lane's next strike) and then at most one start (when a job
        can now start before it). Row arrays hold the lanes still busy (dropped from time
        to time); job and asset arrays are flat over samples.

        Returns
        -------
        job_of_position : ndarray of int, shape (N S,)
            The job each position's strike joined (its name), or ``N S`` (no job).
        job_start, job_end : ndarray of float, shape (N S + 1,)
            Start and end of each job, by its name [hours]; inf if never.
        """
        no_job = len(self.strike)
        job_work = np.zeros(no_job + 1)
        job_start = np.full(no_job + 1, np.inf)  # inf: waiting (or never started)
        job_end = np.full(no_job + 1, np.inf)
        job_start[no_job] = job_end[no_job] = -np.inf  # "no job" reads as a job long finished
        job_crew = np.zeros(no_job + 1, dtype=np.int64)
        job_of_position = np.full(no_job, no_job, dtype=np.int64)
        asset_job = np.full(self.assets, no_job, dtype=np.int64)
        one, zero = np.uint64(1), np.uint64(0)

        lane = np.flatnonzero(self.stop > self.first)
        first, stop, ptr = self.first[lane], self.stop[lane], self.first[lane].copy()
        next_strike = self.hours[ptr]
        crews = pool_crews[lane % self.pools]
        width = int(crews.max())  # crews of a row: columns of crew_end; extra columns are never free
        crew_end = np.where(np.arange(width) < crews[:, None], -np.inf, np.inf)
        words_per_row = -(-int((stop - first).max(initial=1)) // _WORD_BITS)
        words = np.zeros((lane.size, words_per_row), dtype=np.uint64)  # bit r: the job of rank r waits
        queued = np.zeros(lane.size, dtype=np.int64)
        now = np.full(lane.size, -np.inf)
        row_first_crew = np.arange(lane.size) * width  # index of each row's first crew in crew_end.reshape(-1)

        while lane.size:
            # An arrival in each lane where no job can start before its next strike.
            crew = crew_end.argmin(axis=1)  # the crew free first
            crew_flat = crew_end.reshape(-1)
            start = np.maximum(crew_flat[row_first_crew + crew], now)
            arriving = (((queued == 0) | (start >= next_strike)) & (ptr < stop)).nonzero()[0]
            if arriving.size:
                position = ptr[arriving]
                ptr[arriving] = position + 1
                t, work, asset = self.hours[position], self.work[position], self.asset[position]
                next_strike[arriving] = self.following[position]
                now[arriving] = t
                job = asset_job[asset]  # rows are distinct lanes, so distinct jobs (or "no job")
                end = job_end[job]
                waiting = job_start[job] == np.inf
                running = (end > t) & ~waiting
                opening = ~(running | waiting) & (work > 0)
                work_before = job_work[job]
                job_work[job] = np.where(waiting, np.maximum(work_before, work), work_before)
                end = np.where(running, np.maximum(end, t + work), end)
                job_end[job] = end
                merged_crew = arriving * width + job_crew[job]
                crew_flat[merged_crew] = np.where(running, end, crew_flat[merged_crew])
                job_work[position] = work  # the work of the job this strike opens (read only if it does)
                asset_job[asset] = np.where(opening, position, job)
                word = arriving * words_per_row + self.word[position]
                words_flat = words.reshape(-1)
                words_flat[word] |= np.where(opening, self.bit[position], zero)
                queued[arriving] += opening
                job_of_position[position] = np.where(running | waiting, job, np.where(opening, position, no_job))
                if running.any():  # a repair now ends later: its lane's crew free first may be another one
                    merged = arriving[running]
                    crew[merged] = crew_end[merged].argmin(axis=1)
                start = np.maximum(crew_flat[row_first_crew + crew], now)
            # Then a start in each lane where a job can start before its next strike.
            starting = ((queued > 0) & (start < next_strike)).nonzero()[0]
            if starting.size:
                crew, start = crew[starting], start[starting]
                word_index = (words != 0).argmax(axis=1)[starting]
                word_flat = starting * words_per_row + word_index
                words_flat = words.reshape(-1)
                word = words_flat[word_flat]
                lowest = word & (~word + one)
                words_flat[word_flat] = word ^ lowest
                queued[starting] -= 1
                job = self.by_rank[first[starting] + word_index * _WORD_BITS + np.frexp(lowest.astype(float))[1] - 1]
                end = start + job_work[job]
                job_start[job] = start
                job_end[job] = end
                job_crew[job] = crew
                crew_end.reshape(-1)[starting * width + crew] = end
                now[starting] = start
            if arriving.size + starting.size < 0.75 * lane.size:  # drop the lanes with nothing left to do
                busy = np.zeros(lane.size, dtype=bool)
                busy[arriving] = True
                busy[starting] = True
                lane, first, stop, ptr, next_strike = lane[busy], first[busy], stop[busy], ptr[busy], next_strike[busy]
                crew_end, words, queued, now = crew_end[busy], words[busy], queued[busy], now[busy]
                row_first_crew = np.arange(lane.size) * width
        return job_of_position, job_start, job_end
