"""The Terraform host under stress, with the real ``tofu`` (v1.6.3, scripts/tofu.sh): one name is
one model, whatever a configuration declares; transient faults are retried without a duplicate;
a permanent failure is a diagnostic on its resource that holds no credential; a model renamed
under a policy of the same configuration never leaves the policy routing to a deleted model.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_wxo.emulator import EmulatorThread
from tests.support.emulator import EMULATOR_API_KEY, EMULATOR_TOKEN
from tests.support.tofu import TofuDir, tofu_bin

GPT = "virtual-model/openai/gpt-4o"
SECRET = "sk-guard-e2e-77c1d0"


@pytest.fixture(scope="module")
def tofu() -> Path:
    return tofu_bin()


@pytest.fixture
def work(tmp_path: Path, tofu: Path, emulator: EmulatorThread) -> Iterator[TofuDir]:
    yield TofuDir(
        tmp_path, tofu, {"WXO_URL": emulator.url, "WXO_TOKEN": EMULATOR_TOKEN, "TF_VAR_key": SECRET}
    )


def names(emulator: EmulatorThread) -> list[str]:
    return sorted(str(m["name"]) for m in emulator.control.state()["models"])


PROVIDER = """
provider "wxo" {}

variable "key" {
  type      = string
  sensitive = true
}
"""


def model(label: str, name: str, extra: str = "") -> str:
    return f"""
resource "wxo_model" "{label}" {{
  name = "{name}"
  provider_config {{
    api_key = var.key
  }}
{extra}}}
"""


def two_of(first: str, second: str) -> str:
    return PROVIDER + model("a", first) + model("b", second)


@pytest.mark.parametrize("second", [GPT, "openai/gpt-4o"])
def test_two_resources_of_one_name_are_refused_before_any_create(
    work: TofuDir, emulator: EmulatorThread, second: str
) -> None:
    work.write(two_of(GPT, second))
    for command in (["plan", "-input=false"], ["apply", "-auto-approve", "-input=false"]):
        proc = work.run(*command)
        out = " ".join((proc.stdout + proc.stderr).split())  # OpenTofu wraps a detail's lines
        assert proc.returncode == 1, out
        assert f'two wxo_model resources plan the name "{GPT}"' in out, out
        assert "with wxo_model.a" in out or "with wxo_model.b" in out, out  # OpenTofu's address
        # Both spellings are named; which resource OpenTofu plans first is its choice.
        spellings = [(f'it writes "{x}"', f'one writes "{y}"') for x, y in ((GPT, second), (second, GPT))]
        assert any(a in out and b in out for a, b in spellings), out
        assert "remove one" in out and SECRET not in out, out
        assert names(emulator) == []  # refused at plan: nothing was sent


def test_a_second_resource_of_a_name_in_the_state_is_refused(work: TofuDir, emulator: EmulatorThread) -> None:
    work.write(PROVIDER + model("a", GPT))
    work.apply()
    [made] = emulator.control.state()["models"]
    work.write(two_of(GPT, "openai/gpt-4o"))
    proc = work.run("apply", "-auto-approve", "-input=false")
    out = " ".join((proc.stdout + proc.stderr).split())
    assert proc.returncode == 1 and ("with wxo_model.b" in out or "with wxo_model.a" in out), out
    assert f"(id {made['id']}, in the state)" in out and "tofu state rm" in out, out
    assert names(emulator) == [GPT]
    work.write(PROVIDER + model("a", GPT))
    assert work.plan_exit()[0] == 0


FOUR = [f"virtual-model/openai/flaky-{i}" for i in range(4)]
TOKEN_PATH = "/identity/token"
MODELS_PATH = "/v1/models"


def use_iam(work: TofuDir, emulator: EmulatorThread, retries: int) -> None:
    """The IBM Cloud IAM flow against the emulator: an API key the plugin trades for tokens."""
    del work.env["WXO_TOKEN"]
    work.env |= {
        "WXO_AUTH_TYPE": "ibm_iam",
        "WXO_IAM_URL": emulator.url,
        "WXO_API_KEY": EMULATOR_API_KEY,
        "WXO_MAX_RETRIES": str(retries),
    }


def four() -> str:
    return PROVIDER + "".join(model(f"m{i}", name) for i, name in enumerate(FOUR))


def test_transient_faults_are_retried_without_a_duplicate(work: TofuDir, emulator: EmulatorThread) -> None:
    control = emulator.control
    assert control.settings()["duplicates"] == "accept"  # a blindly resent POST would show
    use_iam(work, emulator, retries=10)
    work.write(four())
    # First matching fault applies, in this order:
    control.add_fault(method="POST", path=TOKEN_PATH, status=503, count=1)
    # A POST that creates the model but answers 503: only a lookup by name can tell.
    control.add_fault(method="POST", path="/models$", status=503, delay_after=True, count=1)
    control.add_fault(method="POST", path="/models$", status=429, retry_after=1, count=1)
    control.add_fault(method="GET", path="/models$", status=429, retry_after=1, count=2)
    control.add_fault(method="GET", path="/models$", status=503, count=1)
    out = work.apply()
    assert "Apply complete! Resources: 4 added, 0 changed, 0 destroyed." in out, out
    assert names(emulator) == FOUR  # each name once

    log = control.requests()
    posts = [r["status"] for r in log if r["method"] == "POST" and r["path"] == MODELS_PATH]
    assert 503 in posts and 429 in posts and posts.count(201) == 3, posts  # one made by the 503
    assert [r["status"] for r in log if r["path"] == TOKEN_PATH][:2] == [503, 200]
    code, out = work.plan_exit()
    assert code == 0, out


def test_a_permanent_failure_names_the_resource_and_no_credential(
    work: TofuDir, emulator: EmulatorThread
) -> None:
    use_iam(work, emulator, retries=2)
    work.write(PROVIDER + model("broken", GPT))
    # The server keeps failing, and its answer echoes the API key.
    emulator.control.add_fault(
        method="POST", path="/models$", status=503, detail=f"upstream down (key {EMULATOR_API_KEY})"
    )
    proc = work.run("apply", "-auto-approve", "-input=false", env={"TF_LOG": "trace"})
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1
    assert "PlanResourceChange" in out  # the trace was on
    assert "with wxo_model.broken" in out and f"wxo_model '{GPT}'" in out, out[-3000:]
    assert EMULATOR_API_KEY not in out and SECRET not in out
    assert "eyJ" not in out  # no token (a JWT) either
    assert names(emulator) == []


MINI = "virtual-model/openai/gpt-4o-mini"


def routed(first: str, lifecycle: str) -> str:
    return (
        PROVIDER
        + model("a", first, lifecycle)
        + model("b", MINI)
        + """
