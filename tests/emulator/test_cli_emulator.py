"""``pulumi-wxo export`` / ``list`` against the emulator holding objects made by IBM's own ADK client.

What the ADK's ``ModelsClient`` / ``ModelPoliciesClient`` create, ``export`` must turn into specs
that ``validate`` accepts, without ever writing a secret, and into a program that adopts them.
"""

from __future__ import annotations

import json
import re
import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pulumi
import pytest
from ibm_watsonx_orchestrate_clients.model_policies.model_policies_client import ModelPoliciesClient
from ibm_watsonx_orchestrate_clients.models.models_client import ModelsClient
from ibm_watsonx_orchestrate_core.types.model_policies import types as adk_policies
from ibm_watsonx_orchestrate_core.types.models.types import ProviderConfig, VirtualModel

from pulumi_wxo.cli import main
from pulumi_wxo.emulator import EmulatorThread
from pulumi_wxo.schema import SECRET_FIELDS
from pulumi_wxo.specs import read_specs
from tests.support.emulator import EMULATOR_TOKEN, hand_policy, post_by_hand
from tests.support.mocks import Recorder

pytestmark = pytest.mark.emulator

ADK_SECRET = "sk-adk-SECRET-0042"
GRANITE = "virtual-model/watsonx/ibm/granite-3-3-8b-instruct"
GPT = "virtual-model/openai/gpt-4o"
CLAUDE = "virtual-model/anthropic/claude-3-7-sonnet-latest"
POLICY = "virtual-policy/gpt-or-claude"


def adk_tenant(emulator: EmulatorThread) -> None:
    """Three models and a policy, created the way `orchestrate models import` creates them."""
    models = ModelsClient(base_url=emulator.url, api_key=EMULATOR_TOKEN, is_local=True)
    extras = {"spec_version": "v1", "kind": "model"}  # the ADK sends spec files' extras along
    models.create(
        VirtualModel(
            name=GRANITE,
            display_name="Granite",
            description="Granite via watsonx.ai",
            config={"max_tokens": 2048, "temperature": 0.2},
            provider_config=ProviderConfig(
                provider="watsonx",
                api_key=ADK_SECRET,
                custom_host="https://us-south.ml.cloud.ibm.com",
                watsonx_space_id="space-guid",
            ),
            tags=["ibm"],
            model_type="chat",
            **extras,
        )
    )
    models.create(
        VirtualModel(
            name=GPT,
            display_name=None,
            description=None,
            provider_config=ProviderConfig(provider="openai", api_key=ADK_SECRET),
            config={"max_tokens": 1024},
            **extras,
        )
    )
    models.create(
        VirtualModel(
            name=CLAUDE,
            display_name="Claude",
            description="Credentials in a connection",
            connection_id="conn-anthropic",
            config={"max_tokens": 4096},
            **extras,
        )
    )
    ModelPoliciesClient(base_url=emulator.url, api_key=EMULATOR_TOKEN, is_local=True).create(
        adk_policies.ModelPolicy(
            name=POLICY,
            display_name="GPT or Claude",
            description="GPT first",
            policy=adk_policies.ModelPolicyInner(
                strategy=adk_policies.ModelPolicyStrategy(
                    mode=adk_policies.ModelPolicyStrategyMode.FALL_BACK, on_status_codes=[503]
                ),
                retry=adk_policies.ModelPolicyRetry(attempts=1, on_status_codes=[503]),
                targets=[
                    adk_policies.ModelPolicyTarget(model_name=GPT),
                    adk_policies.ModelPolicyTarget(model_name=CLAUDE),
                ],
            ),
        )
    )


def connect(emulator: EmulatorThread) -> list[str]:
    return ["--url", emulator.url, "--token", EMULATOR_TOKEN]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("secrets", ["omit", "mask", "echo"])
