"""specs.declaration: ``declare`` under ``pulumi.runtime.set_mocks`` (what the program registers)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest

from pulumi_wxo.specs import SpecError, declare
from tests.support.mocks import Recorder
from tests.unit.specs.support import EXAMPLES, write

pytestmark = pytest.mark.unit

SECRET_SIG = "4dabf18193072939515e22adb298388d"


class DependencyMonitor(pulumi.runtime.mocks.MockMonitor):  # type: ignore[misc]
    """Records each registration's dependencies (the mocks' args do not carry them)."""

    def __init__(self, mocks: Recorder) -> None:
        super().__init__(mocks)
        self.dependencies: dict[str, list[str]] = {}

    def RegisterResource(self, request: Any) -> Any:
        deps = set(request.dependencies)
        for prop in request.propertyDependencies.values():
            deps |= set(prop.urns)
        self.dependencies[request.name] = sorted(deps)
        return super().RegisterResource(request)


@pytest.fixture
def mocks() -> Iterator[tuple[Recorder, DependencyMonitor]]:
    rec = Recorder()
    monitor = DependencyMonitor(rec)
    pulumi.runtime.set_mocks(rec, project="proj", stack="dev", preview=False, monitor=monitor)
    yield rec, monitor
    pulumi.runtime.set_all_config({}, [])


def set_config(values: dict[str, Any], secret: tuple[str, ...] = ()) -> None:
    pulumi.runtime.set_all_config(
        {k: v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}, list(secret)
    )


SECRETS = {
    "proj:watsonxKey": "wx-1",
    "proj:openaiKey": "sk-1",
    "proj:azureKey": "az-1",
    "proj:anthropicKey": "ant-1",
}


def test_declare_names_secrets_and_policy_wiring(mocks: tuple[Recorder, DependencyMonitor]) -> None:
    rec, monitor = mocks
    rec.extra = {"connection_id": "cid-{name}"}
    set_config(SECRETS, secret=tuple(SECRETS))
    declared: dict[str, Any] = {}

    @pulumi.runtime.test
    def program() -> None:
        declared.update(declare(EXAMPLES))

    program()
    assert sorted(rec.resources) == [
        "anthropic-claude-3-7-sonnet-latest",
        "anthropic-credentials",
        "azure-openai-gpt-4o",
        "gpt-4o-resilient",
        "openai-gpt-4o",
        "openai-gpt-4o-mini",
        "watsonx-ibm-granite-3-3-8b-instruct",
    ]
    assert sorted(declared) == sorted(
        [
            "anthropic-credentials",
            "virtual-model/anthropic/claude-3-7-sonnet-latest",
            "virtual-model/azure-openai/gpt-4o",
            "virtual-policy/gpt-4o-resilient",
            "virtual-model/openai/gpt-4o",
            "virtual-model/openai/gpt-4o-mini",
            "virtual-model/watsonx/ibm/granite-3-3-8b-instruct",
        ]
    )
    assert isinstance(declared["virtual-policy/gpt-4o-resilient"], pulumi.CustomResource)
    gpt = rec.resources["openai-gpt-4o"]
    assert gpt.typ == "pulumi-python:dynamic/wxo:Model"
    pc = gpt.inputs["provider_config"]
    assert pc[SECRET_SIG] and pc["value"] == {"api_key": "sk-1"}  # a secret, from stack config
    assert gpt.inputs["config"] == {"max_tokens": 2048, "temperature": 0.3}
    assert gpt.inputs["adopt"] is False
    granite = rec.resources["watsonx-ibm-granite-3-3-8b-instruct"]
    assert granite.inputs["provider_config"]["value"] == {
        "api_key": "wx-1",
        "watsonx_space_id": "6c1f7b7e-space-team-ai",
        "custom_host": "https://us-south.ml.cloud.ibm.com",
    }
    assert granite.inputs["description"].startswith("IBM Granite 3.3 8B")

    policy = rec.resources["gpt-4o-resilient"]
    assert policy.typ == "pulumi-python:dynamic/wxo:ModelPolicy"
    assert policy.inputs["strategy"] == {"mode": "fallback", "on_status_codes": [429, 500, 502, 503, 504]}
    assert policy.inputs["targets"] == [
        {"model_name": "virtual-model/openai/gpt-4o"},
        {"model_name": "virtual-model/azure-openai/gpt-4o"},
    ]
    assert policy.inputs["retry"] == {"attempts": 2, "on_status_codes": [503]}
    # Wired to the Model resources: the engine orders creation by these dependencies.
    deps = monitor.dependencies["gpt-4o-resilient"]
    assert [d.rsplit("::", 1)[1] for d in deps] == ["azure-openai-gpt-4o", "openai-gpt-4o"]

    # The connection file: a Connection whose credentials are the stack's secret, and the
    # model's app_id resolved to that Connection's connection_id (a dependency of the model).
    conn = rec.resources["anthropic-credentials"]
    assert conn.typ == "pulumi-python:dynamic/wxo:Connection"
    assert conn.inputs["app_id"] == "anthropic-credentials"
    block = {"kind": "key_value", "type": "team", "credentials": {"api_key": "ant-1"}}
    assert conn.inputs["environments"][SECRET_SIG]
    assert conn.inputs["environments"]["value"] == {"draft": block, "live": block}
    claude = rec.resources["anthropic-claude-3-7-sonnet-latest"]
    assert claude.inputs["connection_id"] == "cid-anthropic-credentials"
    assert "app_id" not in claude.inputs
    deps = monitor.dependencies["anthropic-claude-3-7-sonnet-latest"]
    assert [d.rsplit("::", 1)[1] for d in deps] == ["anthropic-credentials"]


def test_declare_stack_overrides_adopt_and_given_secrets(
    mocks: tuple[Recorder, DependencyMonitor],
) -> None:
    rec, _ = mocks
    set_config(
        {
            "wxo-specs:overrides": {
                "virtual-model/openai/gpt-4o": {"config": {"max_tokens": 256}},
                "openai/gpt-4o-mini": {"provider_config": {"api_key": "${secret:otherKey}"}},
            },
            "wxo-specs:adopt": "true",
        }
    )

    @pulumi.runtime.test
    def program() -> None:
        declare(
            EXAMPLES,
            overrides={"virtual-model/openai/gpt-4o": {"config": {"max_tokens": 999, "temperature": 0.9}}},
            secrets={
                "watsonxKey": "w",
                "openaiKey": "o",
                "azureKey": "a",
                "otherKey": "x",
                "anthropicKey": "c",
            },
        )

    program()
    gpt = rec.resources["openai-gpt-4o"].inputs
    assert gpt["config"] == {"max_tokens": 256, "temperature": 0.9}  # stack config wins
    assert gpt["adopt"] is True
    assert rec.resources["openai-gpt-4o-mini"].inputs["provider_config"]["value"] == {"api_key": "x"}
    assert rec.resources["gpt-4o-resilient"].inputs["adopt"] is True


def test_declare_refuses_missing_secrets_and_bad_specs_before_registering(
    mocks: tuple[Recorder, DependencyMonitor], tmp_path: Path
) -> None:
    rec, _ = mocks
    set_config({"proj:openaiKey": "sk"}, secret=("proj:openaiKey",))
    with pytest.raises(SpecError) as info:
        declare(EXAMPLES)
    assert isinstance(info.value, pulumi.RunError)  # the engine prints it without a traceback
    text = str(info.value)
    where = f"{EXAMPLES}/watsonx-granite.yaml:15: provider_config.api_key"
    assert f"{where}: stack config 'proj:watsonxKey' is not set" in text
    assert "pulumi config set --secret azureKey <value>" in text
    assert "openaiKey" not in text

    write(tmp_path, "p.yaml", "spec_version: v1\nkind: policy\nname: p\nstrategy: fallback\ntargets:\n")
    write(tmp_path, "q.yaml", "spec_version: v1\nkind: policy\nname: q\nstrategy: fallback\n")
    with pytest.raises(SpecError) as info:
        declare(tmp_path)
    assert [(Path(p.file).name, p.line, p.field) for p in info.value.problems] == [
        ("p.yaml", 5, "targets"),
        ("q.yaml", 1, "targets"),
    ]
    assert rec.resources == {}


def test_declare_rejects_a_non_object_override(mocks: tuple[Recorder, DependencyMonitor]) -> None:
    set_config({"wxo-specs:overrides": "[1, 2]"})
    with pytest.raises(SpecError, match="wxo-specs:overrides: must be an object keyed by spec name"):
        declare(EXAMPLES)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ('{"openai/gpt-4o": ' + "[" * 3000 + "]" * 3000 + "}", "is nested more than 64 levels deep"),
        ('{"openai/gpt-4o": {"config": {"max_tokens": ' + "9" * 5000 + "}}}", "characters is too long"),
        ('{"openai/gpt-4o": {"provider_config": {"api_key": "sk-stack-secret-77"}', "invalid JSON: "),
    ],
)
def test_stack_overrides_are_parsed_within_the_limits_and_never_echoed(
    mocks: tuple[Recorder, DependencyMonitor], value: str, words: str
) -> None:
    # Pulumi.<stack>.yaml comes with the pull request too; Config.get_object would raise
    # RecursionError / ValueError inside, or put the whole value in its message.
    rec, _ = mocks
    set_config({"wxo-specs:overrides": value})
    with pytest.raises(SpecError) as info:
        declare(EXAMPLES)
    assert isinstance(info.value, pulumi.RunError)
    [problem] = info.value.problems
    assert (problem.file, problem.line) == ("wxo-specs:overrides", None)
    assert words in problem.message
    assert "sk-stack-secret-77" not in str(info.value) and len(str(info.value)) < 300
    assert rec.resources == {}


def test_declare_reads_a_certificate_under_base_dir(
    mocks: tuple[Recorder, DependencyMonitor], tmp_path: Path
) -> None:
    rec, _ = mocks
    pem = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n"
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "ca.pem").write_text(pem)
    spec = write(
        tmp_path / "models",
        "m.yaml",
        "spec_version: v1\nname: openai/m\nconnection_id: c\n"
        "provider_config:\n  server_cert_file: ../certs/ca.pem\n",
    )
    with pytest.raises(SpecError, match="leads outside the spec's folder"):
        declare(spec)

    @pulumi.runtime.test
    def program() -> None:
        declare(spec, base_dir=tmp_path)

    program()
    assert rec.resources["openai-m"].inputs["provider_config"] == {"server_cert": pem}


EXFIL = """\
spec_version: v1
name: openai/exfil
provider_config:
  api_key: ${secret:wxo:token}
  custom_host: https://collector.invalid/v1
