"""A process-wide view of one collection on one instance: one list request serves many calls.

The engine asks the provider about every resource of a stack: preview checks each new name,
refresh reads each object, destroy asks which policies still route to each model. Asked one
by one, that is a request per resource; a :class:`Snapshot` answers them all from one list
request (``GET /models`` or ``GET /model_policy``, api-contract §2 and §6):

* it is fetched on first use and again once it is older than ``max_age`` seconds;
* the process's own writes update it at once (:meth:`Snapshot.put`, :meth:`Snapshot.remove`),
  so a create followed by a read in the same run sees the new object;
* concurrent callers (the dynamic host runs four calls at once, the native host more) share
  one fetch in flight instead of each sending their own.

What it cannot see: a change another process makes after the fetch, until the snapshot is
``max_age`` old. docs/dev/lifecycle.md ("Snapshots") says what each operation does about that.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

JsonObject = dict[str, Any]


class Snapshot:
    """The objects of one collection as one list request returned them, plus our own writes."""

    def __init__(
        self,
        fetch: Callable[[], list[JsonObject]],
        *,
        max_age: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._max_age = max_age
        self._clock = clock
        self._lock = threading.Condition()
        self._objects: dict[str, JsonObject] | None = None
        self._unkeyed: list[JsonObject] = []  # listed without a usable id: shown, never keyed
        self._taken_at = 0.0
        self._fetching = False
        self.fetches = 0  # list requests sent (tests and benchmarks read it)

    def _fresh(self) -> bool:
        return self._objects is not None and self._clock() - self._taken_at <= self._max_age

    def objects(self) -> list[JsonObject]:
        """Every object, from a list request at most ``max_age`` seconds old."""
        with self._lock:
            while self._fetching:
                self._lock.wait()
            if self._fresh():
                assert self._objects is not None
                return [*self._objects.values(), *self._unkeyed]
            self._fetching = True
        try:
            listed = self._fetch()
        except BaseException:
            with self._lock:
                self._fetching = False
                self._lock.notify_all()
            raise
        by_id = {str(o["id"]): o for o in listed if isinstance(o, dict) and isinstance(o.get("id"), str)}
        # An object without a string id still answers "is this name taken?": the caller that
        # would act on it (adopt, delete) refuses it, naming the field (schema/server_objects.py).
        unkeyed = [o for o in listed if isinstance(o, dict) and not isinstance(o.get("id"), str)]
        with self._lock:
            self._objects, self._unkeyed = by_id, unkeyed
            self._taken_at, self._fetching = self._clock(), False
            self.fetches += 1
            self._lock.notify_all()
            return [*by_id.values(), *unkeyed]

    def by_name(self, name: str) -> list[JsonObject]:
        return [o for o in self.objects() if o.get("name") == name]

    def by_id(self, object_id: str) -> JsonObject | None:
        for o in self.objects():
            if o.get("id") == object_id:
                return o
        return None

    def put(self, obj: JsonObject) -> None:
        """Our own create or update: the snapshot shows it without a new list request."""
        object_id = obj.get("id")
        if not isinstance(object_id, str):
            return
        with self._lock:
            if self._objects is not None:
                self._objects[object_id] = obj

    def remove(self, object_id: str) -> None:
        """Our own delete."""
        with self._lock:
            if self._objects is not None:
                self._objects.pop(object_id, None)

    def invalidate(self) -> None:
        """Forget the view: the next question sends a new list request."""
        with self._lock:
            self._objects = None
