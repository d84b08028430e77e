"""What is drawn for each Monte Carlo sample: the engines' random inputs (docs/method.md, section 2b).

Before issue 13 only repair times were drawn (an (N, S + R) array of hours). :class:`Draws`
holds every random input of a run: the repair work of each strike, which candidate asset it
hit, its damage state, the quantile of its repair-time curve, and each dependency's buffer.
Both engines take a :class:`Draws` (or, as before, a plain array of repair times, turned into
one by :func:`as_draws` with the scenario's fixed assets and buffers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover - typing only
    from impact.engine.compile import CompiledScenario

__all__ = ["Draws", "as_draws", "restart_delays"]


@dataclass(frozen=True)
class Draws:
    """The random inputs of N samples.

    Attributes
    ----------
    durations : ndarray of float, shape (N, S + R)
        Each strike's repair work (the time one crew needs) [hours], then each status report's
        conditioned repair time (:class:`impact.engine.compile.Report`) [hours].
    strike_asset : ndarray of int64, shape (N, S)
        Asset index each strike hit in each sample (one of its candidates).
    buffers : ndarray of float, shape (N, B)
        Buffer of each dependency row [hours] (:attr:`CompiledScenario.buffer_keys` order).
    damage_state : ndarray of int8, shape (N, S)
        Index of each strike's damage state in :data:`impact.scenario.schema.DAMAGE_STATES`.
    repair_quantile : ndarray of float, shape (N, S)
        The quantile of the repair-time curve each strike's work was drawn at, ``Phi(z)`` [1].
    restart : ndarray of float, shape (N, H), optional
        Restart delay of the buildings behind each drain helper
        (:attr:`CompiledScenario.drains` order) [hours]; None when the model has none.
    """

    durations: np.ndarray
    strike_asset: np.ndarray
    buffers: np.ndarray
    damage_state: np.ndarray
    repair_quantile: np.ndarray
    restart: np.ndarray | None = None

    @property
    def samples(self) -> int:
        """Number of samples N."""
        return int(self.durations.shape[0])

    def rows(self, begin: int, end: int) -> Draws:
        """The draws of samples ``begin`` to ``end - 1``."""
        return Draws(
            self.durations[begin:end],
            self.strike_asset[begin:end],
            self.buffers[begin:end],
            self.damage_state[begin:end],
            self.repair_quantile[begin:end],
            None if self.restart is None else self.restart[begin:end],
        )


def as_draws(model: CompiledScenario, drawn: Draws | np.ndarray) -> Draws:
    """``drawn`` itself, or plain repair times (N, S + R) [hours] with the model's fixed inputs.

    The fixed inputs are each strike's most likely asset, its central damage state, the
    buffers' midpoints (``buffer_hours`` when no ``buffer_hours_max``), quantile 0.5 and the
    median restart delay of drained buildings.
    """
    if isinstance(drawn, Draws):
        return drawn
    durations = np.asarray(drawn, dtype=np.float64)
    samples, strikes = durations.shape[0], len(model.strike_ids)
    return Draws(
        durations,
        np.broadcast_to(model.central_assets(), (samples, strikes)),
        np.broadcast_to(model.central_buffers(), (samples, len(model.buffer_keys))),
        np.broadcast_to(model.central_states(), (samples, strikes)),
        np.full((samples, strikes), 0.5),
        np.broadcast_to(model.central_restart(), (samples, len(model.drains))) if model.drains else None,
    )


def restart_delays(model: CompiledScenario, draws: Draws) -> np.ndarray:
    """Each sample's restart delay of each drain helper, shape (N, H) [hours]: the drawn ones,
    or the median for draws made without them."""
    if draws.restart is not None:
        return draws.restart
    return np.broadcast_to(model.central_restart(), (draws.samples, len(model.drains)))
