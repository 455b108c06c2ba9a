"""The Terraform host end to end: the real ``tofu`` (v1.6.3, scripts/tofu.sh) against the emulator.

Each test writes a configuration, runs ``tofu`` commands with the plugin wired in through
``dev_overrides`` (tests/support/tofu.py) and checks the emulator's state. Without a ``tofu``
the tests fail; they never skip.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_wxo.emulator import EmulatorThread
from tests.support.emulator import EMULATOR_TOKEN, assert_empty, by_hand, post_by_hand
from tests.support.tofu import TofuDir, tofu_bin

GPT = "virtual-model/openai/gpt-4o"
MINI = "virtual-model/openai/gpt-4o-mini"
SECRET = "sk-e2e-secret-8f3a91c2"


@pytest.fixture(scope="module")
def tofu() -> Path:
    return tofu_bin()


@pytest.fixture
def work(tmp_path: Path, tofu: Path, emulator: EmulatorThread) -> Iterator[TofuDir]:
    env = {"WXO_URL": emulator.url, "WXO_TOKEN": EMULATOR_TOKEN, "TF_VAR_openai_key": SECRET}
    yield TofuDir(tmp_path, tofu, env)


def models(emulator: EmulatorThread) -> list[dict[str, object]]:
    return list(emulator.control.state()["models"])


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def model_tf(name: str = GPT, *, max_tokens: int = 100, extra: str = "") -> str:
    return f"""
provider "wxo" {{}}

variable "openai_key" {{
  type      = string
  sensitive = true
}}

resource "wxo_model" "gpt" {{
  name = "{name}"
  provider_config {{
    api_key = var.openai_key
  }}
  config {{
    max_tokens = {max_tokens}
  }}
{extra}
}}
"""


def test_apply_an_empty_plan_an_edit_and_destroy(work: TofuDir, emulator: EmulatorThread) -> None:
    work.write(model_tf())
    assert "Success!" in work.ok("validate")
    code, out = work.plan_exit()
    assert code == 2 and "wxo_model.gpt will be created" in out
    work.apply()
    [made] = models(emulator)
    assert made["name"] == GPT

    code, out = work.plan_exit()
    assert code == 0, out  # the second plan shows no changes

    work.write(model_tf(max_tokens=200))
    code, out = work.plan_exit()
    assert code == 2 and "updated in-place" in out and "100 -> 200" in out
    work.apply()
    [edited] = models(emulator)
    assert edited["id"] == made["id"] and edited["config"]["max_tokens"] == 200  # type: ignore[index]
    assert work.plan_exit()[0] == 0

    work.ok("destroy", "-auto-approve", "-input=false")
    assert_empty(emulator)


def test_init_from_the_mirror_writes_a_lock_file(work: TofuDir, emulator: EmulatorThread) -> None:
    work.use_mirror()
    work.write(model_tf())
    out = work.ok("init", "-input=false")
    assert "Installing pulumi-wxo/wxo" in out
    lock = (work.dir / ".terraform.lock.hcl").read_text()
    assert 'provider "registry.opentofu.org/pulumi-wxo/wxo"' in lock and "h1:" in lock
    work.apply()
    assert [m["name"] for m in models(emulator)] == [GPT]
    code, out = work.plan_exit()
    assert code == 0, out


def test_a_rename_replaces_creating_first(work: TofuDir, emulator: EmulatorThread) -> None:
    first = "  lifecycle { create_before_destroy = true }"
    work.write(model_tf(extra=first))
    work.apply()
    work.write(model_tf(MINI, extra=first))
    code, out = work.plan_exit()
    assert code == 2 and "must be replaced" in out and "forces replacement" in out
    out = work.apply()
    assert out.index("wxo_model.gpt: Creating...") < out.index("wxo_model.gpt (deposed object")
    assert [m["name"] for m in models(emulator)] == [MINI]


def test_a_change_out_of_band_is_found_and_restored(work: TofuDir, emulator: EmulatorThread) -> None:
    work.write(model_tf())
    work.apply()
    [made] = models(emulator)
    # A person edits the description and keeps the rest (the owner tag among the tags).
    body = {k: made[k] for k in ("name", "tags", "config", "provider_config")}
    with by_hand(emulator) as raw:
        raw.put(f"/models/{made['id']}", json={**body, "description": "edited by hand"}).raise_for_status()
    code, out = work.plan_exit("-refresh-only")
    assert code == 2 and "edited by hand" in out
    work.apply()
    [restored] = models(emulator)
    assert restored["description"] == GPT and work.plan_exit()[0] == 0


def test_a_model_deleted_out_of_band_is_created_again(work: TofuDir, emulator: EmulatorThread) -> None:
    work.write(model_tf())
    work.apply()
    [made] = models(emulator)
    with by_hand(emulator) as raw:
        raw.delete(f"/models/{made['id']}").raise_for_status()
    code, out = work.plan_exit()
    assert code == 2 and "will be created" in out
    work.apply()
    assert [m["name"] for m in models(emulator)] == [GPT]


def test_import_then_a_plan_without_changes(work: TofuDir, emulator: EmulatorThread) -> None:
    post_by_hand(emulator, "/models", {"name": GPT, "connection_id": "my-connection"})
    [made] = models(emulator)
    work.write(f"""
