"""Secrets through the real engine: never in plaintext in state, engine output, diffs or logs.

Two API keys are known to the test: one passed to ``provider_config`` as a plain string (the
Model resource forces credential fields secret) and one from a stack secret (``pulumi config
set --secret``, what ``set_config(..., secret=True)`` runs). Every operation runs with the
provider's own debug log on (``WXO_LOG_LEVEL=DEBUG``: the plugin's stderr, which the engine
shows as diagnostics) and the engine's verbose log (``debug``, ``log_verbosity=9``,
``log_to_std_err``: level 5 and up carry the plugin's stderr as ``eventSink::Infoerr``).

Findings pinned here (docs/dev/lifecycle.md, "Secrets"):
* At rest (the file backend, ``pulumi stack export`` without ``--show-secrets``) every key is
  ciphertext. The Automation API's ``Stack.export_stack()`` passes ``--show-secrets``: it
  returns the keys decrypted, inside secret envelopes (``{<sig>: ..., "plaintext": ...}``).
* Secretness is per value: a ``provider_config`` dict keeps only its credential fields secret
  (``watsonx_space_id`` stays readable in state and diffs). A ``provider_config`` that is an
  Output is secret as a whole.
* ``__provider`` is a secret holding a by-reference pickle (``pulumi_wxo._provider.ModelProvider``,
  under 200 bytes) with no key in it.
* The default provider ``pulumi:providers:pulumi-python`` stores the whole stack config as its
  inputs, stack secrets as secrets.
"""

from __future__ import annotations

import base64
import json
import pickletools
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

import pulumi_wxo as wxo
import pulumi_wxo.native as native
from tests.support.emulator import EMULATOR_TOKEN as API_TOKEN  # wxo:token, a stack secret too
from tests.support.emulator import by_hand
from tests.support.engine import PROJECT, Engine

PLAIN_KEY = "sk-plain-KNOWN-0451-e2e"  # a plain string in the program
STACK_KEY = "wx-stack-KNOWN-9926-e2e"  # a stack secret
OUTPUT_KEY = "az-output-KNOWN-6203-e2e"  # inside a provider_config that is an Output
ROTATED_PLAIN_KEY = "sk-rotated-KNOWN-3317-e2e"
ROTATED_STACK_KEY = "wx-rotated-KNOWN-8840-e2e"

ALL_KEYS = (PLAIN_KEY, STACK_KEY, OUTPUT_KEY, ROTATED_PLAIN_KEY, ROTATED_STACK_KEY)

SIG = "4dabf18193072939515e22adb298388d"  # pulumi's secret signature key (rpc._special_sig_key)
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
VERBOSE: dict[str, Any] = {"debug": True, "log_verbosity": 9, "log_to_std_err": True}
LOGGING = {"WXO_LOG_LEVEL": "DEBUG"}
STACK_SECRET = {f"{PROJECT}:watsonxKey": auto.ConfigValue(STACK_KEY, secret=True)}


def program(plain_key: str = PLAIN_KEY) -> Callable[[], None]:
    def run() -> None:
        cfg = pulumi.Config()
        wxo.Model(
            "gpt",
            name="openai/gpt-4o",
            provider_config={"api_key": plain_key},
            config={"max_tokens": 512},
        )
        wxo.Model(
            "granite",
            name="watsonx/ibm/granite-3-3-8b-instruct",
            provider_config={"api_key": cfg.require_secret("watsonxKey"), "watsonx_space_id": "space-e2e"},
        )
        wxo.Model(
            "azure",
            name="azure-openai/gpt-4o-mini",
            provider_config=pulumi.Output.from_input(
                {
                    "api_key": OUTPUT_KEY,
                    "azure_resource_name": "res-e2e",
                    "azure_deployment_id": "gpt-4o-mini",
                    "azure_api_version": "2024-06-01",
                }
            ),
        )

    return run


# --------------------------------------------------------------------------- helpers


def is_envelope(node: Any) -> bool:
    return isinstance(node, dict) and node.get(SIG) == SECRET_SIG


