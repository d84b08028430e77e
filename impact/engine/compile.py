"""Compile a validated scenario into the arrays both engines work on (:class:`CompiledScenario`)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import ndtr

from impact.areas import AreaTree
from impact.engine.cooling import COLD, Cooling
from impact.engine.draws import Draws
from impact.engine.grid import GridModel
from impact.engine.grid_compile import add_own_power, compile_grid, scenario_outdoor
from impact.engine.heat import DRAINED, Drain
from impact.engine.heat_compile import add_cooling, add_drains
from impact.engine.weights import link_weight
from impact.restoration import (
    DISTRIBUTION_CODES,
    STREAM_BUFFER,
    STREAM_CANDIDATE,
    STREAM_DAMAGE_STATE,
    STREAM_REPORT_STATE,
    STREAM_RESTART,
    choose,
    common_factor,
    conditional_draws,
    conditional_hours,
    correlated_normals,
    curve_hours,
    curve_survival,
    restoration_class_of,
    standard_normals,
    stream,
)
from impact.scenario import Scenario, population_used
from impact.scenario.schema import DAMAGE_STATES, OWN_POWER, SERVICES
from impact.scenario.weighted import parse_weighted

__all__ = [
    "CompiledScenario",
    "Report",
    "add_blackouts",
    "compile_reports",
    "compile_scenario",
    "link_weight",
    "schedule_intervals",
    "topological_order",
]


@dataclass(frozen=True)
class CompiledScenario:
    """A scenario as arrays (``Model`` before issue 11).

    Attributes
    ----------
    time_hours : ndarray of float, shape (T,)
        Time steps since the start [hours]; step k is ``k * step_hours``.
    step_hours : float
        Time step [hours].
    asset_ids : list of str
        Asset ids in ``assets.csv`` order; asset index = position.
    topo_order : list of int
        Asset indices with every supplier before the assets that need it.
    groups : list of list of list of (int, float)
        ``groups[j]``: the dependency groups of asset j; each group is a list of
        (supplier index, buffer [hours]); any one member of a group suffices.
    strike_ids : list of str
        Strike ids (``strikes.csv`` order); they key each strike's random draws.
    strike_asset : ndarray of int, shape (S,)
        Asset index of each strike (``strikes.csv`` order).
    strike_hours : ndarray of float, shape (S,)
        Strike time since the start [hours].
    strike_distribution, strike_median_days, strike_dispersion : ndarray, shape (S,)
        Restoration curve of each strike; ``none`` damage is fixed at 0 days.
    area_ids : list of str
        Area ids in ``areas.csv`` order.
    area_parent : ndarray of int, shape (A,)
        Index of the parent area, -1 for a top area.
    area_is_leaf : ndarray of bool, shape (A,)
    area_leaves : list of ndarray of int
        Leaf areas under each area (a leaf's own index for a leaf).
    area_leaf_ranges : (ndarray, ndarray, ndarray) of int64
        :meth:`impact.areas.AreaTree.leaf_ranges`: leaves depth first and each area's
        ``[begin, end)`` in that order, computed once here for the engines' sums.
    population : ndarray of int64, shape (A,)
        Residents used: ``population_current`` of ``areas.csv`` where given, else
        ``population``; a parent's population is the sum of its leaves [persons].
    services : tuple of str
        Services in output order: :data:`impact.scenario.schema.SERVICES`, then
        :data:`impact.engine.heat.DRAINED` when the model has drains (a pseudo-service: its
        people without are those whose building systems are drained), then
        :data:`impact.engine.cooling.COLD` when it has cold-home helpers (people in cold homes).
    links : list of list of list of (int, int)
        ``links[v][a]``: (asset index, weight [persons]) of leaf area a for service v, in
        ``service_links.csv`` order; weights are whole persons (see :func:`link_weight`).
    reports : list of Report
        Status updates used to condition the forecast (docs/method.md, section 3a), in time order.
    report_notes : list of str
        Status updates that could not be used, with the reason.
    real_assets : int, optional
        Assets of ``assets.csv`` (the first ones); default all. Rolling power cuts add
        helper assets after them (:func:`add_blackouts`), left out of the results.
    fixed_outages : list of list of (float, float), optional
        Per asset, outage intervals fixed in advance (a queue's scheduled cuts) [hours].
    population_base : ndarray of int64, shape (A,), optional
        The ``population`` column of ``areas.csv`` before any ``population_current``, summed
        over the leaves like ``population`` [persons]; default ``population``.
    strike_candidates, strike_candidate_weights : tuple of ndarray, optional
        Per strike, the asset indices it may have hit and their probabilities (``asset_id`` of
        ``strikes.csv``); default the one asset of ``strike_asset``.
    strike_states, strike_state_weights : tuple of ndarray, optional
        Per strike, its possible damage states (indices in ``DAMAGE_STATES``) and their
        probabilities; default the one state of the strike's curve.
    asset_curves : ndarray of float, shape (J', 5, 3), optional
        Per real asset and damage state: distribution code, median [days] and dispersion of
        its restoration curve (``none``: fixed 0; NaN where no curve exists).
    buffer_keys : list of str
        ``asset_id;depends_on`` of each ``dependencies.csv`` row (ids hold no semicolon, so the
        keys are distinct), the columns of :attr:`Draws.buffers`.
    buffer_low, buffer_high : ndarray of float, shape (B,)
        ``buffer_hours`` and ``buffer_hours_max`` of each row (equal when fixed) [hours].
    group_buffer_columns : list of list of list of int, optional
        Aligned with ``groups``: the buffer column of each group member, -1 for a fixed buffer
        (the helper assets of rolling power cuts).
    asset_pool : ndarray of int64, shape (J,), optional
        Crew pool index of each asset, -1 for none (repaired at once).
    asset_priority : ndarray of float, shape (J,), optional
        ``priority`` of each asset (1 first; inf when not given).
    asset_order : ndarray of int64, shape (J,), optional
        Rank of each asset id in sorted order (the last tie-break between waiting repairs).
    pool_ids : list of str
        Crew pools (``crews.csv`` order).
    pool_crews : ndarray of int64, shape (P,)
        Crews of each pool.
    repair_correlation : float
        rho of ``[uncertainty] repair_correlation`` (Gaussian copula of the repair times) [1].
    grid : GridModel, optional
        The capacity balance of the grid zones and the helper assets of their rotating cuts
        (:mod:`impact.engine.grid`, docs/method.md section 4b); None without ``capacity_mw``.
    drains : tuple of Drain
        The helper assets of drained district-heating buildings (:mod:`impact.engine.heat`,
        docs/method.md section 4d); empty without ``temperature.csv`` or without frost.
    coolings : tuple of Cooling
        The helper assets of homes below the cold threshold (:mod:`impact.engine.cooling`,
        docs/method.md section 4e); empty without ``temperature.csv``.
    restart_curve : tuple of (int, float, float)
        Distribution code, median [days] and dispersion (log-units, or days for ``normal``) of
        the restart delay of drained buildings (``[heat]``).
    """

    time_hours: np.ndarray
    step_hours: float
    asset_ids: list[str]
    topo_order: list[int]
    groups: list[list[list[tuple[int, float]]]]
    strike_ids: list[str]
    strike_asset: np.ndarray
    strike_hours: np.ndarray
    strike_distribution: np.ndarray
    strike_median_days: np.ndarray
    strike_dispersion: np.ndarray
    area_ids: list[str]
    area_parent: np.ndarray
    area_is_leaf: np.ndarray
    area_leaves: list[np.ndarray]
    area_leaf_ranges: tuple[np.ndarray, np.ndarray, np.ndarray]
    population: np.ndarray
    services: tuple[str, ...]
    links: list[list[list[tuple[int, int]]]]
    reports: list[Report] = field(default_factory=list)
    report_notes: list[str] = field(default_factory=list)
    real_assets: int | None = None
    fixed_outages: list[list[tuple[float, float]]] | None = None
    population_base: np.ndarray | None = None
    strike_candidates: tuple[np.ndarray, ...] | None = None
    strike_candidate_weights: tuple[np.ndarray, ...] | None = None
    strike_states: tuple[np.ndarray, ...] | None = None
    strike_state_weights: tuple[np.ndarray, ...] | None = None
    asset_curves: np.ndarray | None = None
    buffer_keys: list[str] = field(default_factory=list)
    buffer_low: np.ndarray = field(default_factory=lambda: np.zeros(0))
    buffer_high: np.ndarray = field(default_factory=lambda: np.zeros(0))
    group_buffer_columns: list[list[list[int]]] | None = None
    asset_pool: np.ndarray | None = None
    asset_priority: np.ndarray | None = None
    asset_order: np.ndarray | None = None
    pool_ids: list[str] = field(default_factory=list)
    pool_crews: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    repair_correlation: float = 0.0
    grid: GridModel | None = None
    drains: tuple[Drain, ...] = ()
    coolings: tuple[Cooling, ...] = ()
    restart_curve: tuple[int, float, float] = (0, 0.0, 0.0)

    @property
    def has_crews(self) -> bool:
        """Whether any asset is repaired by a limited crew pool."""
        return self.asset_pool is not None and bool((self.asset_pool >= 0).any())

    def buffer_column(self, asset: int, group: int, member: int) -> int:
        """Buffer column of a group member, -1 for a fixed buffer."""
        if self.group_buffer_columns is None:
            return -1
        return self.group_buffer_columns[asset][group][member]

    def central_buffers(self) -> np.ndarray:
        """Each dependency row's buffer in the central estimate, the middle of its range [hours]."""
        return (self.buffer_low + self.buffer_high) / 2.0

    def central_assets(self) -> np.ndarray:
        """Each strike's asset in the central estimate: its most likely candidate (the first listed on a tie)."""
        if self.strike_candidates is None or self.strike_candidate_weights is None:
            return np.asarray(self.strike_asset, dtype=np.int64)
        return np.array(
            [c[int(np.argmax(w))] for c, w in zip(self.strike_candidates, self.strike_candidate_weights, strict=True)],
            dtype=np.int64,
        )

    def central_states(self) -> np.ndarray:
        """Each strike's damage state in the central estimate (index in ``DAMAGE_STATES``).

        The weighted median in order of severity: the first state at which the cumulative
        weight reaches 1/2 (states are ordered, so the median of the distribution is defined).
        """
        if self.strike_states is None:
            return np.full(len(self.strike_ids), -1, dtype=np.int8)
        return np.array(
            [
                _weighted_median(states, weights)
                for states, weights in zip(self.strike_states, self.strike_state_weights or (), strict=True)
            ],
            dtype=np.int8,
        )

    @property
    def assets_shown(self) -> int:
        """Number of real assets (``assets.csv``); the helper assets of rolling power cuts follow them."""
        return len(self.asset_ids) if self.real_assets is None else self.real_assets

    def fixed_outage(self, asset: int) -> list[tuple[float, float]]:
        """Scheduled outage intervals of an asset, the same in every sample [hours since start]."""
        return [] if self.fixed_outages is None else self.fixed_outages[asset]

    @property
    def steps(self) -> int:
        """Number of time steps T."""
        return len(self.time_hours)

    @property
    def sample_statistics_services(self) -> int:
        """The first services, whose per-sample statistics (peak, person-steps, restoration
        time) the engines compute: the real ones. The pseudo-services (drained, cold) follow
        them; nothing reads those statistics (the result drops them), so both engines leave
        their rows 0."""
        return sum(1 for service in self.services if service not in (DRAINED, COLD))

    def central_durations(self) -> np.ndarray:
        """Every strike's median repair time, then each report's conditional median (see
        :class:`Report`), shape (1, S + R) [hours]."""
        return self.central_draws().durations

    def sample_durations(self, samples: int, seed: int) -> np.ndarray:
        """Seeded Monte Carlo draws of every strike's repair time, then of each report's
        conditioned repair time (see :class:`Report`), shape (samples, S + R) [hours]."""
        return self.sample_draws(samples, seed).durations

    def central_draws(self) -> Draws:
        """The central estimate as one sample: every input at its middle (docs/method.md, section 2b).

        Each strike hits its most likely asset in its median damage state (weighted median in
        order of severity) and takes the median of that curve (:func:`curve_hours` at z = 0);
        buffers at the middle of their range; each report's conditional median.
        """
        assets, states = self.central_assets(), self.central_states()
        if self.asset_curves is None:
            medians = curve_hours(self.strike_distribution, self.strike_median_days, self.strike_dispersion, 0.0)
        else:
            curves = self.asset_curves[assets, states.astype(np.int64)]
            medians = curve_hours(curves[:, 0].astype(np.int64), curves[:, 1], curves[:, 2], 0.0)
        conditioned = [self._conditioned(report, np.array([0.5]))[0] for report in self.reports]
        strikes = len(self.strike_ids)
        return Draws(
            np.concatenate([np.atleast_1d(medians), np.array(conditioned, dtype=np.float64)])[None, :],
            assets[None, :],
            self.central_buffers()[None, :],
            states[None, :],
            np.full((1, strikes), 0.5),
            self.central_restart()[None, :] if self.drains else None,
        )

    def central_restart(self) -> np.ndarray:
        """The median restart delay of the buildings behind each drain helper, shape (H,) [hours]."""
        code, median, spread = self.restart_curve
        return np.full(len(self.drains), float(curve_hours(np.array(code), median, spread, 0.0)))

    def sample_restart(self, samples: int, seed: int) -> np.ndarray | None:
        """Seeded restart delays, shape (samples, H) [hours]: drain helper k's from its own
        stream ``stream(seed, STREAM_RESTART, key)``, so that adding drains moves no other draw."""
        if not self.drains:
            return None
        code, median, spread = self.restart_curve
        standard = np.column_stack(
            [stream(seed, STREAM_RESTART, drain.key).standard_normal(samples) for drain in self.drains]
        )
        return curve_hours(np.array(code), median, spread, standard)

    def sample_draws(self, samples: int, seed: int) -> Draws:
        """Seeded Monte Carlo draws of every random input (docs/method.md, section 2b).

        Each strike's repair-time quantile comes from its own standard normal
        ``default_rng([seed, crc32(strike_id)])`` (mixed with each sample's common factor when
        ``repair_correlation`` > 0); its damage state and candidate asset, when weighted, and
        each buffer range from streams of their own (:func:`impact.restoration.stream`), so a
        scenario without them draws exactly what it drew before.
        """
        strikes = len(self.strike_ids)
        standard = standard_normals(samples, seed, self.strike_ids)
        if self.repair_correlation > 0:
            standard = correlated_normals(standard, self.repair_correlation, common_factor(samples, seed))
        assets = np.empty((samples, strikes), dtype=np.int64)
        states = np.empty((samples, strikes), dtype=np.int8)
        central_states = self.central_states()
        for i, key in enumerate(self.strike_ids):
            assets[:, i] = self._pick(
                self.strike_candidates, self.strike_candidate_weights, i, seed, STREAM_CANDIDATE, key, samples
            )
            if self.strike_states is None:
                states[:, i] = central_states[i]
            else:
                states[:, i] = self._pick(
                    self.strike_states, self.strike_state_weights, i, seed, STREAM_DAMAGE_STATE, key, samples
                )
        if self.asset_curves is None:
            work = curve_hours(
                self.strike_distribution[None, :],
                self.strike_median_days[None, :],
                self.strike_dispersion[None, :],
                standard,
            )
        else:
            curves = self.asset_curves[assets, states.astype(np.int64)]
            work = curve_hours(curves[..., 0].astype(np.int64), curves[..., 1], curves[..., 2], standard)
        columns = [
            self._conditioned(
                report,
                conditional_draws(samples, seed, report.key),
                stream(seed, STREAM_REPORT_STATE, report.key).random(samples) if report.down else None,
            )
            for report in self.reports
        ]
        buffers = np.empty((samples, len(self.buffer_keys)))
        for b, key in enumerate(self.buffer_keys):
            low, high = float(self.buffer_low[b]), float(self.buffer_high[b])
            if high > low:
                buffers[:, b] = low + stream(seed, STREAM_BUFFER, key).random(samples) * (high - low)
            else:
                buffers[:, b] = low
        return Draws(
            np.column_stack([work, *columns]) if columns else work,
            assets,
            buffers,
            states,
            ndtr(standard),
            self.sample_restart(samples, seed),
        )

    def _pick(
        self,
        choices: tuple[np.ndarray, ...] | None,
        weights: tuple[np.ndarray, ...] | None,
        strike: int,
        seed: int,
        tag: int,
        key: str,
        samples: int,
    ) -> np.ndarray:
        """One strike's drawn alternative per sample (asset or state); no draw when it has one."""
        if choices is None or weights is None:
            return np.full(samples, self.strike_asset[strike], dtype=np.int64)
        options = choices[strike]
        if len(options) == 1:
            return np.full(samples, options[0], dtype=np.int64)
        return options[choose(weights[strike], stream(seed, tag, key).random(samples))]

    def _conditioned(
        self, report: Report, probabilities: np.ndarray, state_uniform: np.ndarray | None = None
    ) -> np.ndarray:
        """Repair times of a down report's strike conditioned on lasting past the report [hours].

        A strike with weighted damage states is first given the states' posterior weights
        given the report, ``w_k P(D_k > e)`` (a state whose repair is over by then gets none),
        and each sample draws its state from them (``state_uniform``, a stream of its own);
        the central estimate takes their weighted median (docs/method.md, section 3a).
        """
        if not report.down:
            return np.zeros(len(probabilities))
        i = report.strike
        elapsed = report.hours - float(self.strike_hours[i])
        states = None if self.strike_states is None else self.strike_states[i]
        if states is None or len(states) == 1 or self.asset_curves is None or self.strike_state_weights is None:
            return conditional_hours(
                int(self.strike_distribution[i]),
                float(self.strike_median_days[i]),
                float(self.strike_dispersion[i]),
                elapsed,
                self.step_hours,
                probabilities,
            )
        curves = [self.asset_curves[report.asset, int(k)] for k in states]
        prior = np.asarray(self.strike_state_weights[i], dtype=np.float64)
        lasting = np.array([curve_survival(int(c[0]), c[1], c[2], elapsed) for c in curves])
        weights = prior * lasting if (prior * lasting).sum() > 0 else prior  # no state lasts: keep the prior
        posterior = weights / weights.sum()
        if state_uniform is None:
            chosen = np.full(len(probabilities), int(np.flatnonzero(states == _weighted_median(states, posterior))[0]))
        else:
            chosen = choose(posterior, state_uniform)
        hours = np.empty(len(probabilities))
        for position in np.unique(chosen).tolist():
            mask = chosen == position
            curve = curves[position]
            hours[mask] = conditional_hours(
                int(curve[0]), float(curve[1]), float(curve[2]), elapsed, self.step_hours, probabilities[mask]
            )
        return hours


def _weighted_median(states: np.ndarray, weights: np.ndarray) -> int:
    """The first state, in order of severity, at which the cumulative weight reaches 1/2."""
    order = np.argsort(states, kind="stable")
    cumulative = np.cumsum(np.asarray(weights, dtype=np.float64)[order])
    position = int(np.searchsorted(cumulative, 0.5 - 1e-9, side="left"))
    return int(states[order][min(position, len(order) - 1)])


@dataclass(frozen=True)
class Report:
    """A status update used to condition the forecast (docs/method.md, section 3a).

    Attributes
    ----------
    asset : int
        Asset index.
    hours : float
        Report time u [hours since start].
    down : bool
        ``down`` (still down at u) or ``up`` (working at u).
    strike : int
        For a down report: the strike whose repair time is conditioned (the asset's latest
        strike at or before u); -1 for an up report.
    key : str
        Key of the report's random draws (strike id and report time).
    """

    asset: int
    hours: float
    down: bool
    strike: int
    key: str


def topological_order(
    count: int, groups: list[list[list[tuple[int, float]]]], after: dict[int, list[int]] | None = None
) -> list[int]:
    """Order asset indices so that suppliers come first (Kahn's algorithm, stable).

    ``after`` adds predecessors that are not supplies: a grid queue's helper asset comes after
    the zone's supply assets, whose capacity decides its cuts.
    """
    needs = [{member for group in asset_groups for member, _ in group} for asset_groups in groups]
    for asset, predecessors in (after or {}).items():
        needs[asset] |= set(predecessors)
    users: list[list[int]] = [[] for _ in range(count)]
    for asset, suppliers in enumerate(needs):
        for supplier in suppliers:
            users[supplier].append(asset)
    waiting = [len(suppliers) for suppliers in needs]
    ready = deque(asset for asset in range(count) if waiting[asset] == 0)
    order: list[int] = []
    while ready:
        asset = ready.popleft()
        order.append(asset)
        for user in users[asset]:
            waiting[user] -= 1
            if waiting[user] == 0:
                ready.append(user)
    if len(order) != count:  # validation rejects cycles; this guards direct callers
        raise ValueError("the dependency graph has a cycle")
    return order


def compile_reports(
    scenario: Scenario,
    asset_index: dict[str, int],
    candidates: list[np.ndarray],
    candidate_weights: list[np.ndarray],
    strike_hours: np.ndarray,
    strike_ids: list[str],
) -> tuple[list[Report], list[str]]:
    """The status updates that condition the forecast, in time order, and those that cannot.

    A down report conditions the asset's latest strike at or before it (a strike that may
    have hit it: one of its candidates). It is not used when the asset has no such strike, or
    when an up report on the asset lies between that strike and it (the two reports disagree
    about one outage). Strikes that certainly hit the asset come before candidate strikes. A
    down report explained only by a strike with candidate assets settles which asset it hit:
    ``candidates`` and ``candidate_weights`` are narrowed to that asset in place, and a note
    says so (docs/method.md, section 3a).

    Returns
    -------
    reports : list of Report
    notes : list of str
        ``status_updates.csv:LINE: why the report is not used``.
    """
    updates = scenario.status_updates
    if updates is None or len(updates) == 0:
        return [], []
    start = scenario.config.start
    lines = updates["__line__"] if "__line__" in updates.columns else pd.Series(range(2, len(updates) + 2))
    # In time order; reports of one time by asset and status (``down`` before ``up``), not by
    # line, so that the rows' order in the file does not change the result.
    rows = sorted(zip(updates["time"], updates["asset_id"], updates["status"], lines, strict=True))
    reports: list[Report] = []
    notes: list[str] = []
    last_up: dict[int, float] = {}
    for time, asset_id, status, line in rows:
        asset = asset_index[asset_id]
        hours = (time - start).total_seconds() / 3600.0
        key = f"{asset_id}|{status}|{time.isoformat()}"
        where = f"status_updates.csv:{line}"
        if status == "up":
            reports.append(Report(asset, hours, False, -1, key))
            last_up[asset] = hours
            continue
        may_hit = np.array([asset in options for options in candidates], dtype=bool)
        earlier = np.flatnonzero(may_hit & (strike_hours <= hours))
        if len(earlier) == 0:
            notes.append(f"{where}: {asset_id} reported down, but no strike on it at or before then; not used")
            continue
        # A strike that certainly hit the asset explains the report before one that may have hit it
        # (a candidate strike is narrowed only when no certain strike explains the report).
        certain = np.array([i for i in earlier if len(candidates[i]) == 1], dtype=np.int64)
        if len(certain):
            earlier = certain
        # the latest; on a tie the greatest strike id (not the row order: the same file with its rows
        # in another order must give the same result)
        ids = np.array([strike_ids[i] for i in earlier])
        strike = int(earlier[np.lexsort((ids, strike_hours[earlier]))[-1]])
        if last_up.get(asset, -np.inf) >= strike_hours[strike]:
            notes.append(f"{where}: {asset_id} reported down after an up report with no strike in between; not used")
            continue
        if len(candidates[strike]) > 1:
            notes.append(
                f"{where}: {asset_id} reported down: strike {strike_ids[strike]} is taken to have hit it "
                f"(of {len(candidates[strike])} candidate assets)"
            )
            candidates[strike] = np.array([asset], dtype=np.int64)
            candidate_weights[strike] = np.array([1.0])
        reports.append(Report(asset, hours, True, strike, f"{strike_ids[strike]}|{key}"))
    return reports, notes


def schedule_intervals(
    start: pd.Timestamp, end: pd.Timestamp, hours_off: float, queues: int, origin: pd.Timestamp, timezone: str
) -> list[list[tuple[float, float]]]:
    """Each queue's cuts of one schedule row [hours since ``origin``].

    Queue q (0-based) is off each local day from ``q x 24 / queues`` hours after local
    midnight for ``hours_off`` hours (past midnight when it wraps), within [start, end).

    Returns
    -------
    list of list of (float, float)
        Per queue, its cut intervals in time order.
    """
    first = start.tz_convert(timezone).normalize() - pd.Timedelta(days=1)
    days = pd.date_range(first, end.tz_convert(timezone), freq="D")
    per_queue: list[list[tuple[float, float]]] = [[] for _ in range(queues)]
    if hours_off <= 0:
        return per_queue
    for day in days:
        for queue in range(queues):
            cut_start = day + pd.Timedelta(hours=queue * 24 / queues)
            cut_end = cut_start + pd.Timedelta(hours=hours_off)
            begin, finish = max(cut_start, start), min(cut_end, end)
            if begin < finish:
                per_queue[queue].append(
                    ((begin - origin).total_seconds() / 3600.0, (finish - origin).total_seconds() / 3600.0)
                )
    return per_queue


def add_blackouts(
    scenario: Scenario,
    asset_ids: list[str],
    groups: list[list[list[tuple[int, float]]]],
    fixed_outages: list[list[tuple[float, float]]],
    power_links: list[list[tuple[int, int]]],
    area_leaves: list[list[int]],
    area_index: dict[str, int],
) -> None:
    """Add the rolling power cuts of ``blackouts.csv`` to the model's assets and power links (in place).

    For each schedule row and queue a helper asset is down during the queue's cuts
    (:func:`schedule_intervals`). Each power link (asset j, weight w) of a leaf under the row
    is split into one link per queue (w / queues people each, rounded on the running total
    like :func:`link_weight`) through a helper asset that needs both j and the queue's
    power: its people are without power when j is down *or* their queue is cut, and never
    counted twice. Assets themselves are not cut (pumping stations, boiler houses...).
    """
    config = scenario.config
    through: dict[tuple[int, int, int], int] = {}
    # Schedules in a fixed order (start, end, area...), not the row order: nested schedules split
    # links that earlier ones split, and the rounding must not depend on how the rows are listed.
    table = scenario.blackouts.sort_values(
        ["start", "end", "area_id", "hours_off_per_day", "queues", "__line__"], kind="stable"
    )
    rows = zip(
        table["area_id"],
        table["start"],
        table["end"],
        table["hours_off_per_day"],
        table["queues"],
        table["__line__"],
        strict=True,
    )
    for area_id, start, end, hours_off, queues, line in rows:
        count = 6 if pd.isna(queues) else int(queues)
        queue_assets = []
        for queue, intervals in enumerate(
            schedule_intervals(start, end, float(hours_off), count, config.start, config.timezone)
        ):
            asset_ids.append(f"~blackouts.csv:{line}:queue{queue + 1}")
            groups.append([])
            fixed_outages.append(intervals)
            queue_assets.append(len(asset_ids) - 1)
        for leaf in area_leaves[area_index[area_id]]:
            split: list[tuple[int, int]] = []
            for asset, weight in power_links[leaf]:
                for queue, queue_asset in enumerate(queue_assets):
                    people = link_weight(weight, queue / count, (queue + 1) / count)
                    if people == 0:
                        continue
                    key = (asset, int(line), queue)
                    if key not in through:
                        asset_ids.append(f"~{asset_ids[asset]}|blackouts.csv:{line}:queue{queue + 1}")
                        groups.append([[(asset, 0.0)], [(queue_asset, 0.0)]])
                        fixed_outages.append([])
                        through[key] = len(asset_ids) - 1
                    split.append((through[key], people))
            power_links[leaf] = split


def compile_scenario(scenario: Scenario, *, blackouts: bool = True) -> CompiledScenario:
    """Turn a validated scenario into a :class:`CompiledScenario`.

    Parameters
    ----------
    scenario : Scenario
    blackouts : bool
        Include emergency and scheduled cuts: the rolling power cuts of ``blackouts.csv``
        (:func:`add_blackouts`) and the rotating cuts that shed the grid's deficit
        (:func:`impact.engine.grid_compile.compile_grid`); False gives the strikes' effect
        alone (the capacity balance and partial damage stay).

    Returns
    -------
    CompiledScenario
    """
    config = scenario.config
    time_hours = np.arange(config.steps, dtype=np.float64) * config.step_hours

    asset_ids = list(scenario.assets["asset_id"])
    asset_index = {asset_id: j for j, asset_id in enumerate(asset_ids)}
    groups: list[dict[tuple[str, object], list[tuple[int, float]]]] = [{} for _ in asset_ids]
    columns: list[dict[tuple[str, object], list[int]]] = [{} for _ in asset_ids]
    dependencies = scenario.dependencies
    has_max = "buffer_hours_max" in dependencies.columns
    buffer_keys, buffer_low, buffer_high = [], [], []
    for row_number, row in enumerate(dependencies.itertuples(index=False)):
        name = ("group", row.group) if row.group else ("row", row_number)
        buffer = 0.0 if pd.isna(row.buffer_hours) else float(row.buffer_hours)
        most = getattr(row, "buffer_hours_max", None) if has_max else None
        groups[asset_index[row.asset_id]].setdefault(name, []).append((asset_index[row.depends_on], buffer))
        columns[asset_index[row.asset_id]].setdefault(name, []).append(len(buffer_keys))
        buffer_keys.append(f"{row.asset_id};{row.depends_on}")
        buffer_low.append(buffer)
        buffer_high.append(buffer if most is None or pd.isna(most) else max(float(most), buffer))
    group_lists = [list(asset_groups.values()) for asset_groups in groups]
    # Buffer columns in key order, not row order: the same file with its rows in another order
    # gives the same result (key = (asset_id, depends_on), unique in dependencies.csv).
    order = sorted(range(len(buffer_keys)), key=lambda b: buffer_keys[b])
    column_of = {old: new for new, old in enumerate(order)}
    buffer_keys = [buffer_keys[b] for b in order]
    buffer_low = [buffer_low[b] for b in order]
    buffer_high = [buffer_high[b] for b in order]
    group_columns = [[[column_of[c] for c in group] for group in asset_columns.values()] for asset_columns in columns]

    classes = restoration_class_of(scenario.assets)
    curves = {(row.restoration_class, row.damage_state): row for row in scenario.restoration.itertuples(index=False)}
    asset_curves = np.full((len(asset_ids), len(DAMAGE_STATES), 3), np.nan)
    asset_curves[:, 0] = (DISTRIBUTION_CODES["fixed"], 0.0, 0.0)  # damage "none": no repair
    for j, asset_id in enumerate(asset_ids):
        for k, state in enumerate(DAMAGE_STATES[1:], start=1):
            curve = curves.get((classes[asset_id], state))
            if curve is not None:
                spread = 0.0 if pd.isna(curve.dispersion) else float(curve.dispersion)
                asset_curves[j, k] = (DISTRIBUTION_CODES[curve.distribution], float(curve.median_days), spread)

    strikes = scenario.strikes
    state_index = {state: k for k, state in enumerate(DAMAGE_STATES)}
    known_assets = set(asset_ids)
    candidates, candidate_weights, states, state_weights = [], [], [], []
    for asset_text, state_text in zip(strikes["asset_id"], strikes["damage_state"], strict=True):
        pairs = parse_weighted(asset_text, known_assets)
        candidates.append(np.array([asset_index[a] for a, _ in pairs], dtype=np.int64))
        candidate_weights.append(np.array([w for _, w in pairs]))
        pairs = parse_weighted(state_text)
        states.append(np.array([state_index[state] for state, _ in pairs], dtype=np.int64))
        state_weights.append(np.array([w for _, w in pairs]))
    strike_hours = np.array(
        [(moment - config.start).total_seconds() / 3600.0 for moment in strikes["time"]], dtype=np.float64
    )
    strike_ids = [str(i) for i in strikes["strike_id"]]
    reports, report_notes = compile_reports(
        scenario, asset_index, candidates, candidate_weights, strike_hours, strike_ids
    )
    # The central estimate's asset (the most likely candidate, the first listed on a tie) and
    # state (the weighted median in order of severity), and its curve.
    strike_asset = np.array(
        [c[int(np.argmax(w))] for c, w in zip(candidates, candidate_weights, strict=True)], dtype=np.int64
    )
    central_state = [_weighted_median(k, w) for k, w in zip(states, state_weights, strict=True)]
    central_curve = asset_curves[strike_asset, central_state] if len(strike_asset) else np.zeros((0, 3))
    distribution = central_curve[:, 0].astype(np.int64)
    median = central_curve[:, 1]
    dispersion = central_curve[:, 2]

    tree = AreaTree.from_table(scenario.areas)
    area_ids = list(tree.ids)
    area_index = {area_id: a for a, area_id in enumerate(area_ids)}
    parent = tree.parent_indices()
    is_leaf = tree.leaf_mask()
    leaf_order, leaf_begin, leaf_end = tree.leaf_ranges()
    # Leaf indices under each area in ascending order (the order the blackout helper assets are made in).
    leaves: list[list[int]] = [sorted(leaf_order[leaf_begin[a] : leaf_end[a]].tolist()) for a in range(len(area_ids))]
    # The population used: population_current where given, else population (docs/data-format.md).
    leaf_population = np.array([0 if pd.isna(v) else int(v) for v in population_used(scenario.areas)], dtype=np.int64)
    population = np.array([leaf_population[group].sum() for group in leaves], dtype=np.int64)
    leaf_base = np.array([0 if pd.isna(v) else int(v) for v in scenario.areas["population"]], dtype=np.int64)
    population_base = np.array([leaf_base[group].sum() for group in leaves], dtype=np.int64)

    links: list[list[list[tuple[int, int]]]] = [[[] for _ in area_ids] for _ in SERVICES]
    service_index = {service: v for v, service in enumerate(SERVICES)}
    cumulative_share: dict[tuple[int, int], float] = {}
    # Running totals in a fixed order (by asset id within an area and service), not the row
    # order: rounding on the running total would otherwise move a person between links, and
    # float sums would differ in the last bit, when the same rows come in another order.
    ordered_links = scenario.service_links.sort_values(["area_id", "service", "asset_id"], kind="stable")
    own_power: dict[tuple[int, int, int], float] = {}
    for row in ordered_links.itertuples(index=False):
        a, v = area_index[row.area_id], service_index[row.service]
        before = cumulative_share.get((v, a), 0.0)
        after = before + float(row.share)
        cumulative_share[(v, a)] = after
        if row.asset_id == OWN_POWER:  # split over the area's power links below (add_own_power)
            buffer = getattr(row, "buffer_hours", None)
            own_power[(v, a, len(links[v][a]))] = 0.0 if buffer is None or pd.isna(buffer) else float(buffer)
            links[v][a].append((-1, link_weight(int(population[a]), before, after)))
            continue
        links[v][a].append((asset_index[row.asset_id], link_weight(int(population[a]), before, after)))

    real_assets = len(asset_ids)
    crews = _compile_crews(scenario, asset_ids)
    fixed_outages: list[list[tuple[float, float]]] = [[] for _ in asset_ids]
    if blackouts and len(scenario.blackouts):
        add_blackouts(
            scenario,
            asset_ids,
            group_lists,
            fixed_outages,
            links[service_index["power"]],
            [model_leaves for model_leaves in leaves],
            area_index,
        )
    group_columns += [
        [[-1] * len(group) for group in asset_groups] for asset_groups in group_lists[len(group_columns) :]
    ]
    after: dict[int, list[int]] = {}
    grid = compile_grid(
        scenario,
        asset_ids,
        group_lists,
        group_columns,
        fixed_outages,
        links[service_index["power"]],
        area_ids,
        after,
        shed=blackouts,
    )
    if own_power:
        add_own_power(
            asset_ids, group_lists, group_columns, fixed_outages, links, own_power, service_index["power"], population
        )
    heat = config.heat
    drained_links: list[list[tuple[int, int]]] = [[] for _ in area_ids]
    outdoor = scenario_outdoor(scenario, tree)  # once for drains and cold homes
    drains = add_drains(
        scenario,
        tree,
        time_hours,
        outdoor,
        real_assets,
        asset_ids,
        group_lists,
        group_columns,
        fixed_outages,
        links[service_index["heat"]],
        drained_links,
    )
    cold_links: list[list[tuple[int, int]]] = [[] for _ in area_ids]
    coolings = add_cooling(
        scenario,
        tree,
        time_hours,
        outdoor,
        asset_ids,
        group_lists,
        group_columns,
        fixed_outages,
        links[service_index["heat"]],
        cold_links,
    )
    services = SERVICES
    if drains:  # the people whose building systems are drained, counted as one more service
        services = (*services, DRAINED)
        links.append(drained_links)
    if coolings:  # the people in cold homes likewise
        services = (*services, COLD)
        links.append(cold_links)

    return CompiledScenario(
        time_hours=time_hours,
        step_hours=config.step_hours,
        asset_ids=asset_ids,
        topo_order=topological_order(len(asset_ids), group_lists, after),
        groups=group_lists,
        strike_ids=strike_ids,
        strike_asset=strike_asset,
        strike_hours=strike_hours,
        strike_distribution=np.array(distribution, dtype=np.int64),
        strike_median_days=np.array(median, dtype=np.float64),
        strike_dispersion=np.array(dispersion),
        area_ids=area_ids,
        area_parent=parent,
        area_is_leaf=is_leaf,
        area_leaves=[np.array(group, dtype=np.int64) for group in leaves],
        area_leaf_ranges=(leaf_order, leaf_begin, leaf_end),
        population=population,
        services=services,
        links=links,
        reports=reports,
        report_notes=report_notes,
        real_assets=real_assets,
        fixed_outages=fixed_outages,
        population_base=population_base,
        strike_candidates=tuple(candidates),
        strike_candidate_weights=tuple(candidate_weights),
        strike_states=tuple(states),
        strike_state_weights=tuple(state_weights),
        asset_curves=asset_curves,
        buffer_keys=buffer_keys,
        buffer_low=np.array(buffer_low, dtype=np.float64),
        buffer_high=np.array(buffer_high, dtype=np.float64),
        group_buffer_columns=group_columns,
        asset_pool=_padded(crews[0], len(asset_ids), -1),
        asset_priority=_padded(crews[1], len(asset_ids), np.inf),
        asset_order=np.concatenate([crews[2], np.arange(len(crews[2]), len(asset_ids), dtype=np.int64)]),
        pool_ids=crews[3],
        pool_crews=crews[4],
        repair_correlation=float(getattr(config, "repair_correlation", 0.0) or 0.0),
        grid=grid,
        drains=tuple(drains),
        coolings=tuple(coolings),
        restart_curve=restart_curve(heat),
    )


def restart_curve(heat) -> tuple[int, float, float]:
    """``[heat]``'s restart delay as a curve of :func:`impact.restoration.curve_hours`: code,
    median [days], dispersion (log-units for lognormal, days for normal)."""
    code = DISTRIBUTION_CODES[heat.restart_distribution]
    spread = heat.restart_dispersion if heat.restart_distribution == "lognormal" else heat.restart_dispersion / 24
    return code, heat.restart_median_hours / 24, 0.0 if heat.restart_distribution == "fixed" else spread


def _padded(values: np.ndarray, count: int, fill: float) -> np.ndarray:
    """``values`` extended to ``count`` entries with ``fill`` (the helper assets of power cuts)."""
    out = np.full(count, fill, dtype=values.dtype)
    out[: len(values)] = values
    return out


def _compile_crews(
    scenario: Scenario, asset_ids: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Crew pools of the real assets: pool index (-1 none), priority (inf none), id rank; pools and crews."""
    assets = scenario.assets
    crews = getattr(scenario, "crews", None)
    pool_ids: list[str] = [] if crews is None or len(crews) == 0 else [str(p) for p in crews["crew_pool"]]
    pool_crews = np.array([] if crews is None or len(crews) == 0 else [int(c) for c in crews["crews"]], dtype=np.int64)
    pool_index = {pool: p for p, pool in enumerate(pool_ids)}
    count = len(assets)
    pool = np.full(count, -1, dtype=np.int64)
    if "crew_pool" in assets.columns:
        pool = np.array(
            [-1 if pd.isna(p) or p == "" else pool_index[str(p)] for p in assets["crew_pool"]], dtype=np.int64
        )
    priority = np.full(count, np.inf)
    if "priority" in assets.columns:
        priority = np.array([np.inf if pd.isna(p) else float(p) for p in assets["priority"]], dtype=np.float64)
    order = np.empty(count, dtype=np.int64)
    order[np.argsort(np.array(asset_ids[:count], dtype=object), kind="stable")] = np.arange(count)
    return pool, priority, order, pool_ids, pool_crews