provider "wxo" {{}}

resource "wxo_model" "gpt" {{
  name          = "{GPT}"
  connection_id = "my-connection"
}}
""")
    work.ok("import", "-input=false", "wxo_model.gpt", str(made["id"]))
    code, out = work.plan_exit()
    assert code == 0, out
    assert len(models(emulator)) == 1


def test_after_an_import_only_the_secret_the_server_never_answers_is_planned(
    work: TofuDir, emulator: EmulatorThread
) -> None:
    body = {"name": GPT, "provider_config": {"api_key": SECRET}, "config": {"max_tokens": 100}}
    post_by_hand(emulator, "/models", body)
    [made] = models(emulator)
    work.write(model_tf())
    work.ok("import", "-input=false", "wxo_model.gpt", str(made["id"]))
    code, out = work.plan_exit()
    assert code == 2 and "1 to change" in out, out
    changes = out[out.index("~ resource") : out.index("Plan:")]
    # The one change: the key the server never answers. Everything else read back matches.
    assert "+ api_key" in changes and "(sensitive value)" in changes and "max_tokens" not in changes
    work.apply()
    code, out = work.plan_exit()
    assert code == 0, out
    assert len(models(emulator)) == 1


def test_a_policy_over_two_models(work: TofuDir, emulator: EmulatorThread) -> None:
    work.write(f"""
provider "wxo" {{}}

resource "wxo_model" "a" {{
  name = "{GPT}"
  provider_config {{
    api_key = "sk-tofu-policy-a"
  }}
}}

resource "wxo_model" "b" {{
  name = "{MINI}"
  provider_config {{
    api_key = "sk-tofu-policy-b"
  }}
}}

resource "wxo_model_policy" "route" {{
  name     = "route"
  strategy {{
    mode = "loadbalance"
  }}
  targets = [
    {{ model_name = wxo_model.a.name, weight = 0.5 }},
    {{ model_name = wxo_model.b.name, weight = 0.5 }},
  ]
}}
""")
    work.apply()
    [policy] = emulator.control.state()["policies"]
    assert policy["name"] == "virtual-policy/route"
    code, out = work.plan_exit()
    assert code == 0, out
    work.ok("destroy", "-auto-approve", "-input=false")
    assert_empty(emulator)


def connection_tf(app_id: str) -> str:
    return f"""
provider "wxo" {{}}

variable "openai_key" {{
  type      = string
  sensitive = true
}}

resource "wxo_connection" "creds" {{
  app_id      = "{app_id}"
  kind        = "key_value"
  credentials = {{ api_key = var.openai_key }}
}}

