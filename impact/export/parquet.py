"""The long table as an Apache Parquet file (pyarrow).

Same columns as the CSV export (:func:`impact.export.frames.to_long_dataframe`) with typed
columns: text as UTF-8 strings, ``admin_level`` and ``population`` as int64, people counts
as float64 (NaN where missing). The file's key-value metadata holds, under ``impact``, a
JSON object with the dataset attributes (scenario, seed, samples, model version, sources,
caveats ...) and each column's unit, HXL hashtag and description. Written without
timestamps, so the same result gives the same bytes.

Read back with ``pandas.read_parquet(path)``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from impact.dataset import as_dataset
from impact.export.atomic import atomic_write
from impact.export.columns import long_columns
from impact.export.frames import to_long_dataframe

__all__ = ["write_parquet"]


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def arrow_table(ds: Any) -> pa.Table:
    """The long table as a :class:`pyarrow.Table` with the result's metadata.

    Parameters
    ----------
    ds : xarray.Dataset or result object
        A result dataset (or an object with ``.dataset``).

    Returns
    -------
    pyarrow.Table
        One row per (service, area, time); see :func:`impact.export.columns.long_columns`.
    """
    ds = as_dataset(ds)
    df = to_long_dataframe(ds)
    columns = long_columns(ds)
    fields = []
    arrays = []
    for c in columns:
        col = df[c.name]
        if col.dtype.kind in "iu":
            arr = pa.array(col.to_numpy(dtype=np.int64), type=pa.int64())
        elif col.dtype.kind == "f":
            arr = pa.array(col.to_numpy(dtype=np.float64), type=pa.float64())
        else:
            arr = pa.array(col.astype(object).tolist(), type=pa.string())
        meta = {"unit": c.unit, "hxl": c.hxl, "description": c.description}
        fields.append(pa.field(c.name, arr.type, metadata={k: v for k, v in meta.items() if v}))
        arrays.append(arr)
    info = {
        "attrs": {k: _jsonable(v) for k, v in sorted(ds.attrs.items())},
        "columns": [{"name": c.name, "hxl": c.hxl, "unit": c.unit, "description": c.description} for c in columns],
    }
    schema = pa.schema(fields, metadata={"impact": json.dumps(info, sort_keys=True, default=str)})
    return pa.Table.from_arrays(arrays, schema=schema)


def write_parquet(ds: Any, path: str | os.PathLike[str]) -> Path:
    """Write the long table (one row per service, area, time) as Parquet.

    Parameters
    ----------
    ds : xarray.Dataset or result object
        A result dataset (or an object with ``.dataset``).
    path : str or os.PathLike
        Destination file; its folder must exist. Written atomically.

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    People counts in [persons]; ``time_local`` is ISO 8601 local time with UTC offset.
    """
    table = arrow_table(ds)

    def writer(tmp: Path) -> None:
        pq.write_table(table, str(tmp), compression="zstd", use_dictionary=True)

    return atomic_write(path, writer)