"""


def test_declare_never_reads_the_providers_own_config(
    mocks: tuple[Recorder, DependencyMonitor], tmp_path: Path
) -> None:
    rec, _ = mocks
    set_config({"wxo:token": "pipeline-TOKEN-1", "team:openaiKey": "sk-team"}, secret=("wxo:token",))
    spec = write(tmp_path, "exfil.yaml", EXFIL)
    with pytest.raises(SpecError) as info:
        declare(tmp_path)
    assert isinstance(info.value, pulumi.RunError)
    [problem] = info.value.problems
    assert (problem.file, problem.line, problem.field) == (str(spec), 4, "provider_config.api_key")
    assert problem.message.startswith("'wxo' is the provider's own configuration")
    assert "pipeline-TOKEN-1" not in str(info.value) and rec.resources == {}

    # Another namespace: only when the stack lists it in wxo-specs:secretNamespaces.
    spec.write_text(EXFIL.replace("wxo:token", "team:openaiKey"))
    with pytest.raises(SpecError, match="reads the stack config namespace 'team'"):
        declare(tmp_path)
    set_config(
        {"team:openaiKey": "sk-team", "wxo-specs:secretNamespaces": ["team"]}, secret=("team:openaiKey",)
    )

    @pulumi.runtime.test
    def program() -> None:
        declare(tmp_path)

    program()
    assert rec.resources["openai-exfil"].inputs["provider_config"]["value"]["api_key"] == "sk-team"


def test_declare_refuses_unqualified_references_in_a_project_named_wxo(tmp_path: Path) -> None:
    # ${secret:NAME} reads the project's namespace, which is then the provider's own.
    pulumi.runtime.set_mocks(Recorder(), project="wxo", stack="dev", preview=False)
    try:
        set_config({"wxo:token": "pipeline-TOKEN-2"}, secret=("wxo:token",))
        write(tmp_path, "m.yaml", EXFIL.replace("wxo:token", "token"))
        with pytest.raises(SpecError) as info:
            declare(tmp_path)
        [problem] = info.value.problems
        assert (problem.line, problem.field) == (4, "provider_config.api_key")
        assert problem.message.startswith("the project is named 'wxo'")
        assert "pipeline-TOKEN-2" not in str(info.value)
    finally:
        pulumi.runtime.set_all_config({}, [])


def test_declare_targets_the_native_plugin_with_host_native(
    mocks: tuple[Recorder, DependencyMonitor],
) -> None:
    rec, monitor = mocks
    set_config(SECRETS, secret=tuple(SECRETS))
    declared: dict[str, Any] = {}

    @pulumi.runtime.test
    def program() -> None:
        declared.update(declare(EXAMPLES, host="native"))

    program()
    import pulumi_wxo.native as native

    assert {r.typ for r in rec.resources.values()} == {
        "wxo:index:Model",
        "wxo:index:ModelPolicy",
        "wxo:index:Connection",
    }
    assert isinstance(declared["anthropic-credentials"], native.Connection)
    assert isinstance(declared["virtual-model/openai/gpt-4o"], native.Model)
    assert isinstance(declared["virtual-policy/gpt-4o-resilient"], native.ModelPolicy)
    gpt = rec.resources["openai-gpt-4o"]
    assert gpt.inputs["provider_config"][SECRET_SIG] and gpt.inputs["provider_config"]["value"] == {
        "api_key": "sk-1"
    }
    # The policy is wired to the plugin's Model resources, as on the dynamic host.
    deps = monitor.dependencies["gpt-4o-resilient"]
    assert [d.rsplit("::", 1)[1] for d in deps] == ["azure-openai-gpt-4o", "openai-gpt-4o"]


def test_declare_refuses_an_unknown_host_before_reading_anything(
    mocks: tuple[Recorder, DependencyMonitor], tmp_path: Path
) -> None:
    rec, _ = mocks
    host: Any = "terraform"

    @pulumi.runtime.test
    def program() -> None:
        declare(tmp_path / "missing", host=host)

    with pytest.raises(
        ValueError, match=r"declare\(\): host must be one of 'dynamic', 'native', not 'terraform'"
    ):
        program()
    assert rec.resources == {}
