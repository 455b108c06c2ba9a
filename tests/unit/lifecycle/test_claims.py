"""Ownership between stacks and the stored inputs (lifecycle/claims.py), over a tenant in memory."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_wxo.api.errors import WxoError
from pulumi_wxo.lifecycle import ModelLifecycle, PolicyLifecycle
from pulumi_wxo.lifecycle.claims import TAKEOVER, stored_inputs
from pulumi_wxo.lifecycle.ownership import MAX_STACK_TAG, owner_of, stack_of, stack_tag
from pulumi_wxo.resources import MODEL
from tests.support.tenant import Tenant, tenant_runtime

MINE, THEIRS = "0123456789abcdef", "fedcba9876543210"
NAME = "virtual-model/openai/shared"
OTHER = "virtual-model/openai/other"


def server(name: str = NAME, *tags: str, id_: str = "m-1") -> dict[str, Any]:
    return {"id": id_, "name": name, "tags": list(tags), "provider_config": {}, "config": {}}


TEAM_A = (f"pulumi-wxo-owner:{THEIRS}:89abcdef", "pulumi-wxo-owner:stack:proj/team-a")


def news(adopt: Any = False, **more: Any) -> dict[str, Any]:
    return {
        "name": "openai/shared",
        "provider_config": {"api_key": "sk-unit"},
        "adopt": adopt,
        "force_delete": False,
        "owner": MINE,
        "owner_stack": "proj/team-b",
        **more,
    }


def check(tenant: Tenant, props: dict[str, Any]) -> tuple[list[str], list[str], dict[str, Any]]:
    outcome = ModelLifecycle(tenant_runtime(tenant)).check({}, props)
    return [f.reason for f in outcome.failures], outcome.notes, outcome.inputs


# ---------------------------------------------------------------- what check stores


def test_internal_inputs_are_stored_under_hidden_keys_and_defaults_not_at_all() -> None:
    _, _, stored = check(Tenant(), news(secret_name=None))
    assert stored["__owner"] == MINE and stored["__owner_stack"] == "proj/team-b"
    assert not {"owner", "owner_stack", "adopt", "force_delete", "secret_name"} & set(stored)
    _, _, kept = check(Tenant(), news(adopt=True, force_delete=True))
    assert kept["adopt"] is True and kept["force_delete"] is True


def test_a_state_written_before_keeps_its_shape() -> None:
    olds = {"name": NAME, "owner": MINE, "adopt": False}
    stored = stored_inputs(olds, {"owner": MINE, "adopt": False, "force_delete": False}, MODEL)
    assert stored == {"owner": MINE, "adopt": False}


def test_the_programs_other_models_are_never_stored() -> None:
    _, _, stored = check(Tenant(), news(program_models=[{"name": OTHER, "owner": THEIRS, "adopt": False}]))
    assert "program_models" not in stored and "__program_models" not in stored


def test_a_policys_declared_models_are_stored_hidden() -> None:
    props = {"name": "route", "strategy": "single", "targets": [{"model_name": NAME}], "adopt": False}
    outcome = PolicyLifecycle(tenant_runtime(Tenant())).check({}, {**props, "declared_models": [NAME]})
    assert outcome.inputs["__declared_models"] == [NAME]
    assert "declared_models" not in outcome.inputs and "adopt" not in outcome.inputs


def test_a_refresh_reads_no_control_input_at_its_default() -> None:
    tenant = Tenant(server(NAME, f"pulumi-wxo-owner:{MINE}:01234567"))
    outs = {"name": NAME, "model_id": "m-1", "owner_tag": f"pulumi-wxo-owner:{MINE}:01234567"}
    read = ModelLifecycle(tenant_runtime(tenant)).read("m-1", {**outs, "adopt": False, "force_delete": False})
    assert read.inputs is not None and not {"adopt", "force_delete"} & set(read.inputs)


# ---------------------------------------------------------------- ownership between stacks


def test_adopt_true_refuses_another_stacks_model_naming_that_stack() -> None:
    fails, notes, _ = check(Tenant(server(NAME, *TEAM_A)), news(adopt=True))
    [reason] = fails
    assert "belongs to stack 'proj/team-a'" in reason
    assert "adopt=True does not take a model another stack manages" in reason
    assert "pulumi state delete" in reason and f'adopt="{TAKEOVER}"' in reason
    assert notes == []


def test_an_old_owner_tag_without_a_stack_tag_names_the_owner_id() -> None:
    fails, _, _ = check(Tenant(server(NAME, TEAM_A[0])), news(adopt=True))
    assert f"belongs to another stack (owner {THEIRS})" in fails[0]


def test_takeover_is_allowed_and_says_from_whom() -> None:
    fails, notes, _ = check(Tenant(server(NAME, *TEAM_A)), news(adopt=TAKEOVER))
    assert fails == []
    assert notes == [
        f"will take over the existing model '{NAME}' (id m-1) from stack 'proj/team-a': nothing is "
        "created; its owner tag, fields and tags become this resource's"
    ]


@pytest.mark.parametrize("adopt", [True, TAKEOVER])
def test_a_model_without_an_owner_tag_is_adopted_and_the_preview_names_its_id(adopt: Any) -> None:
    fails, notes, _ = check(Tenant(server(NAME)), news(adopt=adopt))
    assert fails == [] and notes == [f"will adopt the existing model '{NAME}' (id m-1): nothing is created"]


def test_this_resources_own_leftover_is_neither_taken_nor_announced() -> None:
    fails, notes, _ = check(Tenant(server(NAME, f"pulumi-wxo-owner:{MINE}:01234567")), news())
    assert fails == [] and notes == []


@pytest.mark.parametrize("adopt", ["yes", "TAKEOVER", 1])
def test_adopt_takes_true_false_or_takeover_only(adopt: Any) -> None:
    fails, _, _ = check(Tenant(), news(adopt=adopt))
    assert fails == ['must be true, false or "takeover" (to take over another stack\'s model)']


def test_the_first_failing_check_lists_every_taken_name_of_the_program() -> None:
    tenant = Tenant(
        server(NAME, *TEAM_A), server(OTHER, id_="m-2"), server("virtual-model/openai/free", id_="m-3")
    )
    program = [
        {"name": OTHER, "owner": "1111111111111111", "adopt": False},
        {"name": "virtual-model/openai/adopted", "owner": "2222222222222222", "adopt": True},
        {"name": "virtual-model/openai/unknown", "owner": "3333333333333333", "adopt": None},
        {"name": "virtual-model/openai/free-name", "owner": "4444444444444444", "adopt": False},
    ]
    fails, _, _ = check(tenant, news(adopt=True, program_models=program))
    assert len(fails) == 2 and "belongs to stack 'proj/team-a'" in fails[0]
    assert (
        fails[1]
        == f"other models declared in this program are taken on the server too: '{OTHER}' (exists, id m-2)"
    )


def test_create_refuses_another_stacks_model_unless_taken_over() -> None:
    tenant = Tenant(server(NAME, *TEAM_A))
    core = ModelLifecycle(tenant_runtime(tenant))
    stored = core.check({}, news(adopt=True)).inputs
    with pytest.raises(WxoError, match="belongs to stack 'proj/team-a'"):
        core.create(stored)
    assert tenant.writes == []
    created = core.create(core.check({}, news(adopt=TAKEOVER)).inputs)
    assert tenant.writes == [("PUT", "m-1")]
    [body] = tenant.bodies
    assert stack_of(body) == "proj/team-b" and (owner_of(body) or None) is not None
    assert owner_of(body).owner == MINE  # type: ignore[union-attr]
    assert created.outputs["adopt"] == TAKEOVER


# ---------------------------------------------------------------- the stack tag


def test_the_stack_tag_round_trips_and_is_never_written_too_long_or_malformed() -> None:
    tag = stack_tag("proj/prod")
    assert tag == "pulumi-wxo-owner:stack:proj/prod"
    assert stack_of({"tags": ["team-a", tag]}) == "proj/prod"
    assert stack_of({"tags": ["pulumi-wxo-owner:stack:no slash"]}) is None
    assert stack_tag("p" * MAX_STACK_TAG + "/s") is None
    assert stack_tag("a b/c") is None and stack_tag(None) is None
