"""lifecycle.instance: which instance holds an object, and what the user said about moving it.

The guard itself (placement) is in tests/unit/lifecycle/test_common.py; through the real engine:
tests/e2e/test_instance_guard_engine.py.
"""

from __future__ import annotations

import pytest

from pulumi_wxo.api.settings import ConnectionSettings
from pulumi_wxo.lifecycle.instance import (
    ALIASES_ENV,
    ALIASES_KEY,
    MOVE_ENV,
    MOVE_KEY,
    Instance,
    InstanceMismatchError,
    Placement,
    instance_of,
    normalise_url,
    same_instance,
)

pytestmark = pytest.mark.unit

TENANT_URL = "https://api.us-south.watson-orchestrate.cloud.ibm.com/instances/tenant-1"


NORMALISED = {
    "HTTPS://WXO.Example.TEST/": "https://wxo.example.test",
    "https://wxo.example.test:443/api/": "https://wxo.example.test/api",
    "http://wxo.example.test:80": "http://wxo.example.test",
    "http://wxo.example.test:8443": "http://wxo.example.test:8443",
    "  https://wxo.example.test  ": "https://wxo.example.test",
    "http://[::1]:4321/": "http://[::1]:4321",
    "https://wxo.example.test:notaport/x": "https://wxo.example.test/x",
}


@pytest.mark.parametrize(("url", "expected"), NORMALISED.items())
def test_normalise_url(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


def test_instance_of_settings_reads_the_tenant_from_the_url() -> None:
    assert instance_of(ConnectionSettings(url=TENANT_URL + "/", token="t")) == Instance(
        "https://api.us-south.watson-orchestrate.cloud.ibm.com/instances/tenant-1", "tenant-1"
    )
    assert instance_of(ConnectionSettings(url="https://WXO.example.test/", token="t")) == Instance(
        "https://wxo.example.test"
    )


def test_an_instance_round_trips_through_outputs_and_reads_as_text() -> None:
    inst = Instance("https://wxo.example.test", "tenant-1")
    assert Instance.from_output(inst.as_output()) == inst
    assert str(inst) == "https://wxo.example.test (tenant tenant-1)"
    assert str(Instance("https://wxo.example.test")) == "https://wxo.example.test"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("https://wxo.example.test", None),
        ({"tenant": "t"}, None),
        ({"url": 7}, None),
        ({"url": "https://a", "tenant": ""}, Instance("https://a")),
        ({"url": "https://a", "tenant": 3}, Instance("https://a")),
        ({"url": "https://a"}, Instance("https://a")),
    ],
)
def test_a_recorded_instance_is_read_leniently(value: object, expected: Instance | None) -> None:
    assert Instance.from_output(value) == expected


def test_placement_reads_config_before_the_environment() -> None:
    config = {
        ALIASES_KEY: "https://OLD.example.test/, https://other.example.test  http://x:80",
        MOVE_KEY: "true",
    }
    got = Placement.from_sources(config.get, {ALIASES_ENV: "https://env.example.test", MOVE_ENV: "false"})
    assert got == Placement(
        frozenset({"https://old.example.test", "https://other.example.test", "http://x"}), move=True
    )


@pytest.mark.parametrize(
    ("raw", "move"), [("1", True), ("YES", True), (" on ", True), ("no", False), ("", False)]
)
def test_placement_from_the_environment(raw: str, move: bool) -> None:
    got = Placement.from_sources(lambda _k: None, {ALIASES_ENV: "https://a.test", MOVE_ENV: raw})
    assert got == Placement(frozenset({"https://a.test"}), move=move)


def test_no_placement_settings_mean_no_aliases_and_no_move() -> None:
    assert Placement.from_sources(lambda _k: None, {}) == Placement()


def test_the_tenant_id_decides_when_both_sides_know_it() -> None:
    aliases = Placement(frozenset({"https://b"}))
    assert same_instance(Instance("https://a", "t1"), Instance("https://b", "t1"), Placement())
    assert not same_instance(Instance("https://a", "t1"), Instance("https://a", "t2"), aliases)


def test_without_both_tenants_the_url_or_an_alias_decides() -> None:
    assert same_instance(Instance("https://a"), Instance("https://a", "t1"), Placement())
    assert not same_instance(Instance("https://a"), Instance("https://b"), Placement())
    assert same_instance(Instance("https://a"), Instance("https://b"), Placement(frozenset({"https://a"})))


def test_the_mismatch_error_names_both_instances_and_the_ways_on() -> None:
    err = InstanceMismatchError(
        action="update model 'm'", recorded=Instance("https://old", "t1"), current=Instance("https://new")
    )
    text = str(err)
    assert text.startswith("update model 'm': it was created on https://old (tenant t1)")
    assert "configured for https://new" in text
    assert f"{ALIASES_KEY} https://old" in text and f"{MOVE_KEY} true" in text
    assert (err.recorded, err.current) == (Instance("https://old", "t1"), Instance("https://new"))
