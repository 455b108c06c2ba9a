"""A policy's routing tree as the API writes it: ``{"strategy": {"mode": ...}, "targets": [...]}``.

``route("fallback", target("virtual-model/openai/gpt-4o"), route("loadbalance", ...))`` reads
as the tree it builds; a test that is about the wire's exact spelling writes the dict out.
"""

from __future__ import annotations

from typing import Any


def target(model_name: str, weight: float | None = None) -> dict[str, Any]:
    """A leaf: one model, with its weight when the route above it balances load."""
    leaf: dict[str, Any] = {"model_name": model_name}
    if weight is not None:
        leaf["weight"] = weight
    return leaf


def route(mode: str, *targets: dict[str, Any]) -> dict[str, Any]:
    """A route: its strategy's mode and its targets (leaves or routes), in order."""
    return {"strategy": {"mode": mode}, "targets": list(targets)}
