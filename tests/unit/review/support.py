"""Preview documents for the review renderer's tests: the real ones captured through the engine
(tests/data/review, both hosts, the digest and the event stream) and small hand-made ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pulumi_wxo.review import Review, StackPreview, parse_preview, render
from pulumi_wxo.schema import is_secret_key

DATA = Path(__file__).resolve().parents[2] / "data" / "review"
TYPES = {
    ("dynamic", "Model"): "pulumi-python:dynamic/wxo:Model",
    ("dynamic", "ModelPolicy"): "pulumi-python:dynamic/wxo:ModelPolicy",
    ("native", "Model"): "wxo:index:Model",
    ("native", "ModelPolicy"): "wxo:index:ModelPolicy",
    ("dynamic", "Connection"): "pulumi-python:dynamic/wxo:Connection",
    ("native", "Connection"): "wxo:index:Connection",
}


def captured(name: str) -> Any:
    """A captured document: ``dynamic-preview``, ``native-stream``, ..."""
    text = (DATA / f"{name}.json").read_text()
    if name.endswith("-stream"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return json.loads(text)


def step(
    op: str,
    name: str,
    *,
    kind: str = "Model",
    host: str = "native",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    rid: str | None = "id-1",
    diff: list[str] | None = None,
    replace: list[str] | None = None,
    stack: str = "dev",
) -> dict[str, Any]:
    """One digest step, shaped like the engine's (tests/data/review/native-preview.json)."""
    type_ = TYPES[(host, kind)]
    out: dict[str, Any] = {"op": op, "urn": f"urn:pulumi:{stack}::proj::{type_}::{name}"}
    if old is not None:
        out["oldState"] = {"type": type_, "id": rid, "inputs": old, "outputs": dict(old)}
    if new is not None:
        out["newState"] = {"type": type_, "inputs": new}
    if diff is not None:
        out["diffReasons"] = diff
    if replace is not None:
        out["replaceReasons"] = replace
    return out


def digest(*steps: dict[str, Any]) -> dict[str, Any]:
    return {"config": {}, "steps": list(steps)}


def policy_events(*events: dict[str, Any]) -> list[dict[str, Any]]:
    """An event stream (``pulumi preview --json`` with a policy pack): the prelude, then each of
    ``events`` as a ``policyEvent``, numbered in order."""
    prelude = {"sequence": 0, "preludeEvent": {"config": {}}}
    return [prelude, *({"sequence": n, "policyEvent": event} for n, event in enumerate(events, start=1))]


def policy_event(policy: str, level: str, message: str, **more: Any) -> dict[str, Any]:
    """A ``policyEvent`` of the pack wxo-guardrails: its policy, enforcement level and message,
    and any ``more`` fields as the engine spells them (``resourceUrn``, ``severity``, ...)."""
    fields = {"policyName": policy, "policyPackName": "wxo-guardrails", "enforcementLevel": level}
    return {**fields, "message": message, **more}


def preview(document: Any, label: str = "dev.json") -> StackPreview:
    return parse_preview(document, label)


def review(*documents: Any, max_bytes: int = 65536) -> Review:
    previews = [parse_preview(d, f"doc{i}.json") for i, d in enumerate(documents)]
    return render(previews, is_secret_key=is_secret_key, max_bytes=max_bytes)


def text(*documents: Any) -> str:
    [part] = review(*documents).parts
    return part
