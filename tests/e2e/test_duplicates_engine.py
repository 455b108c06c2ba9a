"""Two resources of one program with the same model (or policy) name, through the real engine.

The dynamic provider's check sees one resource at a time, so the program refuses the second
claim of a name (pulumi_wxo.model.DeclaredNames): preview fails naming both resources and the
name, and nothing reaches the server. Inline programs run several times in this one process,
so the same names in consecutive runs must not collide.
"""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pytest
from pulumi import automation as auto

import pulumi_wxo as wxo
from tests.support.engine import Engine

KEY = "sk-e2e-duplicates-secret-4410"


def two_models() -> None:
    wxo.Model("gpt-a", name="openai/gpt-4o", provider_config={"api_key": KEY})
    wxo.Model("gpt-b", name="virtual-model/openai/gpt-4o", provider_config={"api_key": KEY})


def one_model_one_policy() -> None:
    gpt = wxo.Model("gpt", name="openai/gpt-4o", provider_config={"api_key": KEY})
    wxo.ModelPolicy("route", name="route", strategy="single", targets=[{"model": gpt}])


def test_two_models_of_one_name_fail_preview_naming_both(engine_factory: Callable[..., Engine]) -> None:
    eng = engine_factory(two_models)
    with pytest.raises(auto.CommandError) as err:
        eng.preview()
    text = f"{err.value}\n{eng.text()}"
    assert "Model 'gpt-b': 'virtual-model/openai/gpt-4o' is declared twice (also by Model 'gpt-a')" in text
    assert "Traceback" not in text  # a RunError: the engine shows the message alone
    assert KEY not in text
    assert eng.models() == []


def test_a_policy_name_from_an_output_is_checked_when_it_resolves(
    engine_factory: Callable[..., Engine],
) -> None:
    def program() -> None:
        gpt = wxo.Model("gpt", name="openai/gpt-4o", provider_config={"api_key": KEY})
        wxo.ModelPolicy("route-a", name="route", strategy="single", targets=[{"model": gpt}])
        wxo.ModelPolicy(
            "route-b",
            name=pulumi.Output.from_input("virtual-policy/route"),
            strategy="single",
            targets=[{"model": gpt}],
        )

    eng = engine_factory(program)
    with pytest.raises(auto.CommandError) as err:
        eng.preview()
    text = f"{err.value}\n{eng.text()}"
    assert (
        "ModelPolicy 'route-b': 'virtual-policy/route' is declared twice (also by ModelPolicy 'route-a')"
        in text
    )
    assert eng.models() == [] and eng.emulator.control.state()["policies"] == []


def test_runs_in_one_process_do_not_see_each_others_names(engine_factory: Callable[..., Engine]) -> None:
    eng = engine_factory(one_model_one_policy)
    other = engine_factory(one_model_one_policy, stack_name="other")
    # Deployments of the same names one after another in this process: no collision.
    assert eng.preview().change_summary == {"create": 3}
    assert other.preview().change_summary == {"create": 3}
    eng.up()
    assert eng.names() == ["virtual-model/openai/gpt-4o"]
    assert {k: v for k, v in eng.preview().change_summary.items() if k != "same"} == {}
