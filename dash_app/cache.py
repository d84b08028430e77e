"""A small, bounded, thread-safe cache of model runs kept on the server."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Generic, TypeVar

__all__ = ["BoundedCache", "Value"]

Value = TypeVar("Value")


class BoundedCache(Generic[Value]):
    """Least-recently-used cache holding at most ``size`` values (and, optionally, ``max_bytes``).

    Concurrent requests for a key that is being computed wait for that computation instead
    of starting another one: a model run asked for by two callbacks (or by the background
    run of the page and a callback) runs once. A computation that raises is not stored;
    every caller waiting for it gets the exception and the next request computes again.

    Parameters
    ----------
    size : int
        Largest number of entries kept; the least recently used is dropped first.
    max_bytes : int, optional
        Largest total weight [bytes] of the entries kept, as measured by ``weigh``; the
        most recently used entry is kept whatever its weight. Default: no limit.
    weigh : callable, optional
        ``weigh(value) -> int``, the memory a value holds [bytes]; needed with ``max_bytes``.
    """

    def __init__(
        self, size: int = 16, *, max_bytes: int | None = None, weigh: Callable[[Value], int] | None = None
    ) -> None:
        if size < 1:
            raise ValueError(f"size must be >= 1, not {size}")
        if max_bytes is not None and (max_bytes < 1 or weigh is None):
            raise ValueError("max_bytes must be >= 1 and needs weigh")
        self.size = size
        self.max_bytes = max_bytes
        self._weigh = weigh
        self._entries: OrderedDict[Hashable, Value] = OrderedDict()
        self._weights: dict[Hashable, int] = {}
        self._pending: dict[Hashable, Future] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._entries

    @property
    def bytes(self) -> int:
        """Total weight of the entries kept [bytes] (0 without ``weigh``)."""
        with self._lock:
            return sum(self._weights.values())

    def get(self, key: Hashable, compute: Callable[[], Value]) -> Value:
        """The value for ``key``; computed (outside the lock) and stored when missing.

        When another thread is computing the same key, waits for its value (or exception).
        """
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]
            pending = self._pending.get(key)
            if pending is None:
                self.misses += 1
                pending = self._pending[key] = Future()
                owner = True
            else:
                self.hits += 1
                owner = False
        if not owner:
            return pending.result()
        try:
            value = compute()
        except BaseException as error:
            with self._lock:
                del self._pending[key]
            pending.set_exception(error)
            raise
        with self._lock:
            del self._pending[key]
            self._store(key, value)
        pending.set_result(value)
        return value

    def _store(self, key: Hashable, value: Value) -> None:
        """Store ``value`` as the most recent entry and drop the oldest beyond the bounds (lock held)."""
        self._entries[key] = value
        self._entries.move_to_end(key)
        if self._weigh is not None:
            self._weights[key] = int(self._weigh(value))
        while len(self._entries) > 1 and (
            len(self._entries) > self.size
            or (self.max_bytes is not None and sum(self._weights.values()) > self.max_bytes)
        ):
            oldest, _ = self._entries.popitem(last=False)
            self._weights.pop(oldest, None)
