"""What the lifecycle returns: plain data a host turns into its SDK's result types."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pulumi_wxo.schema import Failure


@dataclass(frozen=True)
class CheckOutcome:
    """The inputs to store (normalised) and every problem found, each with its property path."""

    inputs: dict[str, Any]
    failures: list[Failure] = field(default_factory=list)
    # Lines for the reviewer of a preview (an adoption, a takeover): a host shows each as a
    # warning on the resource (docs/dev/lifecycle.md, "Ownership between stacks").
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DiffOutcome:
    """Changed fields, those of them that force a replacement, and whether all were known."""

    changed: list[str]
    replaces: list[str]
    complete: bool = True
    # Create-before-delete on a rename: the names differ, so no duplicate arises.
    delete_before_replace: bool = False

    @property
    def changes(self) -> bool:
        return bool(self.changed)


@dataclass(frozen=True)
class Created:
    id: str
    outputs: dict[str, Any]


@dataclass(frozen=True)
class ReadOutcome:
    """``id`` None: the object is gone (a host drops it from state)."""

    id: str | None
    outputs: dict[str, Any]
    inputs: dict[str, Any] | None = None
