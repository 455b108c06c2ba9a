"""The lifecycle Runtime in tests: a recorded sleep, and the one place that resets the global.

A test that hands a Runtime to the code under test takes the ``runtime`` fixture (a fresh
``Runtime()``, tests/conftest.py). Code that reads the process-wide ``RUNTIME`` itself (the
dynamic host's provider classes) is tested under :func:`global_runtime_reset`, through the
``global_runtime`` fixture or a module fixture of its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from pulumi_wxo.lifecycle import RUNTIME, Runtime


class Sleeps(list[float]):
    """A ``sleep`` that records the delays asked for instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def fresh_runtime() -> Runtime:
    """A Runtime of its own (no settings yet), whose sleeps are recorded (``runtime.sleep``)."""
    runtime = Runtime()
    runtime.sleep = Sleeps()
    return runtime


@contextmanager
def global_runtime_reset() -> Iterator[Runtime]:
    """The process-wide RUNTIME without settings, clients or snapshots, its sleeps recorded;
    put back as it was found (no settings, the real sleep) afterwards."""
    RUNTIME.reset()
    RUNTIME.sleep = Sleeps()
    try:
        yield RUNTIME
    finally:
        RUNTIME.sleep = time.sleep
        RUNTIME.reset()
