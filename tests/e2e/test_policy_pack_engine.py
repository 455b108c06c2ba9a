"""The guardrails pack through the real engine: ``pulumi preview --policy-pack`` on both hosts.

The pack is the one ``pulumi-wxo policy-pack --output`` writes; the engine starts its launcher
(the file form, docs/guide/policy.md). A mandatory violation fails the preview and the output names
the policy and the resource; a clean program previews; the inline credential is never printed;
a wrong configuration fails the preview, naming the policy and the key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

import pulumi_wxo as wxo
import pulumi_wxo.native as native
from pulumi_wxo.cli import main
from pulumi_wxo.policy import POLICIES
from pulumi_wxo.policy.pack import LAUNCHER
from tests.support.engine import Engine
from tests.support.native import install_plugin

KEY = "sk-policy-pack-KNOWN-secret-7313"
CONFIG = {
    "wxo-credentials-in-connection": "mandatory",
    "wxo-required-tags": {"enforcementLevel": "mandatory", "tags": ["team-*"]},
    "wxo-loadbalance-weights": {"enforcementLevel": "mandatory"},
    "wxo-policy-targets-exist": "mandatory",
}


@pytest.fixture
def pack(tmp_path: Path) -> tuple[str, str]:
    """(launcher, config file): the pack as the CLI writes it, and its configuration."""
    out = tmp_path / "policy"
    assert main(["policy-pack", "--output", str(out)]) == 0
    cfg = tmp_path / "policy-config.json"
    cfg.write_text(json.dumps(CONFIG))
    return str(out / LAUNCHER), str(cfg)


def program(host: Any, *, clean: bool) -> Callable[[], None]:
    def run() -> None:
        if clean:
            conn = host.Connection("llm", app_id="llm", kind="key_value", credentials={"api_key": KEY})
            args: dict[str, Any] = {"connection": conn, "tags": ["team-a"]}
        else:
            args = {
                "provider_config": {"api_key": KEY, "custom_host": "https://llm.example"},
                "tags": ["e2e"],
            }
        gpt = host.Model("gpt", name="openai/pack-gpt", **args)
        mini = host.Model("mini", name="openai/pack-mini", **args)
        weights = (0.5, 0.5) if clean else (0.7, 0.7)
        host.ModelPolicy(
            "split",
            name="pack-split",
            strategy="loadbalance",
            targets=[{"model": gpt, "weight": weights[0]}, {"model": mini, "weight": weights[1]}],
        )
        pulumi.export("ok", True)

    return run


def _preview(eng: Engine, pack: tuple[str, str]) -> auto.PreviewResult:
    return eng.preview(policy_packs=[pack[0]], policy_pack_configs=[pack[1]])


@pytest.fixture(params=["dynamic", "native"])
def host(
    request: pytest.FixtureRequest, engine_factory: Callable[..., Engine], tmp_path: Path
) -> tuple[Any, str, Callable[..., Engine]]:
    if request.param == "native":
        install_plugin(tmp_path / "pulumi-home")
        return native, "wxo:index:Model", engine_factory
    return wxo, "pulumi-python:dynamic/wxo:Model", engine_factory


def test_a_mandatory_violation_blocks_the_preview(
    host: tuple[Any, str, Callable[..., Engine]], pack: tuple[str, str]
) -> None:
    module, model_type, factory = host
    eng = factory(program(module, clean=False))
    with pytest.raises(auto.CommandError):
        _preview(eng, pack)
    text = eng.text()
    assert "wxo-credentials-in-connection" in text, text
    assert "wxo-required-tags" in text
    assert "wxo-loadbalance-weights" in text and "sum to 1.4" in text
    assert f"{model_type}: gpt" in text  # the resource, as the engine names it
    assert "provider_config.api_key holds a credential" in text
    assert KEY not in text
    assert eng.models() == []


def test_a_clean_program_passes(host: tuple[Any, str, Callable[..., Engine]], pack: tuple[str, str]) -> None:
    module, _, factory = host
    eng = factory(program(module, clean=True))
    result = _preview(eng, pack)
    # The stack, a connection, 2 models, the policy.
    assert result.change_summary.get("create") == 5, result.stdout
    text = eng.text()
    assert "✅ wxo-guardrails" in text, text  # the pack ran, and found nothing
    assert not [d.name for d in POLICIES if d.name in text], text


@pytest.mark.parametrize(
    ("entry", "named"),
    [
        ({"tag": ["team-*"]}, "tag: unknown key (did you mean 'tags'?)"),  # the pack's own check
        ({"tags": "team-*"}, "tags: Invalid type"),  # the engine's check, from the pack's schema
    ],
)
def test_a_bad_config_fails_the_preview_naming_the_policy_and_the_key(
    engine_factory: Callable[..., Engine], tmp_path: Path, pack: tuple[str, str], entry: Any, named: str
) -> None:
    Path(pack[1]).write_text(json.dumps({"wxo-required-tags": {"enforcementLevel": "mandatory", **entry}}))
    eng = engine_factory(program(wxo, clean=True))
    with pytest.raises(auto.CommandError) as raised:
        _preview(eng, pack)
    text = eng.text() + str(raised.value)
    assert f"wxo-required-tags: {named}" in text
    assert "Traceback" not in text
