"""Shared pulumi.runtime.set_mocks recorder for tests that check what a program registers."""

from __future__ import annotations

from typing import Any

import pulumi


class Recorder(pulumi.runtime.Mocks):
    """Records every registered resource by name; outputs echo the inputs."""

    def __init__(self) -> None:
        self.resources: dict[str, pulumi.runtime.MockResourceArgs] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.resources[args.name] = args
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None
