"""The Terraform host under stress, with the real ``tofu`` (v1.6.3, scripts/tofu.sh): one name is
one model, whatever a configuration declares; transient faults are retried without a duplicate;
a permanent failure is a diagnostic on its resource that holds no credential.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_wxo.emulator import EmulatorThread
from tests.support.emulator import EMULATOR_TOKEN
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
