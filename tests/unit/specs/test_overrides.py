"""specs.overrides: per-stack overrides merge, remove, and are named in problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pulumi_wxo.schema import ModelSpec, PolicySpec
from pulumi_wxo.specs import read_specs
from tests.unit.specs.support import EXAMPLES, by_name

pytestmark = pytest.mark.unit


def test_overrides_merge_remove_and_are_attributed(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "specs")
    overrides = {
        "virtual-model/openai/gpt-4o": {"config": {"max_tokens": 256, "temperature": None}},
        "openai/gpt-4o-mini": {"tags": ["prod"]},  # short name works
        "gpt-4o-resilient": {"strategy": {"mode": "loadbalance"}},  # flat, onto the ADK form
    }
    specs = by_name(tmp_path / "specs", overrides=overrides)
    gpt = specs["virtual-model/openai/gpt-4o"].spec
    assert isinstance(gpt, ModelSpec) and gpt.config is not None
    assert (gpt.config.max_tokens, gpt.config.temperature) == (256, None)
    assert specs["virtual-model/openai/gpt-4o-mini"].spec.tags == ["prod"]  # type: ignore[union-attr]
    policy = specs["virtual-policy/gpt-4o-resilient"].spec
    assert isinstance(policy, PolicySpec) and policy.strategy.mode == "loadbalance"


def test_bad_overrides_are_reported_against_the_override() -> None:
    overrides = {
        "virtual-model/openai/gpt-4": {"config": {"max_tokens": 1}},
        "virtual-model/openai/gpt-4o": {
            "name": "openai/other",
            "config": {"max_tokens": -1},
            "provider_config": {"api_key": "sk-from-override-literal"},
        },
        "virtual-model/azure-openai/gpt-4o": "not a mapping",
    }
    _, problems = read_specs(EXAMPLES, overrides=overrides, override_source="Pulumi.prod.yaml")
    got = sorted((p.file, p.line, p.field) for p in problems)
    label = 'Pulumi.prod.yaml["{}"]'.format
    assert got == [
        (label("virtual-model/azure-openai/gpt-4o"), None, ""),
        (label("virtual-model/openai/gpt-4"), None, ""),
        (label("virtual-model/openai/gpt-4o"), None, "config.max_tokens"),
        (label("virtual-model/openai/gpt-4o"), None, "name"),
        (label("virtual-model/openai/gpt-4o"), None, "provider_config.api_key"),
    ]
    text = "\n".join(map(str, problems))
    assert "did you mean 'virtual-model/openai/gpt-4o'" in text
    assert "cannot be overridden" in text and "sk-from-override-literal" not in text


def test_an_overrides_file_is_read_like_a_spec_file(tmp_path: Path) -> None:
    from pulumi_wxo.specs.overrides import read_overrides_file

    stack = tmp_path / "Pulumi.prod.yaml"
    stack.write_text(
        "config:\n  wxo-specs:overrides:\n    openai/gpt-4o: {config: {max_tokens: 1}}\n"
        "  proj:openaiKey:\n    secure: AAAB\n"
    )
    assert read_overrides_file(str(stack)) == ({"openai/gpt-4o": {"config": {"max_tokens": 1}}}, [])
    stack.write_text("config:\n  other:key: 1\n")
    assert read_overrides_file(str(stack)) == ({}, [])  # a stack without overrides
    plain = tmp_path / "o.yaml"
    plain.write_text("openai/gpt-4o:\n  tags: [a]\n")
    assert read_overrides_file(str(plain)) == ({"openai/gpt-4o": {"tags": ["a"]}}, [])
    plain.write_text("- not\n- a mapping\n")
    _, [problem] = read_overrides_file(str(plain))  # type: ignore[misc]
    assert (problem.line, problem.message) == (1, "expected a mapping of spec name -> fields")
    plain.write_text("a: 1\n" * 300_000)
    _, [problem] = read_overrides_file(str(plain))  # type: ignore[misc]
    assert problem.message == "is larger than 1 MiB, the limit for an overrides file"
    missing = read_overrides_file(str(tmp_path / "missing.yaml"))
    assert not isinstance(missing, tuple) and missing.line is None
    assert missing.message == "cannot be read: No such file or directory"


TWIN_POLICY = """\
spec_version: v1
kind: model
name: virtual-policy/openai-gpt-4o
display_name: Twin
description: a policy whose name is the model's resource name
policy:
  strategy:
    mode: fallback
  targets:
    - model_name: virtual-model/openai/gpt-4o
    - model_name: virtual-model/azure-openai/gpt-4o
"""


def test_a_key_that_names_a_model_and_a_policy_is_refused(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(EXAMPLES, specs)
    (specs / "twin.yaml").write_text(TWIN_POLICY)
    overrides = {"openai-gpt-4o": {"description": "which one?"}}
    found, problems = read_specs(specs, overrides=overrides, override_source="Pulumi.prod.yaml")
    assert [str(p) for p in problems] == [
        'Pulumi.prod.yaml["openai-gpt-4o"]: names '
        f"'virtual-model/openai/gpt-4o' ({specs / 'openai.yaml'}:6) and "
        f"'virtual-policy/openai-gpt-4o' ({specs / 'twin.yaml'}:3); write the full name of the "
        "one you mean (nothing is overridden)"
    ]
    assert all(getattr(s.spec, "description", None) != "which one?" for s in found)
    # The full name is never ambiguous.
    exact = by_name(specs, overrides={"virtual-policy/openai-gpt-4o": {"description": "this one"}})
    assert exact["virtual-policy/openai-gpt-4o"].spec.description == "this one"
    assert exact["virtual-model/openai/gpt-4o"].spec.description != "this one"
