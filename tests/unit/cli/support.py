"""Paths, the ``run`` helper and a stub instance shared by the command line's unit tests."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from pulumi_wxo.cli import connection, export, listing, main

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data"
EXAMPLES = ROOT / "examples" / "specs"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


class StubCollection:
    """One collection of a :class:`StubClient`: ``list`` answers the given objects."""

    def __init__(self, objects: Sequence[dict[str, Any]]):
        self.objects = list(objects)

    def list(self) -> list[dict[str, Any]]:
        return self.objects


class StubClient:
    """What an instance answers to ``list`` and ``export`` (no socket): the given objects, as
    they are, however hostile; ``base_url`` is the one the connection flags give."""

    def __init__(
        self,
        models: Sequence[dict[str, Any]],
        policies: Sequence[dict[str, Any]],
        base_url: str,
        connections: Sequence[dict[str, Any]] = (),
    ):
        self.models = StubCollection(models)
        self.policies = StubCollection(policies)
        self.connections = StubCollection(connections)
        self.base_url = base_url

    def __enter__(self) -> StubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def serve(
    monkeypatch: pytest.MonkeyPatch,
    models: Sequence[dict[str, Any]],
    policies: Sequence[dict[str, Any]] = (),
    connections: Sequence[dict[str, Any]] = (),
) -> None:
    """``list`` and ``export`` read ``models``, ``policies`` and ``connections`` (as
    ``client.connections.list()`` answers them) from a :class:`StubClient`. With
    ``--url``, the connection flags are read by the real code (the base URL, ``--base-path``
    included, is the real client's), which sends nothing; without, the base URL is a stub's."""

    def client_from_args(args: argparse.Namespace) -> StubClient:
        base_url = "http://stub/v1"
        if getattr(args, "url", None):
            real = connection.client_from_args(args)
            real.close()
            base_url = real.base_url
        return StubClient(models, policies, base_url, connections)

    for module in (export, listing):
        monkeypatch.setattr(module, "client_from_args", client_from_args)


def named(*names: str) -> list[dict[str, Any]]:
    """Models as a server lists them, by name only, with the ids "1", "2", ..."""
    return [{"id": str(i), "name": name} for i, name in enumerate(names, start=1)]
