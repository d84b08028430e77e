"""Results larger than memory, computed in blocks of areas and written to NetCDF as they come.

The run lives in :mod:`impact.runner` (:func:`impact.run_to_netcdf`) and the block writer in
:mod:`impact.export.netcdf_blocks`; this module keeps their names at their former place.
"""

from __future__ import annotations

from impact.export.netcdf_blocks import CHUNK_BYTES
from impact.runner import AREA_BLOCK, result_bytes, run_to_netcdf

__all__ = ["AREA_BLOCK", "CHUNK_BYTES", "result_bytes", "run_to_netcdf"]
