"""Engines computing people without service from sampled repair times.

``fast`` (:mod:`impact.engine.fast`) is what :func:`impact.run` uses; ``reference``
(:mod:`impact.engine.reference`) is the plain oracle it is tested against.
"""

from __future__ import annotations

from impact.engine import fast, reference
from impact.engine.stats import EngineOutput

#: Engines by name.
ENGINES = {"fast": fast.compute, "reference": reference.compute}


def compute(model, durations, quantiles, engine: str = "fast", **options) -> EngineOutput:
    """Run the named engine; see :func:`impact.engine.fast.compute` (``options`` go to the fast one)."""
    if engine not in ENGINES:
        raise ValueError(f"{engine!r} is not a valid engine; choose one of {', '.join(ENGINES)}")
    if options and engine != "fast":
        raise ValueError(f"the {engine} engine takes no options ({', '.join(options)})")
    return ENGINES[engine](model, durations, quantiles, **options)


__all__ = ["ENGINES", "EngineOutput", "compute"]