resource "wxo_model_policy" "route" {
  name = "route"
  strategy {
    mode = "loadbalance"
  }
  targets = [
    { model_name = wxo_model.a.name, weight = 0.5 },
    { model_name = wxo_model.b.name, weight = 0.5 },
  ]
}
"""
    )


O3 = "virtual-model/openai/o3"


def policy_targets(emulator: EmulatorThread) -> list[str]:
    [policy] = emulator.control.state()["policies"]
    return [t["model_name"] for t in policy["policy"]["targets"]]


def test_a_rename_under_a_policy_creates_moves_then_deletes(work: TofuDir, emulator: EmulatorThread) -> None:
    first = "  lifecycle { create_before_destroy = true }\n"
    work.write(routed(GPT, first))
    work.apply()
    [old] = [m for m in emulator.control.state()["models"] if m["name"] == GPT]
    emulator.control.clear_requests()
    work.write(routed(O3, first))
    out = work.apply()
    assert "1 added, 1 changed, 1 destroyed" in out, out
    writes = [(r["method"], r["path"]) for r in emulator.control.requests() if r["method"] != "GET"]
    [policy] = emulator.control.state()["policies"]
    # The new model first, then the policy moved to it, and only then the old model deleted:
    # the policy never names a model that is gone.
    assert writes == [
        ("POST", MODELS_PATH),
        ("PUT", f"/v1/model_policy/{policy['id']}"),
        ("DELETE", f"{MODELS_PATH}/{old['id']}"),
    ], writes
    assert names(emulator) == [MINI, O3] and policy_targets(emulator) == [O3, MINI]
    assert work.plan_exit()[0] == 0


def test_a_rename_under_a_policy_without_create_before_destroy_changes_nothing(
    work: TofuDir, emulator: EmulatorThread
) -> None:
    work.write(routed(GPT, ""))
    work.apply()
    work.write(routed(O3, ""))
    proc = work.run("apply", "-auto-approve", "-input=false")
    out = " ".join((proc.stdout + proc.stderr).split())
    assert proc.returncode == 1, out
    # OpenTofu deletes first by default: the lifecycle refuses to delete a policy's target, and
    # the message says how to make the rename in OpenTofu.
    assert "still a target of policy virtual-policy/route" in out, out
    assert "lifecycle { create_before_destroy = true }" in out and "force_delete = true" in out, out
    assert names(emulator) == [GPT, MINI] and policy_targets(emulator) == [GPT, MINI]


def test_a_targeted_apply_of_a_second_resource_of_a_name_makes_no_duplicate(
    work: TofuDir, emulator: EmulatorThread
) -> None:
    work.write(PROVIDER + model("a", GPT))
    work.apply()
    [made] = emulator.control.state()["models"]
    work.write(two_of(GPT, "openai/gpt-4o"))
    # A plan of one target cannot see the other resource: b takes a's model, by its owner tag
    # (as after a killed run), and no second model is made.
    work.ok("apply", "-auto-approve", "-input=false", "-target=wxo_model.b")
    assert names(emulator) == [GPT]
    # The next full plan sees both states hold one id, and says so.
    code, out = work.plan_exit()
    out = " ".join(out.split())
    assert code == 1 and f'two wxo_model resources plan the name "{GPT}"' in out, out
    assert f"(id {made['id']}, in the state)" in out, out
