"""Values on the wire: msgpack with cty's rules, as OpenTofu 1.6 writes and reads them."""

from __future__ import annotations

import json

import msgpack

from pulumi_wxo.lifecycle import UNKNOWN
from pulumi_wxo.terraform import cty

OBJ = ["object", {"name": "string", "n": "number", "tags": ["list", "string"], "any": "dynamic"}]


def test_an_object_round_trips_with_every_attribute_present() -> None:
    packed = cty.pack({"name": "a", "n": 2}, OBJ)
    assert msgpack.unpackb(packed) == {"name": "a", "n": 2, "tags": None, "any": None}
    assert cty.unpack(packed, OBJ) == {"name": "a", "n": 2, "tags": None, "any": None}


def test_unknowns_refined_or_not_are_unknown_and_go_back_as_extension_0() -> None:
    for code, data in ((0, b""), (12, b"\x81\x01\xc3")):  # 12: a refined unknown (cty 1.13+)
        raw = msgpack.packb({"name": msgpack.ExtType(code, data), "n": 1, "tags": None, "any": None})
        assert cty.unpack(raw, OBJ)["name"] is UNKNOWN
    out = msgpack.unpackb(cty.pack({"name": UNKNOWN}, OBJ))
    assert out["name"] == msgpack.ExtType(0, b"")


def test_a_container_holding_an_unknown_is_not_unknown_as_a_whole() -> None:
    out = msgpack.unpackb(cty.pack({"tags": ["a", UNKNOWN]}, OBJ))
    assert out["tags"] == ["a", msgpack.ExtType(0, b"")]


def test_a_dynamic_value_is_a_type_and_value_pair() -> None:
    packed = cty.pack({"any": {"model_name": "m", "weight": 0.5}}, OBJ)
    pair = msgpack.unpackb(packed)["any"]
    assert json.loads(pair[0]) == ["object", {"model_name": "string", "weight": "number"}]
    assert cty.unpack(packed, OBJ)["any"] == {"model_name": "m", "weight": 0.5}


def test_a_number_too_precise_for_a_float_comes_as_text() -> None:
    raw = msgpack.packb({"name": None, "n": "12345678901234567890", "tags": None, "any": None})
    assert cty.unpack(raw, OBJ)["n"] == 12345678901234567890


def test_blocks_with_a_dynamic_attribute_travel_as_one_dynamic_value() -> None:
    element = ["object", {"kind": "string", "credentials": "dynamic"}]
    ty = ["object", {"environments": cty.blocks_type("map", element)}]
    value = {"environments": {"draft": {"kind": "kv", "credentials": {"k": "v"}}}}
    pair = msgpack.unpackb(cty.pack(value, ty))["environments"]
    sent = json.loads(pair[0])
    assert sent == [
        "object",
        {"draft": ["object", {"kind": "string", "credentials": ["object", {"k": "string"}]}]},
    ]
    assert cty.unpack(cty.pack(value, ty), ty) == value


def test_a_state_file_dynamic_value_is_read() -> None:
    raw = {"value": {"k": "v"}, "type": ["object", {"k": "string"}]}
    assert cty.from_json(raw, "dynamic") == {"k": "v"}
    assert cty.from_json({"any": raw, "name": "x"}, OBJ) == {
        "any": {"k": "v"},
        "name": "x",
        "n": None,
        "tags": None,
    }
