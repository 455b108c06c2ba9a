"""Engine property values <-> the lifecycle's plain data: unknowns, numbers, secrets by path."""

from __future__ import annotations

from collections.abc import Mapping

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.rpc import UNKNOWN as ENGINE_UNKNOWN

from pulumi_wxo.lifecycle import UNKNOWN
from pulumi_wxo.native.values import engine_map, plain_map, to_engine, to_plain
from pulumi_wxo.schema.bounds import MAX_DEPTH


def pv(value: object, secret: bool = False) -> PropertyValue:
    if isinstance(value, dict):
        return PropertyValue({k: pv(v) for k, v in value.items()}, is_secret=secret)
    if isinstance(value, list):
        return PropertyValue([pv(v) for v in value], is_secret=secret)
    return PropertyValue(value, is_secret=secret)  # type: ignore[arg-type]


def test_unknowns_become_the_lifecycle_unknown_and_go_back_as_the_sentinel() -> None:
    assert to_plain(PropertyValue(ENGINE_UNKNOWN)) is UNKNOWN
    assert to_plain(PropertyValue.computed()) is UNKNOWN
    nested = plain_map({"config": pv({"max_tokens": ENGINE_UNKNOWN})})
    assert nested == {"config": {"max_tokens": UNKNOWN}}
    assert to_engine(UNKNOWN).value == ENGINE_UNKNOWN


def test_secrets_are_unwrapped_for_the_lifecycle() -> None:
    props = {"provider_config": PropertyValue({"api_key": pv("sk-1", secret=True)})}
    assert plain_map(props) == {"provider_config": {"api_key": "sk-1"}}


def test_numbers_go_out_as_doubles_and_other_values_unchanged() -> None:
    out = to_engine({"n": 3, "f": 0.5, "b": True, "s": "x", "none": None, "l": [1, "a"]})
    assert isinstance(out.value, Mapping)
    assert out.value["n"] == PropertyValue(3.0) and out.value["b"] == PropertyValue(True)
    assert to_plain(out) == {"n": 3.0, "f": 0.5, "b": True, "s": "x", "none": None, "l": [1.0, "a"]}


def test_credential_fields_are_secret_even_when_sent_plain() -> None:
    outs = {"provider_config": {"api_key": "sk-2", "custom_host": "https://h"}, "name": "n"}
    out = engine_map(outs, {"provider_config": pv({"api_key": "sk-2", "custom_host": "https://h"})})
    pc = out["provider_config"]
    assert not pc.is_secret and isinstance(pc.value, Mapping)
    assert pc.value["api_key"].is_secret and not pc.value["custom_host"].is_secret
    assert not out["name"].is_secret


def test_a_value_secret_in_the_request_stays_secret_at_its_path() -> None:
    likes = {
        "description": pv("quiet", secret=True),
        "config": PropertyValue({"user": pv("u", secret=True), "seed": pv(1.0)}),
        "tags": PropertyValue([pv("a"), pv("b", secret=True)]),
        "connection_id": pv({"whole": 1.0}, secret=True),
    }
    out = engine_map(
        {
            "description": "quiet",
            "config": {"user": "u", "seed": 1},
            "tags": ["a", "b"],
            "connection_id": "c",
        },
        likes,
    )
    assert out["description"].is_secret
    cfg = out["config"].value
    assert isinstance(cfg, Mapping) and cfg["user"].is_secret and not cfg["seed"].is_secret
    assert out["tags"].is_secret  # a list with a secret item is secret as a whole
    assert out["connection_id"].is_secret


def test_any_of_several_requests_marking_a_key_secret_keeps_it_secret() -> None:
    out = engine_map({"description": "d"}, {"description": pv("d")}, {"description": pv("d", secret=True)})
    assert out["description"].is_secret


def test_nesting_past_the_bound_reaches_the_lifecycle_whole() -> None:
    """Deep values are not cut short: the lifecycle's bounds refuse them naming the field."""
    from pulumi_wxo.lifecycle import ModelLifecycle, Runtime

    value: object = "leaf"
    for _ in range(MAX_DEPTH + 3):
        value = {"k": value}
    plain = to_plain(pv(value))
    depth = 0
    while isinstance(plain, dict):
        plain, depth = plain["k"], depth + 1
    assert plain == "leaf" and depth == MAX_DEPTH + 3
    news = plain_map({"name": pv("openai/x"), "provider_config": pv({"api_key": "k", "cache": value})})
    runtime = Runtime()
    runtime.configure(lambda _k: None, {})  # no server: the name check is skipped
    [failure] = ModelLifecycle(runtime).check({}, news).failures
    assert failure.path.startswith("provider_config.cache.k") and "nested deeper" in failure.reason


def test_the_fields_that_copy_a_secret_name_are_secret_too() -> None:
    name = "virtual-model/openai/hidden"
    outs = {"name": name, "display_name": name, "description": name, "model_type": "chat"}
    secret = engine_map(outs, {"name": PropertyValue(name, is_secret=True)})
    assert [k for k, v in secret.items() if v.is_secret] == ["name", "display_name", "description"]
    plain = engine_map(outs, {"name": PropertyValue(name)})
    assert not any(v.is_secret for v in plain.values())


def test_the_name_defaults_are_the_declarations() -> None:
    from pulumi_wxo.native.values import NAME_DEFAULTS
    from pulumi_wxo.resources import RESOURCES

    declared = {f for r in RESOURCES for f in r.defaults_to_name}
    assert set(NAME_DEFAULTS) == declared and len(NAME_DEFAULTS) == len(declared)


def test_a_connections_credentials_go_out_secret_even_when_given_plain() -> None:
    out = engine_map(
        {
            "app_id": "creds",
            "credentials": {"api_key": "k"},
            "environments": {"draft": {"kind": "key_value", "credentials": {"api_key": "k"}}},
        }
    )
    assert out["credentials"].is_secret and out["environments"].is_secret
    assert not out["app_id"].is_secret
    bare = engine_map({"credentials": None, "environments": {"draft": {"kind": "key_value"}}})
    assert not bare["credentials"].is_secret and not bare["environments"].is_secret