def test_export_of_an_adk_tenant_validates_and_never_writes_secrets(
    emulator: EmulatorThread, capsys: pytest.CaptureFixture[str], tmp_path: Path, secrets: str
) -> None:
    emulator.control.settings(secrets=secrets)  # type: ignore[arg-type]
    adk_tenant(emulator)
    code, out, err = run(capsys, "export", *connect(emulator), "--output", str(tmp_path))
    assert (code, out) == (0, "")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "anthropic-claude-3-7-sonnet-latest.yaml",
        "openai-gpt-4o.yaml",
        "policy-gpt-or-claude.yaml",
        "watsonx-ibm-granite-3-3-8b-instruct.yaml",
    ]
    assert f"exported 3 models and 1 policy to {tmp_path} (4 files)" in err
    assert "pulumi config set --secret openaiApiKey <value>   # virtual-model/openai/gpt-4o" in err
    assert "pulumi config set --secret watsonxApiKey <value>" in err
    assert "anthropic" not in err.split("Set these secrets", 1)[1].split("Then declare", 1)[0]
    written = "".join(p.read_text() for p in tmp_path.iterdir())
    assert ADK_SECRET not in written and "****" not in written

    granite = (tmp_path / "watsonx-ibm-granite-3-3-8b-instruct.yaml").read_text()
    # The header comment (with the marker's note: it holds placeholders), then the keys in order.
    assert granite.count("\n#") == 3
    assert f"spec_version: v1\nkind: model\nname: {GRANITE}\n" in granite
    assert "  api_key: ${secret:watsonxApiKey}\n" in granite
    assert "  watsonx_space_id: space-guid\n" in granite  # snake_case, as the ADK writes it
    claude = (tmp_path / "anthropic-claude-3-7-sonnet-latest.yaml").read_text()
    assert "connection_id: conn-anthropic\n" in claude and "provider_config" not in claude

    code, out, err = run(capsys, "validate", str(tmp_path))
    assert (code, out) == (0, ""), out
    assert err == "4 valid specs in 4 files: 0 errors, 0 warnings\n"
    specs, _ = read_specs(tmp_path)
    [policy] = [s for s in specs if s.kind == "policy"]
    assert policy.target_names() == [GPT, CLAUDE]