resource "wxo_model" "gpt" {{
  name          = "{GPT}"
  connection_id = wxo_connection.creds.connection_id
}}
"""


def test_a_connection_and_a_model_that_uses_it(work: TofuDir, emulator: EmulatorThread) -> None:
    work.write(connection_tf("openai-creds"))
    out = work.apply()
    assert SECRET not in out
    [made] = emulator.control.state()["connections"]
    [model] = models(emulator)
    assert model["connection_id"] == made["id"] or model["connection_id"] == "openai-creds"
    code, out = work.plan_exit()
    assert code == 0, out

    rotated = {"TF_VAR_openai_key": "sk-e2e-rotated-55aa"}
    proc = work.run("plan", "-detailed-exitcode", "-input=false", env=rotated)
    assert proc.returncode == 2 and "update in-place" in proc.stdout and "sk-e2e" not in proc.stdout

    work.write(connection_tf("openai-creds-2"))
    code, out = work.plan_exit()
    assert code == 2 and "must be replaced" in out
    work.ok("destroy", "-auto-approve", "-input=false")
    assert emulator.control.state()["connections"] == [] and models(emulator) == []


def test_a_typo_in_provider_config_fails_validate(work: TofuDir) -> None:
    work.write(model_tf().replace("api_key = var.openai_key", "api_kye = var.openai_key"))
    proc = work.run("validate")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1
    assert 'An argument named "api_kye" is not expected here' in out and "main.tf line" in out


def test_a_killed_apply_then_a_new_one_makes_no_duplicate(work: TofuDir, emulator: EmulatorThread) -> None:
    names = [f"virtual-model/openai/killed-{i:02d}" for i in range(12)]
    work.write("""
provider "wxo" {}

resource "wxo_model" "m" {
  count         = 12
  name  = format("virtual-model/openai/killed-%02d", count.index)
  provider_config {
    api_key = "sk-tofu-killed"
  }
}
""")
    emulator.control.add_fault(method="POST", path="/models$", delay=0.4)
    proc = work.start("apply", "-auto-approve", "-input=false", "-parallelism=2")
    deadline = time.monotonic() + 120
    while len(models(emulator)) < 4:
        assert proc.poll() is None, "tofu apply ended before it could be killed"
        assert time.monotonic() < deadline, "no model was created within 120 s"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)  # tofu alone, mid-create: the plugin stops by itself
    proc.wait(timeout=60)
    try:
        deadline = time.monotonic() + 30
        while group_alive(proc.pid):
            assert time.monotonic() < deadline, "the plugin outlived the killed tofu by 30 s"
            time.sleep(0.1)
    finally:
        if group_alive(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
    emulator.control.clear_faults()
    time.sleep(0.5)  # a POST in flight when the group died may still be answered
    made = len(models(emulator))
    assert 4 <= made < 12

    work.apply()
    found = sorted(str(m["name"]) for m in models(emulator))
    assert found == names  # each name once: what the killed run made was taken back
    code, out = work.plan_exit()
    assert code == 0, out


def test_no_secret_in_a_trace_log(work: TofuDir, emulator: EmulatorThread) -> None:
    work.write(model_tf())
    trace = {"TF_LOG": "trace"}
    out = work.ok("apply", "-auto-approve", "-input=false", env=trace)
    out += work.ok("plan", "-input=false", env=trace)
    assert "GetProviderSchema" in out or "PlanResourceChange" in out  # the trace was on
    assert SECRET not in out and EMULATOR_TOKEN not in out
    assert len(models(emulator)) == 1
    # In the state, the secret sits at its sensitive path only (OpenTofu keeps sensitive values
    # in plain text there, marked).
    state = json.loads((work.dir / "terraform.tfstate").read_text())
    [instance] = state["resources"][0]["instances"]
    assert instance["attributes"]["provider_config"]["api_key"] == SECRET
    text = json.dumps({k: v for k, v in instance["attributes"].items() if k != "provider_config"})
    assert SECRET not in text
    paths = [[step["value"] for step in path] for path in instance["sensitive_attributes"]]
    assert ["provider_config", "api_key"] in paths
