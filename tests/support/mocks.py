"""Shared test doubles for the Pulumi runtime: the set_mocks recorder and a private event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import pulumi

T = TypeVar("T")


class Recorder(pulumi.runtime.Mocks):
    """Records every registered resource: ``resources`` by name (the last registration of a
    name wins), ``registered`` in registration order. Outputs echo the inputs, plus ``extra``
    (each value may use ``{name}``, the resource's name)."""

    def __init__(self, extra: dict[str, str] | None = None) -> None:
        self.resources: dict[str, pulumi.runtime.MockResourceArgs] = {}
        self.registered: list[pulumi.runtime.MockResourceArgs] = []
        self.extra = dict(extra or {})

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.resources[args.name] = args
        self.registered.append(args)
        extra = {key: value.format(name=args.name) for key, value in self.extra.items()}
        return f"{args.name}-id", {**args.inputs, **extra}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


def arun(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` on a loop of its own, leaving the thread's current loop alone (pulumi's
    mocks in other test modules need one; ``asyncio.run`` would unset it)."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.close()


def mocked(*, preview: bool) -> Iterator[Recorder]:
    """The body of a test module's ``mocks`` fixture: a fresh :class:`Recorder` installed as
    Pulumi's mocks (``yield from mocked(preview=True)``)."""
    rec = Recorder()
    pulumi.runtime.set_mocks(rec, preview=preview)
    yield rec


def registered(program: Callable[[], Any]) -> BaseException | None:
    """Run ``program`` under the installed mocks; the error its registration raised, or None
    (the runtime re-raises the program's error as it was)."""
    try:
        pulumi.runtime.test(program)()
    except pulumi.RunError as err:
        return err
    return None