def test_export_to_stdout_filters_and_refuses_to_overwrite(
    emulator: EmulatorThread, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    adk_tenant(emulator)
    code, out, _ = run(capsys, "export", *connect(emulator), "--name", "openai/*", "--name", "gpt-or-*")
    assert code == 0
    docs = out.split("---\n")
    assert len(docs) == 2 and f"name: {GPT}\n" in docs[0] and f"name: {POLICY}\n" in docs[1]

    assert run(capsys, "export", *connect(emulator), "--output", str(tmp_path))[0] == 0
    code, _, err = run(capsys, "export", *connect(emulator), "--output", str(tmp_path))
    assert code == 2 and "4 file(s) already exist" in err and "--force" in err
    assert run(capsys, "export", *connect(emulator), "--output", str(tmp_path), "--force")[0] == 0

    code, _, err = run(capsys, "export", *connect(emulator), "--name", "nothing/*")
    assert code == 1 and "nothing to export (no name matched --name)" in err


KEYS = {"adopted:openaiApiKey": "sk-o", "adopted:watsonxApiKey": "wx-k"}  # the program's secrets


def _run_exported(program: Path, config: dict[str, str] | None = None) -> None:
    """An exported program run under Pulumi's mocks (the ``mocks`` fixture), with ``config`` as
    its secret stack settings."""
    if config:
        pulumi.runtime.set_all_config(config, list(config))

    @pulumi.runtime.test
    def run_program() -> None:
        runpy.run_path(str(program))

    run_program()


@pytest.fixture
def mocks() -> Iterator[Recorder]:
    rec = Recorder()
    pulumi.runtime.set_mocks(rec, project="adopted", stack="dev", preview=False)
    yield rec
    pulumi.runtime.set_all_config({}, [])


def test_export_python_program_adopts_everything(
    emulator: EmulatorThread, capsys: pytest.CaptureFixture[str], tmp_path: Path, mocks: Recorder
) -> None:
    emulator.control.settings(secrets="echo")
    adk_tenant(emulator)
    code, _, err = run(capsys, "export", *connect(emulator), "--format", "python", "--output", str(tmp_path))
    assert code == 0 and "(1 file)" in err
    program = tmp_path / "__main__.py"
    assert ADK_SECRET not in program.read_text()
    _run_exported(program, KEYS)
    assert sorted(mocks.resources) == [
        "anthropic-claude-3-7-sonnet-latest",
        "gpt-or-claude",
        "openai-gpt-4o",
        "watsonx-ibm-granite-3-3-8b-instruct",
    ]
    assert all(r.inputs["adopt"] is True for r in mocks.resources.values())
    gpt = mocks.resources["openai-gpt-4o"].inputs
    assert gpt["provider_config"]["value"] == {"api_key": "sk-o"}
    policy = mocks.resources["gpt-or-claude"].inputs
    assert policy["targets"] == [{"model_name": GPT}, {"model_name": CLAUDE}]
    assert policy["declared_models"] == [GPT, CLAUDE]  # wired to the Model resources


def test_list_filters_by_name(emulator: EmulatorThread, capsys: pytest.CaptureFixture[str]) -> None:
    adk_tenant(emulator)
    code, out, _ = run(capsys, "list", *connect(emulator), "--json", "--name", "watsonx/*")
    assert code == 0
    listed = json.loads(out)
    assert [m["name"] for m in listed["models"]] == [GRANITE]
    assert listed["policies"] == []
    assert "api_key" not in listed["models"][0]["provider_config"]
    code, out, _ = run(capsys, "list", *connect(emulator), "--name", "virtual-policy/*")
    assert code == 0 and "Models (0)" in out and "Policies (1)" in out


# Every credential field of api-contract §9, each with a value that must never be printed.
CREDENTIALS: dict[str, dict[str, Any]] = {
    "openai/gpt-4o-echo": {"api_key": "sk-LIST-0001"},
    "bedrock/anthropic.claude-3": {
        "aws_access_key_id": "AKIA-LIST-0002",
        "aws_secret_access_key": "aws-secret-LIST-0003",
        "aws_session_token": "aws-session-LIST-0004",
        "aws_region": "us-east-1",
    },
    "vertex-ai/gemini-2.0-flash": {
        "vertex_service_account_json": {
            "type": "service_account",
            "client_email": "sa@example.iam.gserviceaccount.com",
            "private_key": "-----BEGIN PRIVATE KEY-----\\nLIST-0005\\n-----END PRIVATE KEY-----\\n",
        },
        "vertex_region": "us-central1",
    },
    "watsonx/ibm/granite-cpd": {
        "watsonx_cpd_username": "admin",
        "watsonx_cpd_password": "cpd-pass-LIST-0006",
        "watsonx_cpd_url": "https://cpd.example",
    },
    "azure-openai/gpt-4o": {
        "azure_entra_client_secret": "entra-LIST-0007",
        "azure_ad_token": "adtoken-LIST-0008",
        "ad_auth": "adauth-LIST-0009",
    },
}
LEAKS = re.compile(r"LIST-\d{4}")


def test_list_never_prints_a_secret_the_server_echoes(
    emulator: EmulatorThread, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator.control.settings(secrets="echo")
    with httpx.Client(
        timeout=30, base_url=emulator.url, headers={"Authorization": f"Bearer {EMULATOR_TOKEN}"}
    ) as http:
        for name, config in CREDENTIALS.items():
            provider = name.split("/", 1)[0]
            response = http.post(
                "/v1/models", json={"name": name, "provider_config": {"provider": provider, **config}}
            )
            assert response.status_code == 201, response.text
        echoed = http.get("/v1/models").text
    assert len(set(LEAKS.findall(echoed))) == 9  # the server does echo every one of them

    code, out, err = run(capsys, "list", *connect(emulator), "--json")
    assert code == 0 and LEAKS.search(out + err) is None, LEAKS.findall(out + err)
    configs = {
        m["name"].removeprefix("virtual-model/"): m["provider_config"] for m in json.loads(out)["models"]
    }
    for name, config in CREDENTIALS.items():
        assert configs[name] == {
            key: ("<secret>" if key in SECRET_FIELDS else value) for key, value in config.items()
        }, name

    code, out, err = run(capsys, "list", *connect(emulator))  # the table: with rich here
    assert code == 0 and LEAKS.search(out + err) is None
    assert "Models (5)" in out


def test_export_of_hostile_names_over_a_socket_is_inert_unique_and_runs(
    emulator: EmulatorThread, capsys: pytest.CaptureFixture[str], tmp_path: Path, mocks: Recorder
) -> None:
    """Names a server may hold (the emulator replays them as given): two that map to one file and
    one resource name, and one with a line break, a workflow command and an ESC sequence."""
    hostile = "virtual-model/openai/x\n::error title=pwned::owned\x1b[31m"
    renamed = ["virtual-model/openai/clash'x", "virtual-model/openai/clash x", hostile]
    with httpx.Client(
        timeout=30, base_url=emulator.url, headers={"Authorization": f"Bearer {EMULATOR_TOKEN}"}
    ) as http:
        for i in range(len(renamed)):
            assert (
                http.post("/v1/models", json={"name": f"openai/m{i}", "connection_id": "c"}).status_code
                == 201
            )
    state = emulator.control.state()
    for record, name in zip(state["models"], renamed, strict=True):
        record["name"] = name
    emulator.control.load_state(state)

    code, _, err = run(capsys, "export", *connect(emulator), "--format", "python", "--output", str(tmp_path))
    assert code == 0, err
    assert "warning: left out model 'virtual-model/openai/clash'x': it maps to the same file" in err
    assert "\x1b" not in err and re.search(r"^\s*::", err, re.MULTILINE) is None

    _run_exported(tmp_path / "__main__.py")
    names = {r.inputs["name"] for r in mocks.resources.values()}
    assert sorted(mocks.resources) == ["openai-clash-x", "openai-x-error-title-pwned-owned-31m"]
    assert names == {"virtual-model/openai/clash x", hostile}


def test_export_python_program_for_the_native_plugin(
    emulator: EmulatorThread, capsys: pytest.CaptureFixture[str], tmp_path: Path, mocks: Recorder
) -> None:
    adk_tenant(emulator)
    argv = ["export", *connect(emulator), "--format", "python", "--host", "native", "--output", str(tmp_path)]
    code, _, err = run(capsys, *argv)
    assert code == 0, err
    program = tmp_path / "__main__.py"
    assert "import pulumi_wxo.native as wxo" in program.read_text()
    _run_exported(program, KEYS)
    types = {name: args.typ for name, args in mocks.resources.items() if not args.typ.startswith("pulumi:")}
    assert types == {
        "anthropic-claude-3-7-sonnet-latest": "wxo:index:Model",
        "gpt-or-claude": "wxo:index:ModelPolicy",
        "openai-gpt-4o": "wxo:index:Model",
        "watsonx-ibm-granite-3-3-8b-instruct": "wxo:index:Model",
    }
    assert all(mocks.resources[name].inputs["adopt"] is True for name in types)


def test_list_shows_policy_targets_with_their_weights(
    emulator: EmulatorThread, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    adk_tenant(emulator)  # the models to route to
    split = hand_policy("virtual-policy/split", "loadbalance", {GPT: 0.7, CLAUDE: 0.3}, "split", "70/30")
    post_by_hand(emulator, "/model_policy", split)
    monkeypatch.setenv("WXO_URL", emulator.url)
    monkeypatch.setenv("WXO_TOKEN", EMULATOR_TOKEN)
    code, out, err = run(capsys, "list", "--name", "virtual-policy/*")
    assert code == 0, err
    assert f"{GPT} (0.7), {CLAUDE} (0.3)" in out
