"""What specs/ writes and checks follows the resource declarations (resources/), not lists of
its own: a declaration changed in a copy changes the export, the ADK rule and ``declare``."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import create_model

from pulumi_wxo.resources import MODEL, POLICY
from pulumi_wxo.schema import ModelSpec, PolicySpec
from pulumi_wxo.specs import adk as adk_rules
from pulumi_wxo.specs import declaration, export, read_specs

pytestmark = pytest.mark.unit

SERVER_MODEL = {
    "id": "m1",
    "name": "virtual-model/openai/gpt-4o",
    "display_name": "GPT",
    "tags": ["team-a"],
    "connection_id": "conn-1",
    "provider_config": {"provider": "openai", "customHost": "https://h"},
    "config": {"max_tokens": 100},
}


def reordered(spec: type[ModelSpec] | type[PolicySpec]) -> Any:
    """A spec with the same fields in the opposite order."""
    fields: dict[str, Any] = {n: (f.annotation, f) for n, f in reversed(spec.model_fields.items())}
    return create_model(f"Reversed{spec.__name__}", **fields)


def test_export_writes_the_fields_in_the_declarations_order(monkeypatch: pytest.MonkeyPatch) -> None:
    assert list(export.export_model(SERVER_MODEL).document)[2:] == list(MODEL.api_fields)
    backwards = replace(MODEL, spec=reordered(ModelSpec))
    monkeypatch.setattr(export, "MODEL", backwards)
    document = export.export_model(SERVER_MODEL).document
    assert list(document)[:2] == ["spec_version", "kind"]
    assert list(document)[2:] == list(backwards.api_fields) == list(reversed(MODEL.api_fields))


def test_a_field_the_server_holds_none_of_is_left_out() -> None:
    document = export.export_model({"id": "m", "name": "virtual-model/openai/x"}).document
    # Every declared field with a value, in order; the texts and the type are defaulted.
    assert list(document)[2:] == [f for f in MODEL.api_fields if f in document]
    assert set(MODEL.defaults_to_name) <= set(document)


def test_the_policys_texts_are_the_declarations_name_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = {"id": "p", "name": "virtual-policy/p", "policy": {"strategy": {"mode": "fallback"}}}
    before = export.export_policy(policy).document
    assert [k for k in before if k in POLICY.api_fields] == ["name", *POLICY.defaults_to_name]
    one = SimpleNamespace(defaults_to_name=POLICY.defaults_to_name[:1])
    monkeypatch.setattr(export, "POLICY", one)
    after = export.export_policy(policy).document
    assert [k for k in after if k in POLICY.api_fields] == ["name", *POLICY.defaults_to_name[:1]]


def test_the_adk_requires_of_a_policy_the_texts_declared_as_name_defaults(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "spec_version: v1\nkind: model\nname: virtual-policy/p\npolicy:\n  strategy:\n    mode: fallback\n"
        "  targets:\n    - model_name: virtual-model/openai/a\n    - model_name: virtual-model/openai/b\n"
    )

    def required() -> list[str]:
        _, problems = read_specs(path, adk=True)
        return [p.field for p in problems if "the ADK requires" in p.message]

    assert required() == ["name"] * len(POLICY.defaults_to_name)  # each missing one, at the name
    monkeypatch.setattr(adk_rules, "POLICY", SimpleNamespace(defaults_to_name=()))
    assert required() == []


def test_declare_passes_every_declared_field(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = ModelSpec.model_validate(
        {"name": "virtual-model/openai/gpt-4o", "tags": ["a"], "config": {"max_tokens": 5}}
    )
    assert list(declaration._inputs(spec, MODEL)) == list(MODEL.api_fields)
    assert declaration._inputs(spec, MODEL)["config"] == {"max_tokens": 5}
    fewer = replace(MODEL, spec=create_model("Fewer", name=(str, ...)))
    assert declaration._inputs(spec, fewer) == {"name": "virtual-model/openai/gpt-4o"}
