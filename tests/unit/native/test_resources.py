"""pulumi_wxo.native's resources under pulumi mocks: the same inputs as the dynamic ones, new tokens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pulumi
import pytest

import pulumi_wxo as wxo
import pulumi_wxo.native as native
from pulumi_wxo.lifecycle.ownership import owner_id
from pulumi_wxo.model import MODEL_OUTPUTS, ModelOutputs
from pulumi_wxo.model_policy import POLICY_OUTPUTS, PolicyOutputs
from tests.support.mocks import Recorder, mocked

SECRET_SIG = "4dabf18193072939515e22adb298388d"


@pytest.fixture
def mocks() -> Iterator[Recorder]:
    yield from mocked(preview=False)


def run(fn: Any) -> None:
    pulumi.runtime.test(fn)()


def _program(host: Any) -> Any:
    def program() -> None:
        gpt = host.Model(
            "gpt",
            wxo.ModelArgs(name="openai/gpt-4o", provider_config={"api_key": "plain-key", "custom_host": "h"}),
            tags=["a"],
        )
        host.ModelPolicy("route", name="route", strategy="single", targets=[{"model": gpt}])

    return program


def test_native_resources_register_the_same_inputs_as_the_dynamic_ones(mocks: Recorder) -> None:
    run(_program(wxo))
    dynamic = {name: dict(r.inputs) for name, r in mocks.resources.items()}
    mocks.resources.clear()
    run(_program(native))
    model, policy = mocks.resources["gpt"], mocks.resources["route"]
    assert (model.typ, policy.typ) == ("wxo:index:Model", "wxo:index:ModelPolicy")
    for name, res in (("gpt", model), ("route", policy)):
        ours, theirs = dict(res.inputs), dynamic[name]
        theirs.pop("__provider", None)
        if name == "gpt":
            # The owner names the type token: another resource than the dynamic one.
            assert ours.pop("owner") == owner_id(
                project=pulumi.get_project(),
                stack=pulumi.get_stack(),
                type_token="wxo:index:Model",
                resource_name="gpt",
            )
            theirs.pop("owner")
        assert ours == theirs, name
    assert SECRET_SIG in str(model.inputs["provider_config"])  # forced secret, as on the dynamic path
    assert policy.inputs["targets"] == [{"model_name": "openai/gpt-4o"}]  # the Model's name (echoed)


def test_outputs_are_the_dynamic_ones() -> None:
    assert issubclass(native.Model, ModelOutputs) and issubclass(wxo.Model, ModelOutputs)
    assert issubclass(native.ModelPolicy, PolicyOutputs) and issubclass(wxo.ModelPolicy, PolicyOutputs)
    assert set(ModelOutputs.__annotations__) == set(MODEL_OUTPUTS)
    assert set(PolicyOutputs.__annotations__) == set(POLICY_OUTPUTS)


def test_one_name_on_two_providers_is_no_duplicate_but_on_one_it_is(mocks: Recorder) -> None:
    def program() -> None:
        a = native.Provider("a", url="https://a.example", token="t")
        b = native.Provider("b", url="https://b.example", token="t")
        native.Model("on-a", name="openai/x", opts=pulumi.ResourceOptions(provider=a))
        native.Model("on-b", name="openai/x", opts=pulumi.ResourceOptions(provider=b))

    run(program)
    assert {"on-a", "on-b"} <= set(mocks.resources)

    def twice() -> None:
        native.Model("one", name="openai/y")
        native.Model("two", name="virtual-model/openai/y")

    with pytest.raises(wxo.DuplicateNameError, match="declared twice"):
        run(twice)


def test_providers_pass_the_settings_under_each_hosts_keys(mocks: Recorder) -> None:
    def program() -> None:
        native.Provider("n", url="https://n.example", api_key="k-1", max_retries=3, insecure=True)
        wxo.Provider("d", url="https://d.example", token="t-1", timeout=12.5, instance_aliases=["u1", "u2"])

    run(program)
    n, d = mocks.resources["n"], mocks.resources["d"]
    assert n.typ == "pulumi:providers:wxo" and d.typ == "pulumi:providers:pulumi-python"
    secret = {SECRET_SIG: "1b47061264138c4ac30d75fd1eb44270"}
    assert n.inputs == {
        "url": "https://n.example",
        "apiKey": {**secret, "value": "k-1"},
        "maxRetries": "3",
        "insecure": "true",
    }
    assert d.inputs == {
        "wxo:url": "https://d.example",
        "wxo:token": {**secret, "value": "t-1"},
        "wxo:timeout": "12.5",
        "wxo:instanceAliases": "u1,u2",
    }
