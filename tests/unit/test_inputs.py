"""Typed nested inputs: generated from the schema, equivalent to plain dicts, checked by mypy."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pydantic import BaseModel

import pulumi_wxo as wxo
from pulumi_wxo.schema import ModelConfig, PolicyRetry, PolicyStrategy, ProviderConfig
from tests.support.mocks import Recorder

pytestmark = pytest.mark.unit

PAIRS: list[tuple[type[Any], type[Any], type[BaseModel]]] = [
    (wxo.ProviderConfigArgs, wxo.ProviderConfigArgsDict, ProviderConfig),
    (wxo.ModelConfigArgs, wxo.ModelConfigArgsDict, ModelConfig),
    (wxo.PolicyStrategyArgs, wxo.PolicyStrategyArgsDict, PolicyStrategy),
    (wxo.PolicyRetryArgs, wxo.PolicyRetryArgsDict, PolicyRetry),
]


@pytest.mark.parametrize(("args", "dict_type", "model"), PAIRS, ids=lambda x: getattr(x, "__name__", ""))
def test_every_schema_field_is_typed(args: type[Any], dict_type: type[Any], model: type[BaseModel]) -> None:
    assert [f.name for f in fields(args)] == list(model.model_fields)
    assert list(dict_type.__annotations__) == list(model.model_fields)
    assert len(model.model_fields) > 1


@pytest.fixture
def recorder() -> Recorder:
    rec = Recorder()
    pulumi.runtime.set_mocks(rec, preview=False)
    return rec


def _registered(recorder: Recorder, program: Any) -> dict[str, dict[str, Any]]:
    pulumi.runtime.test(program)()
    return {name: dict(r.inputs) for name, r in recorder.resources.items()}


def test_typed_args_register_exactly_what_plain_dicts_do(recorder: Recorder) -> None:
    def typed() -> None:
        m = wxo.Model(
            "granite",
            name="watsonx/ibm/granite-3-3-8b-instruct",
            provider_config=wxo.ProviderConfigArgs(api_key="k", watsonx_space_id="s"),
            config=wxo.ModelConfigArgs(max_tokens=10, temperature=0.2),
        )
        wxo.ModelPolicy(
            "p",
            name="p",
            strategy=wxo.PolicyStrategyArgs(mode="fallback", on_status_codes=[503]),
            retry=wxo.PolicyRetryArgs(attempts=1),
            targets=[
                wxo.PolicyTargetArgs(model=m),
                wxo.PolicyRuleArgs(
                    strategy="loadbalance",
                    targets=[wxo.PolicyTargetArgs(model_name="openai/gpt-4o", weight=1.0)],
                ),
            ],
        )

    def plain() -> None:
        m = wxo.Model(
            "granite",
            name="watsonx/ibm/granite-3-3-8b-instruct",
            provider_config={"api_key": "k", "watsonx_space_id": "s"},
            config={"max_tokens": 10, "temperature": 0.2},
        )
        wxo.ModelPolicy(
            "p",
            name="p",
            strategy={"mode": "fallback", "on_status_codes": [503]},
            retry={"attempts": 1},
            targets=[
                {"model": m},
                {"strategy": "loadbalance", "targets": [{"model_name": "openai/gpt-4o", "weight": 1.0}]},
            ],
        )

    got_typed = _registered(recorder, typed)
    recorder.resources.clear()
    got_plain = _registered(recorder, plain)
    assert got_typed == got_plain
    assert got_typed["p"]["targets"][0] == {"model_name": "watsonx/ibm/granite-3-3-8b-instruct"}
    assert got_typed["p"]["targets"][1]["targets"] == [{"model_name": "openai/gpt-4o", "weight": 1.0}]


def test_mypy_catches_a_misspelt_field(tmp_path: Path) -> None:
    program = tmp_path / "typo.py"
    program.write_text(
        "import pulumi_wxo as wxo\n"
        "wxo.ProviderConfigArgs(watsonx_spaceid='s')\n"
        "pc: wxo.ProviderConfigArgsDict = {'watsonx_space_idd': 's'}\n"
        "ok: wxo.ProviderConfigArgsDict = {'watsonx_space_id': 's'}\n"
        "wxo.ModelConfigArgs(max_tokens=10)\n"
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(tmp_path / "c"),
            str(program),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    errors = [line for line in proc.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["2", "3"], proc.stdout
    assert "watsonx_spaceid" in errors[0] and "watsonx_space_idd" in errors[1]
