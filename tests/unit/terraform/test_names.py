"""One name, one object within a plugin process (pulumi_wxo.terraform.names)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from pulumi_wxo.terraform.names import NameClash, Names

GPT = "virtual-model/openai/gpt-4o"


def test_a_second_plan_of_one_name_is_refused_and_names_both_spellings() -> None:
    names = Names()
    names.plan("wxo_model", GPT, GPT, "id-1")
    with pytest.raises(NameClash) as clash:
        names.plan("wxo_model", GPT, "openai/gpt-4o", None)
    assert clash.value.summary == f'two wxo_model resources plan the name "{GPT}"'
    assert f'it writes "{GPT}" (id id-1, in the state), this one writes "openai/gpt-4o"' in clash.value.detail
    assert "remove one resource" in clash.value.detail


def test_other_names_types_and_a_replace_planned_again_do_not_clash() -> None:
    names = Names()
    names.plan("wxo_model", GPT, GPT, "id-1")
    names.plan("wxo_model", GPT, GPT, None, replan="id-1")  # a replace's create half
    names.plan("wxo_model", "virtual-model/openai/o3", "openai/o3", None)
    names.plan("wxo_model_policy", GPT, GPT, None)


def test_two_states_of_one_id_clash() -> None:
    names = Names()
    names.plan("wxo_model", GPT, GPT, "id-1")
    with pytest.raises(NameClash):  # two instances that took one object (a -target apply)
        names.plan("wxo_model", GPT, "openai/gpt-4o", "id-1")
    with pytest.raises(NameClash):  # a replan of another id is another instance
        names.plan("wxo_model", GPT, GPT, None, replan="id-2")


def test_two_creates_of_one_name_are_refused_once_of_many_threads() -> None:
    names = Names()

    def create(_: int) -> bool:
        try:
            names.create("wxo_model", GPT, GPT)
        except NameClash:
            return False
        return True

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(create, range(16)))
    assert results.count(True) == 1