def strings_outside_secrets(node: Any) -> Iterator[str]:
    """Every string (keys and values) of a JSON document that is not inside a secret envelope."""
    if is_envelope(node):
        return
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from strings_outside_secrets(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings_outside_secrets(item)
    elif isinstance(node, str):
        yield node


def resources(deployment: Mapping[str, Any] | None, type_: str) -> dict[str, dict[str, Any]]:
    """Resources of ``type_`` by name (the last URN segment)."""
    items = (deployment or {}).get("resources") or []
    return {r["urn"].rsplit("::", 1)[1]: r for r in items if r["type"] == type_}


def assert_clean(where: str, *texts: str, keys: tuple[str, ...] = ALL_KEYS) -> None:
    for key in keys:
        for text in texts:
            assert key not in text, f"{where}: {key} in plaintext"


def assert_result_clean(where: str, result: Any) -> None:
    assert_clean(where, result.stdout, result.stderr)


def export_at_rest(eng: Engine) -> dict[str, Any]:
    """``pulumi stack export`` without ``--show-secrets`` (what a user shares or archives)."""
    ws = eng.stack.workspace
    assert isinstance(ws, auto.LocalWorkspace)
    out = ws.pulumi_command.run(["stack", "export", "--stack", eng.stack.name], ws.work_dir, ws.env_vars)
    exported: dict[str, Any] = json.loads(out.stdout)["deployment"]
    assert_clean("pulumi stack export", out.stdout)
    return exported


def backend_files(eng: Engine) -> list[Path]:
    ws = eng.stack.workspace
    assert isinstance(ws, auto.LocalWorkspace)
    root = Path(ws.env_vars["PULUMI_BACKEND_URL"].removeprefix("file://"))
    return [p for p in root.rglob("*") if p.is_file()]


def pickle_strings(blob: bytes) -> list[str]:
    return [str(arg) for _op, arg, _pos in pickletools.genops(blob) if isinstance(arg, str)]


# --------------------------------------------------------------------------- tests


def test_keys_never_in_plaintext_in_state_output_diffs_or_logs(engine_factory: Callable[..., Engine]) -> None:
    eng = engine_factory(program(), config=STACK_SECRET, env=LOGGING)

    up = eng.up(**VERBOSE)
    assert up.summary.resource_changes == {"create": 4}
    stored = {m["name"]: m["provider_config"] for m in eng.models()}
    # The keys did reach the server: the checks below are not vacuous.
    assert stored["virtual-model/openai/gpt-4o"]["api_key"] == PLAIN_KEY
    assert stored["virtual-model/watsonx/ibm/granite-3-3-8b-instruct"]["api_key"] == STACK_KEY
    assert stored["virtual-model/azure-openai/gpt-4o-mini"]["api_key"] == OUTPUT_KEY
    assert_result_clean("up", up)
    # Both log channels carry the provider's own debug lines, and the engine's verbose log
    # shows resource inputs, with the credentials as [secret]:
    assert "pulumi_wxo DEBUG POST /v1/models -> 201" in up.stdout
    assert "eventSink::Infoerr" in up.stderr and "pulumi_wxo DEBUG" in up.stderr
    assert "provider_config:{map[api_key:{[secret]}]}" in up.stderr

    # ---- the stack config file holds the stack secret encrypted
    ws = eng.stack.workspace
    assert isinstance(ws, auto.LocalWorkspace)
    config_text = Path(ws.work_dir, f"Pulumi.{eng.stack.name}.yaml").read_text()
    assert f"{PROJECT}:watsonxKey:\n    secure: v1:" in config_text
    assert_clean("stack config file", config_text)

    # ---- state at rest: ciphertext only, in the checkpoint, its backups and history
    files = backend_files(eng)
    assert any(p.name == f"{eng.stack.name}.json" for p in files)
    for path in files:
        assert_clean(str(path), path.read_text(errors="replace"), keys=(*ALL_KEYS, API_TOKEN))
    at_rest = export_at_rest(eng)
    assert_clean("pulumi stack export", json.dumps(at_rest), keys=(API_TOKEN,))
    models = resources(at_rest, "pulumi-python:dynamic/wxo:Model")
    assert sorted(models) == ["azure", "gpt", "granite"]
    for name, res in models.items():
        for part in ("inputs", "outputs"):
            props = res[part]
            assert is_envelope(props["__provider"]) and "ciphertext" in props["__provider"], (name, part)
            pc = props["provider_config"]
            if name == "azure":  # an Output: secret as a whole
                assert is_envelope(pc) and "ciphertext" in pc, (name, part, pc)
            else:  # a dict: only the credential is secret
                assert is_envelope(pc["api_key"]) and "ciphertext" in pc["api_key"], (name, part, pc)
        assert res["outputs"]["model_id"] and not is_envelope(res["outputs"]["model_id"])
    assert models["granite"]["outputs"]["provider_config"]["watsonx_space_id"] == "space-e2e"
    [default] = resources(at_rest, "pulumi:providers:pulumi-python").values()
    assert is_envelope(default["inputs"][f"{PROJECT}:watsonxKey"])
    assert is_envelope(default["inputs"]["wxo:token"])
    assert default["inputs"]["wxo:url"] == eng.emulator.url

    # ---- Automation API export_stack() passes --show-secrets: decrypted, inside envelopes only
    shown = eng.stack.export_stack().deployment
    outside = list(strings_outside_secrets(shown))
    assert_clean("export_stack outside secrets", *outside, keys=(*ALL_KEYS, API_TOKEN))
    plaintexts = json.dumps(shown)
    assert PLAIN_KEY in plaintexts and STACK_KEY in plaintexts and OUTPUT_KEY in plaintexts
    for name, res in resources(shown, "pulumi-python:dynamic/wxo:Model").items():
        blob = base64.b64decode(json.loads(res["inputs"]["__provider"]["plaintext"]))
        strings = pickle_strings(blob)
        assert "pulumi_wxo._provider" in strings and "ModelProvider" in strings, (name, strings)
        assert len(blob) < 200, f"{name}: __provider is {len(blob)} bytes: pickled by value?"
        for key in (*ALL_KEYS, API_TOKEN):
            assert key.encode() not in blob, name

    # ---- a diff of provider_config: both keys rotated (program and stack secret)
    eng.stack.set_config(f"{PROJECT}:watsonxKey", auto.ConfigValue(ROTATED_STACK_KEY, secret=True))
    prev = eng.preview(program(ROTATED_PLAIN_KEY), diff=True, **VERBOSE)
    assert {k: v for k, v in prev.change_summary.items() if k != "same"} == {"update": 2}, prev.stdout
    assert_result_clean("preview --diff", prev)
    # The diff shows the rotated credentials as [secret] and the rest of provider_config as is.
    assert len(re.findall(r"api_key\s*: \[secret\]", prev.stdout)) == 2, prev.stdout
    assert re.search(r'watsonx_space_id\s*: "space-e2e"', prev.stdout), prev.stdout

    up = eng.up(program(ROTATED_PLAIN_KEY), diff=True, **VERBOSE)
    assert {k: v for k, v in (up.summary.resource_changes or {}).items() if k != "same"} == {"update": 2}
    assert_result_clean("up --diff (rotated)", up)
    stored = {m["name"]: m["provider_config"]["api_key"] for m in eng.models()}
    assert stored["virtual-model/openai/gpt-4o"] == ROTATED_PLAIN_KEY
    assert stored["virtual-model/watsonx/ibm/granite-3-3-8b-instruct"] == ROTATED_STACK_KEY
    for path in backend_files(eng):
        assert_clean(str(path), path.read_text(errors="replace"))

    ref = eng.refresh(**VERBOSE)
    assert {k: v for k, v in (ref.summary.resource_changes or {}).items() if k != "same"} == {}
    assert_result_clean("refresh", ref)
    # Read returns the refreshed inputs too: they must stay secret at rest.
    for path in backend_files(eng):
        assert_clean(str(path), path.read_text(errors="replace"))

    down = eng.destroy(**VERBOSE)
    assert down.summary.resource_changes == {"delete": 4}
    assert_result_clean("destroy", down)
    assert eng.models() == []
    # Everything the engine printed through on_output, too.
    assert_clean("engine output", eng.text())


def test_a_key_echoed_by_the_server_in_an_error_is_redacted(engine_factory: Callable[..., Engine]) -> None:
    def one_model() -> None:
        wxo.Model("gpt", name="openai/gpt-4o", provider_config={"api_key": PLAIN_KEY})

    eng = engine_factory(one_model, env=LOGGING)
    eng.emulator.control.add_fault(
        method="POST", path="/models$", status=400, detail=f"upstream rejected api_key {PLAIN_KEY}"
    )
    with pytest.raises(auto.CommandError) as info:
        eng.up()
    msg = str(info.value)
    assert "create model 'virtual-model/openai/gpt-4o'" in msg, msg
    assert "HTTP 400" in msg and "upstream rejected api_key ***" in msg, msg
    assert_clean("failed up", msg, eng.text())
    assert not [m for m in eng.models() if m["name"] == "virtual-model/openai/gpt-4o"]


def _one_model(host: str, key: str) -> Callable[[], None]:
    def run() -> None:
        make = native.Model if host == "native" else wxo.Model
        make("gpt", name="openai/rotate", provider_config={"api_key": key})

    return run


def test_the_previous_key_echoed_by_a_refused_rotation_is_redacted(
    engine_factory: Callable[..., Engine], host: str
) -> None:
    eng = engine_factory(_one_model(host, PLAIN_KEY), env=LOGGING)
    eng.up()
    eng.emulator.control.add_fault(
        method="PUT", path="/models/", status=400, detail=f"the stored key {PLAIN_KEY} is still active"
    )
    with pytest.raises(auto.CommandError) as info:
        eng.up(_one_model(host, ROTATED_PLAIN_KEY), **VERBOSE)  # -v=9: the engine's log on stderr too
    msg = str(info.value)
    assert "HTTP 400" in msg and "the stored key *** is still active" in msg, msg
    assert_clean("refused rotation", msg, eng.text())
    [model] = eng.models()
    assert model["provider_config"]["api_key"] == PLAIN_KEY  # the PUT was refused: not vacuous


SECRET_NAME = "openai/hidden-KNOWN-5150"  # a model name the program gives as a secret
HIDDEN = "hidden-KNOWN-5150"


def test_a_secret_name_stays_secret_in_errors_and_state(
    engine_factory: Callable[..., Engine], host: str
) -> None:
    def program() -> None:
        make = native.Model if host == "native" else wxo.Model
        make("hidden", name=pulumi.Output.secret(SECRET_NAME), provider_config={"api_key": PLAIN_KEY})

    eng = engine_factory(program, env=LOGGING)
    # A person's model of that name: the create is refused, naming "a secret name".
    with by_hand(eng.emulator) as raw:
        raw.post(
            "/models", json={"name": f"virtual-model/{SECRET_NAME}", "provider_config": {}}
        ).raise_for_status()
        with pytest.raises(auto.CommandError) as info:
            eng.up(**VERBOSE)
        msg = str(info.value)
        assert "a model named a secret name already exists" in msg, msg
        assert HIDDEN not in msg and HIDDEN not in eng.text()
        [person] = eng.models()
        raw.delete(f"/models/{person['id']}").raise_for_status()

    eng.up(**VERBOSE)
    assert [m["name"] for m in eng.models()] == [f"virtual-model/{SECRET_NAME}"]  # not vacuous
    at_rest = json.dumps(export_at_rest(eng))
    assert HIDDEN not in at_rest  # the name and its copies (description, display_name) are ciphertext
    down = eng.destroy(**VERBOSE)
    assert eng.models() == []
    assert HIDDEN not in eng.text() and HIDDEN not in down.stderr
