"""``pulumi-wxo export --format pulumi-import``: the import file, its names, and what is left out."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pulumi_wxo.cli.import_file import CONNECTION_TYPE, MODEL_TYPE, POLICY_TYPE, import_file, resource_name
from pulumi_wxo.native.schema import package_version
from tests.unit.cli.support import run, serve

pytestmark = pytest.mark.unit

MODELS: list[dict[str, Any]] = [
    {"id": "m1", "name": "virtual-model/openai/gpt-4o"},
    {"id": "m2", "name": "virtual-model/watsonx/ibm/granite-3-3-8b-instruct"},
    {"id": "m3", "name": "virtual-model/openai/gpt_4o"},  # a resource name of its own
    {"id": "m4", "name": "virtual-model/openai/gpt-4o"},  # a duplicate name on the server
    {"id": "a/b", "name": "virtual-model/openai/o3"},  # an id that cannot be read by path
]
POLICIES: list[dict[str, Any]] = [{"id": "p1", "name": "virtual-policy/openai-gpt-4o"}]


def test_one_resource_per_object_with_unique_valid_names_and_notes() -> None:
    document, notes = import_file(MODELS, POLICIES, version="1.2.3")
    v = {"version": "1.2.3"}
    assert document == {
        "resources": [
            {"type": MODEL_TYPE, "name": "openai-gpt-4o", "id": "m1", **v},
            {"type": MODEL_TYPE, "name": "openai-gpt_4o", "id": "m3", **v},
            {"type": MODEL_TYPE, "name": "watsonx-ibm-granite-3-3-8b-instruct", "id": "m2", **v},
            # Another type, so another URN: `pulumi import` itself keeps generated names apart.
            {"type": POLICY_TYPE, "name": "openai-gpt-4o", "id": "p1", **v},
        ]
    }
    assert notes == [
        "left out model 'virtual-model/openai/gpt-4o' id m4: a second model of that name (imported id m1); "
        "delete it on the server",
        "left out model 'virtual-model/openai/o3': its id 'a/b' contains a path separator",
    ]
    names = [r["name"] for r in document["resources"]]
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+", n) for n in names)


def test_names_follow_the_rule_of_every_format() -> None:
    assert resource_name("virtual-model/openai/gpt-4.1 (eu)") == "openai-gpt-4.1-eu"
    assert resource_name("virtual-policy/2024") == "2024"


def test_two_names_of_one_resource_name_export_the_first_as_the_other_formats_do() -> None:
    models = [
        {"id": "m1", "name": "virtual-model/openai/clash x"},
        {"id": "m2", "name": "virtual-model/openai/clash'x"},
        {"id": "m3", "name": "virtual-model/openai/CLASH-X"},
    ]
    document, notes = import_file(models, [], version="1.2.3")
    assert [(r["name"], r["id"]) for r in document["resources"]] == [("openai-CLASH-X", "m3")]
    assert notes == [
        f"left out model '{name}': it maps to the same resource name ({resource}, letter case aside) as "
        "model 'virtual-model/openai/CLASH-X', which was exported; rename one of them on the server to "
        "export both"
        for name, resource in (
            ("virtual-model/openai/clash x", "openai-clash-x"),
            ("virtual-model/openai/clash'x", "openai-clash-x"),
        )
    ]


def test_python_and_pulumi_import_name_an_object_the_same_way(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(monkeypatch, [{"id": "m1", "name": "virtual-model/openai/gpt-4.1", "connection_id": "c"}])
    code, program, _ = run(capsys, "export", "--format", "python")
    assert code == 0
    code, file, _ = run(capsys, "export", "--format", "pulumi-import")
    assert code == 0
    [entry] = json.loads(file)["resources"]
    assert entry["name"] == "openai-gpt-4.1"
    assert '    "openai-gpt-4.1",\n' in program


def test_patterns_filter_like_the_other_formats() -> None:
    document, _ = import_file(MODELS, POLICIES, ["watsonx/*"])
    assert [r["id"] for r in document["resources"]] == ["m2"]


def _tenant(monkeypatch: pytest.MonkeyPatch) -> None:
    serve(monkeypatch, MODELS[:2], POLICIES)


def test_the_command_writes_the_file_and_refuses_to_overwrite(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _tenant(monkeypatch)
    out = tmp_path / "tenant.json"
    flags: list[str] = []
    code, _, err = run(capsys, "export", *flags, "--format", "pulumi-import", "-o", str(out))
    assert code == 0, err
    assert [r["id"] for r in json.loads(out.read_text())["resources"]] == ["m1", "m2", "p1"]
    assert f"pulumi import --file {out}" in err
    code, _, err = run(capsys, "export", *flags, "--format", "pulumi-import", "-o", str(out))
    assert code == 2 and "already exists; pass --force" in err
    code, _, _ = run(capsys, "export", *flags, "--format", "pulumi-import", "-o", str(tmp_path))
    assert code == 0 and (tmp_path / "pulumi-import.json").exists()
    code, stdout, _ = run(capsys, "export", *flags, "--format", "pulumi-import")
    first = json.loads(stdout)["resources"][0]
    # The plugin is pinned to this package's version, as the native SDK pins it.
    assert code == 0 and first["type"] == MODEL_TYPE and first["version"] == package_version()


def test_connections_come_first_imported_by_their_app_id() -> None:
    connections = [
        {"id": "c-1", "app_id": "openai-creds", "connection_id": "c-1"},
        {"id": "c-2", "app_id": "svc creds", "connection_id": "c-2"},
        {"id": "c-3", "app_id": "a/b", "connection_id": "c-3"},  # no usable import id
    ]
    models = [{"id": "m1", "name": "virtual-model/openai/gpt-4o", "connection_id": "c-2"}]
    document, notes = import_file(models, [], version="1.2.3", connections=connections)
    v = {"version": "1.2.3"}
    assert document["resources"] == [
        {"type": CONNECTION_TYPE, "name": "openai-creds", "id": "openai-creds", **v},
        {"type": CONNECTION_TYPE, "name": "svc-creds", "id": "svc creds", **v},
        {"type": MODEL_TYPE, "name": "openai-gpt-4o", "id": "m1", **v},
    ]
    assert notes == ["left out connection 'a/b': its id 'a/b' contains a path separator"]
    # --name: the connections that match and those the chosen models use
    chosen, _ = import_file(models, [], ["openai/*"], version="1", connections=connections)
    assert [r["id"] for r in chosen["resources"]] == ["svc creds", "m1"]
