"""What-if variants of a scenario: faster or slower repairs, more backup, strikes switched off.

A what-if returns a modified :class:`~impact.scenario.Scenario`; run it with the same seed as
the unmodified scenario. Switched-off strikes keep their place (their damage becomes ``none``),
so every other strike gets the same random repair times as in the unmodified run and
differences come from the change alone (common random numbers). ("Baseline" is kept for a
baseline scenario B, see :mod:`impact.compare`.)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from impact.scenario import Scenario
from impact.scenario.schema import POWER_KINDS  # supplier kinds that count as power for backup generators
from impact.scenario.weighted import describe_weighted

__all__ = ["BACKUP_KINDS", "POWER_KINDS", "WhatIf", "apply_whatif", "strike_labels", "whatif_from_dict"]

#: Asset kinds whose supply rows receive ``extra_backup_hours``.
BACKUP_KINDS: tuple[str, ...] = ("pumping_station", "boiler_house")


@dataclass(frozen=True)
class WhatIf:
    """Changes to a scenario.

    Parameters
    ----------
    repair_time_factor : float
        Multiplier on every restoration time [1]: 0.5 means repairs take half as long,
        2 twice as long. Scales ``median_days`` (and the standard deviation of normal
        curves; the log-dispersion of lognormal curves is scale-free). The restart delay of
        drained buildings (``[heat] restart_*``, docs/method.md, 4d) is not a repair and is
        not scaled: buildings are refilled by their management companies, not the crews.
    extra_backup_hours : float
        Hours of backup added to the power supply of every pumping station and boiler
        house (generators, fuel) [hours]; a buffer given as a range (``buffer_hours_max``)
        moves up by as much at both ends.
    disabled_strikes : frozenset of str
        Strike ids switched off.
    """

    repair_time_factor: float = 1.0
    extra_backup_hours: float = 0.0
    disabled_strikes: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not np.isfinite(self.repair_time_factor) or self.repair_time_factor <= 0:
            raise ValueError(f"repair_time_factor must be a number > 0, not {self.repair_time_factor!r}")
        if not np.isfinite(self.extra_backup_hours) or self.extra_backup_hours < 0:
            raise ValueError(f"extra_backup_hours must be a number >= 0, not {self.extra_backup_hours!r}")
        object.__setattr__(self, "disabled_strikes", frozenset(self.disabled_strikes))

    @property
    def is_identity(self) -> bool:
        """Whether this what-if changes nothing (its run is the unmodified run)."""
        return self.repair_time_factor == 1.0 and self.extra_backup_hours == 0.0 and not self.disabled_strikes

    @property
    def is_baseline(self) -> bool:
        """Deprecated name of :attr:`is_identity` ("baseline" now means scenario B only)."""
        warnings.warn("WhatIf.is_baseline is deprecated; use WhatIf.is_identity", DeprecationWarning, stacklevel=2)
        return self.is_identity

    def describe(self) -> str:
        """Short human description, e.g. ``repairs x0.5, +12 h backup, 2 strikes off``."""
        parts = []
        if self.repair_time_factor != 1.0:
            parts.append(f"repairs x{self.repair_time_factor:g}")
        if self.extra_backup_hours:
            parts.append(f"+{self.extra_backup_hours:g} h backup at pumping stations and boiler houses")
        if self.disabled_strikes:
            parts.append(f"{len(self.disabled_strikes)} strike(s) off: {', '.join(sorted(self.disabled_strikes))}")
        return ", ".join(parts) or "no change"


def apply_whatif(scenario: Scenario, whatif: WhatIf) -> Scenario:
    """The scenario with ``whatif`` applied.

    Parameters
    ----------
    scenario : Scenario
    whatif : WhatIf

    Returns
    -------
    Scenario
        A new scenario; the input is not modified.

    Raises
    ------
    ValueError
        If a disabled strike id is not in the scenario (the message lists the ids).
    """
    unknown = sorted(set(whatif.disabled_strikes) - set(scenario.strikes["strike_id"]))
    if unknown:
        raise ValueError(
            f"{', '.join(unknown)} not in the scenario's strikes; choose one of "
            f"{', '.join(scenario.strikes['strike_id'])}"
        )
    if whatif.is_identity:
        return scenario

    restoration = scenario.restoration.copy()
    restoration["median_days"] = restoration["median_days"] * whatif.repair_time_factor
    normal = restoration["distribution"] == "normal"
    restoration.loc[normal, "dispersion"] = restoration.loc[normal, "dispersion"] * whatif.repair_time_factor

    dependencies = scenario.dependencies.copy()
    if whatif.extra_backup_hours:
        kind = dict(zip(scenario.assets["asset_id"], scenario.assets["kind"], strict=True))
        backed = [
            kind[a] in BACKUP_KINDS and kind[s] in POWER_KINDS
            for a, s in zip(dependencies["asset_id"], dependencies["depends_on"], strict=True)
        ]
        buffers = dependencies["buffer_hours"].fillna(0.0)
        dependencies["buffer_hours"] = np.where(backed, buffers + whatif.extra_backup_hours, buffers)
        if "buffer_hours_max" in dependencies.columns:  # NaN (a fixed buffer) stays NaN
            longest = dependencies["buffer_hours_max"]
            dependencies["buffer_hours_max"] = np.where(backed, longest + whatif.extra_backup_hours, longest)

    strikes = scenario.strikes.copy()
    off = strikes["strike_id"].isin(whatif.disabled_strikes)
    strikes.loc[off, "damage_state"] = "none"

    return replace(scenario, restoration=restoration, dependencies=dependencies, strikes=strikes.reset_index(drop=True))


def whatif_from_dict(values: dict | None) -> WhatIf:
    """Build a :class:`WhatIf` from plain values (e.g. a dashboard store); None gives the identity (no change)."""
    if not values:
        return WhatIf()
    return WhatIf(
        repair_time_factor=float(values.get("repair_time_factor", 1.0)),
        extra_backup_hours=float(values.get("extra_backup_hours", 0.0)),
        disabled_strikes=frozenset(values.get("disabled_strikes", ())),
    )


def strike_labels(scenario: Scenario) -> pd.DataFrame:
    """Strike id with a short label for pickers: ``S09 19 Dec 19:00 logistics hub (extensive)``.

    A strike with candidate assets or damage states lists them with their probabilities:
    ``S10 19 Dec 20:00 Substation 1 (50 %) or Substation 2 (50 %) (moderate (60 %) or extensive (40 %))``.
    """
    names = dict(zip(scenario.assets["asset_id"], scenario.assets["name"], strict=True))
    local = scenario.strikes["time"].dt.tz_convert(scenario.config.timezone)
    labels = [
        f"{sid} {moment:%d %b %H:%M} {describe_weighted(asset, names, lambda a: names.get(a, a))} "
        f"({describe_weighted(state)})"
        for sid, moment, asset, state in zip(
            scenario.strikes["strike_id"],
            local,
            scenario.strikes["asset_id"],
            scenario.strikes["damage_state"],
            strict=True,
        )
    ]
    return pd.DataFrame({"strike_id": scenario.strikes["strike_id"], "label": labels})
