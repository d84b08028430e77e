"""Reported figures of people without service, in people."""

from __future__ import annotations

import pandas as pd

#: Persons per unit, for units other than households and consumers.
_PER_UNIT = {"people": 1.0}


def observations_in_people(observations: pd.DataFrame, persons_per_household: float) -> pd.DataFrame:
    """Convert observations to people.

    Parameters
    ----------
    observations : DataFrame
        Typed ``observations.csv`` (columns ``time``, ``area_id``, ``service``, ``value``,
        ``unit``, ``source``).
    persons_per_household : float
        Persons per household, also used for consumers (metered accounts, roughly
        households) [persons].

    Returns
    -------
    DataFrame
        Columns ``time`` (UTC), ``area_id``, ``service``, ``value_people`` [persons],
        ``unit`` (as reported), ``source``.
    """
    factor = observations["unit"].map(lambda unit: _PER_UNIT.get(unit, persons_per_household))
    return pd.DataFrame({
        "time": observations["time"],
        "area_id": observations["area_id"],
        "service": observations["service"],
        "value_people": observations["value"].astype(float) * factor.astype(float),
        "unit": observations["unit"],
        "source": observations["source"],
    })
