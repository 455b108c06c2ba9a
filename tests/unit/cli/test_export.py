"""``pulumi-wxo export`` offline: a settings error, and the helpers (filter, dedupe, secrets)."""

from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from pulumi_wxo.cli.export import export_objects, secrets_summary
from tests.unit.cli.support import named, run, serve

pytestmark = pytest.mark.unit


def test_export_without_settings_is_a_settings_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WXO_URL", raising=False)
    code, _, err = run(capsys, "export")
    assert code == 2 and "pulumi-wxo export: no Orchestrate instance URL" in err


def test_export_objects_filters_dedupes_and_summarises_secrets() -> None:
    models = [
        {"id": "1", "name": "virtual-model/openai/gpt-4o", "provider_config": {"api_key": "sk-x"}},
        {"id": "2", "name": "virtual-model/openai/gpt-4o"},
        # "apiKey" is no API alias (api-contract §3.1), but it still must never be written out
        {"id": "3", "name": "virtual-model/openai/o3", "provider_config": {"apiKey": "sk-camel-echo"}},
        {"id": "4", "name": "virtual-model/anthropic/c", "connection_id": "conn"},
    ]
    policies = [
        {
            "id": "p",
            "name": "virtual-policy/mix",
            "policy": {
                "strategy": {"mode": "single"},
                "targets": [{"model_name": "virtual-model/openai/o3"}],
            },
        }
    ]
    exported, notes = export_objects(models, policies, ["openai/*", "mix"])
    assert [(e.kind, e.name) for e in exported] == [
        ("model", "virtual-model/openai/gpt-4o"),
        ("model", "virtual-model/openai/o3"),
        ("policy", "virtual-policy/mix"),
    ]
    assert notes == [
        "the server holds 2 models named 'virtual-model/openai/gpt-4o' (ids 1, 2); exported the first "
        "only: delete the others before adopting it"
    ]
    assert "sk-" not in json.dumps([e.document for e in exported])
    assert secrets_summary(exported) == [
        "  pulumi config set --secret openaiApiKey <value>   # "
        "virtual-model/openai/gpt-4o provider_config.api_key; virtual-model/openai/o3 provider_config.api_key"
    ]


def test_export_for_the_adk_writes_no_credential_and_says_how_to_import(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pulumi_wxo.cli.export import header

    models = [
        {"id": "1", "name": "virtual-model/openai/gpt-4o", "provider_config": {"api_key": "sk-x"}},
        {"id": "2", "name": "virtual-model/anthropic/c", "connection_id": "conn-1"},
        {"id": "3", "name": "virtual-model/bedrock/titan", "provider_config": {"awsRegion": "us-east-1"}},
    ]
    adk, _ = export_objects(models, [], audience="adk")
    assert [e.connection_needs for e in adk] == [
        "api_key (the model was bound to connection conn-1)",
        "aws_access_key_id and aws_secret_access_key",
        "api_key",
    ]
    assert "sk-" not in json.dumps([e.document for e in adk])
    assert all("connection_id" not in e.document and e.secrets == () for e in adk)
    assert (
        header(adk[2]).splitlines()[-1]
        == "  orchestrate models import -f openai-gpt-4o.yaml --app-id <app id>"
    )
    pulumi, _ = export_objects(models, [])
    assert header(pulumi[2]).splitlines()[-2].startswith("For pulumi-wxo only: `orchestrate models import`")
    monkeypatch.setenv("WXO_URL", "http://127.0.0.1:9")
    code, _, err = run(capsys, "export", "--for", "adk", "--format", "python")
    assert code == 2 and "--for adk writes spec files" in err


# ---------------------------------------------------------------------------------------------
# A hostile server: credentials under any key, names that clash, control and workflow commands

# Every spelling a server was seen to echo: none is an API alias, most are no schema field.
ECHOED = ("apikey", "password", "token", "privateKey", "secret", "clientSecret", "accessToken")
ECHOED += ("Authorization", "api-key", "APIKey", "api_key ")
LEAK = re.compile(r"leak-\d\d")


def _echoing_tenant(monkeypatch: pytest.MonkeyPatch) -> None:
    config = {key: f"leak-{i:02d}" for i, key in enumerate(ECHOED)}
    serve(
        monkeypatch,
        [
            {
                "id": "m1",
                "name": "virtual-model/openai/gpt-4o",
                "provider_config": {**config, "customHost": "https://api.example"},
                "config": {"max_tokens": 7, "auth": {"password": "leak-99"}},
            }
        ],
    )


@pytest.mark.parametrize(
    "argv", [("export",), ("export", "--format", "python"), ("list", "--json"), ("list",)]
)
def test_a_credential_under_any_key_is_never_printed(
    argv: tuple[str, ...], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _echoing_tenant(monkeypatch)
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert LEAK.findall(out + err) == []
    assert argv == ("list",) or "https://api.example" in out  # what is no credential is shown


def test_export_turns_spellings_into_placeholders_and_names_what_it_withholds(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _echoing_tenant(monkeypatch)
    code, _, err = run(capsys, "export", "-o", str(tmp_path))
    assert code == 0, err
    doc = yaml.safe_load((tmp_path / "openai-gpt-4o.yaml").read_text())
    # apikey, api-key, APIKey and "api_key " are api_key: one placeholder; the rest are withheld.
    assert doc["provider_config"] == {
        "secrets_resolved_by": "pulumi-wxo",
        "api_key": "${secret:openaiApiKey}",
        "custom_host": "https://api.example",
    }
    assert doc["config"] == {"max_tokens": 7}
    for key in ("password", "token", "privateKey", "secret", "clientSecret", "accessToken", "Authorization"):
        assert f"provider_config.{key}: the server shows a credential under a key the schema" in err
    assert "config.auth: the server shows a credential" in err


CLASH = ["virtual-model/openai/clash'x", "virtual-model/openai/clash x"]


@pytest.mark.parametrize("fmt", ["yaml", "python"])
def test_two_names_for_one_file_export_the_first_and_say_so(
    fmt: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    serve(monkeypatch, [{"id": f"m{i}", "name": name} for i, name in enumerate(CLASH)])
    code, _, err = run(capsys, "export", "--format", fmt, "-o", str(tmp_path))
    assert code == 0, err
    assert (
        "warning: left out model 'virtual-model/openai/clash'x': it maps to the same file "
        "(openai-clash-x.yaml, letter case aside) and resource name as model "
        "'virtual-model/openai/clash x', which was exported" in err
    )
    if fmt == "yaml":
        assert [p.name for p in tmp_path.iterdir()] == ["openai-clash-x.yaml"]
        assert yaml.safe_load((tmp_path / "openai-clash-x.yaml").read_text())["name"] == CLASH[1]
    else:
        program = (tmp_path / "__main__.py").read_text()
        assert program.count('"openai-clash-x"') == 1 and "clash'x" not in program


def test_names_differing_in_case_only_are_one_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    serve(monkeypatch, named("virtual-model/openai/GPT", "virtual-model/openai/gpt"))
    code, _, err = run(capsys, "export", "-o", str(tmp_path))
    assert code == 0 and "left out model 'virtual-model/openai/gpt'" in err
    assert [p.name for p in tmp_path.iterdir()] == ["openai-GPT.yaml"]


HOSTILE = "virtual-model/openai/x\n::error title=pwned::owned\x1b]0;title\x07\u202e"
WORKFLOW_COMMAND = re.compile(r"^\s*::|##\[", re.MULTILINE)
RAW_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e\u2028]")  # all but the line feed


@pytest.mark.parametrize("fmt", ["yaml", "python"])
def test_hostile_names_never_reach_a_terminal_or_a_ci_log_as_commands(
    fmt: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    model = {
        "id": "1",
        "name": HOSTILE,
        "description": "line\n::warning::x ##[error]y",
        "tags": ["::add-mask::z"],
        "provider_config": {"api_key": "********"},
        "config": {"\n::stop-commands::k": 1},
    }
    serve(monkeypatch, [model, {**model, "id": "2"}])  # a duplicate: a warning names it
    code, out, err = run(capsys, "export", "--format", fmt)
    assert code == 0, err
    assert "the server holds 2 models named" in err and "openaiApiKey" in err
    for text in (out, err):
        assert WORKFLOW_COMMAND.search(text) is None, text
        assert RAW_CONTROLS.search(text) is None, text
    assert "x\\x0a::error title=pwned::owned\\x1b]0;title\\x07\\u202e" in err  # on one line
    if fmt == "yaml":  # the file still says what the server said
        doc = yaml.safe_load(out.split("---\n")[0])
        assert (doc["name"], doc["description"], doc["tags"]) == (
            HOSTILE,
            model["description"],
            model["tags"],
        )
        assert doc["config"] == model["config"]
    else:
        tree = ast.parse(out)
        [model_call] = [
            n for n in ast.walk(tree) if isinstance(n, ast.Call) and ast.unparse(n.func) == "wxo.Model"
        ]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in model_call.keywords if k.arg != "provider_config"}
        assert (kwargs["name"], kwargs["description"], kwargs["tags"]) == (
            HOSTILE,
            model["description"],
            model["tags"],
        )


def test_a_hostile_connection_id_in_an_adk_header_stays_a_comment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    connection = "conn\n::error::c ##[error]d\x1b[2J\ud800"
    serve(monkeypatch, [{"id": "1", "name": "virtual-model/openai/o3", "connection_id": connection}])
    code, out, err = run(capsys, "export", "--for", "adk")
    assert code == 0, err
    for text in (out, err):
        assert WORKFLOW_COMMAND.search(text) is None and RAW_CONTROLS.search(text) is None, text
    header = [line for line in out.splitlines() if line.startswith("#")]
    assert any("(the model was bound to connection conn" in line for line in header)
    assert yaml.safe_load(out)["name"] == "virtual-model/openai/o3"


def test_an_operator_string_never_becomes_code_in_the_program(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    serve(monkeypatch, named("virtual-model/openai/gpt-4o"))
    base_path = '/v1/x"""+__import__("os").getpid()+"""\\'
    code, _, err = run(
        capsys,
        "export",
        "--url",
        "http://127.0.0.1:9",
        "--token",
        "t",
        "--base-path",
        base_path,
        "--format",
        "python",
        "-o",
        str(tmp_path),
    )
    assert code == 0, err
    tree = ast.parse((tmp_path / "__main__.py").read_text())
    # The docstring says where the program came from, as text: the quotes are in it, not code.
    source = f"http://127.0.0.1:9{base_path}"
    assert (ast.get_docstring(tree) or "").startswith(f'Exported by `pulumi-wxo export` from "{source}".')
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert "__import__" not in names
    assert [type(n).__name__ for n in tree.body[:2]] == ["Expr", "Import"]  # the docstring, then code


def test_a_lone_surrogate_is_escaped_and_nothing_is_half_written(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    serve(
        monkeypatch,
        [{"id": "1", "name": "virtual-model/openai/x", "description": "a\ud800b", "tags": ["\udfff"]}],
    )
    for fmt in ("python", "yaml"):
        code, _, err = run(capsys, "export", "--format", fmt, "-o", str(tmp_path / fmt))
        assert code == 0 and "Traceback" not in err, err
    program = (tmp_path / "python" / "__main__.py").read_text()
    assert "'a\\ud800b'" in program and "['\\udfff']" in program
    assert yaml.safe_load((tmp_path / "yaml" / "openai-x.yaml").read_text())["description"] == "a\ud800b"


def test_a_very_long_name_gets_a_bounded_file_name(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    long_a, long_b = (f"virtual-model/openai/{'x' * 3000}{end}" for end in "ab")
    serve(monkeypatch, named(long_a, long_b, "virtual-model/openai/o3"))
    code, _, err = run(capsys, "export", "-o", str(tmp_path))
    assert code == 0, err
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 3 and all(len(f) <= 105 for f in files)
    names = {yaml.safe_load((tmp_path / f).read_text())["name"] for f in files}
    assert names == {long_a, long_b, "virtual-model/openai/o3"}


def test_files_are_written_whole_or_not_at_all(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    serve(monkeypatch, named("virtual-model/openai/a", "virtual-model/openai/b"))
    calls = []
    real_replace = os.replace

    def failing_replace(src: str, dst: Path) -> None:
        calls.append(dst)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    code, _, err = run(capsys, "export", "-o", str(tmp_path))
    assert code == 2 and "No space left on device" in err and calls
    assert list(tmp_path.iterdir()) == []  # no file, no temporary file
    monkeypatch.setattr(os, "replace", real_replace)


# ---------------------------------------------------------------------------------------------
# Connections: one file each, in the ADK's form; the models that use one name it by app_id

CONN_SECRET = "conn-VALUE-never-printed-31"
SET_CREDENTIALS = "orchestrate connections set-credentials"


def _connection(app_id: str, connection_id: str, kind: str = "key_value") -> dict[str, Any]:
    """A connection as ``client.connections.list()`` answers it, and a value no output may show."""
    block = {"kind": kind, "type": "team", "sso": False, "credentials_set": True}
    hostile = {
        **block,
        "credentials": {"api_key": CONN_SECRET},
        "custom_config_entries": {"token": CONN_SECRET},
    }
    return {
        "id": connection_id,
        "name": app_id,
        "app_id": app_id,
        "connection_id": connection_id,
        "environments": {"draft": hostile, "live": block},
    }


CONNECTIONS = [_connection("openai-creds", "c-1"), _connection("other", "c-2", "bearer")]
BOUND = [
    {"id": "1", "name": "virtual-model/openai/gpt-4o", "connection_id": "c-1"},
    {"id": "2", "name": "virtual-model/anthropic/c", "connection_id": "c-gone"},  # on no connection listed
]


def test_export_objects_writes_connections_first_and_points_models_at_them() -> None:
    exported, notes = export_objects(BOUND, [], connections=CONNECTIONS)
    assert [(e.kind, e.filename) for e in exported] == [
        ("connection", "connection-openai-creds.yaml"),
        ("connection", "connection-other.yaml"),
        ("model", "anthropic-c.yaml"),
        ("model", "openai-gpt-4o.yaml"),
    ]
    gpt = exported[3].document
    assert gpt["app_id"] == "openai-creds" and "connection_id" not in gpt
    assert exported[2].document["connection_id"] == "c-gone"  # not exported: kept as it is
    assert exported[0].secrets == (("api_key", "openaiCredsApiKey"),)  # the key its model needs
    assert exported[1].secrets == (("token", "otherToken"),)
    assert secrets_summary(exported)[:2] == [
        "  pulumi config set --secret openaiCredsApiKey <value>   # openai-creds credentials.api_key",
        "  pulumi config set --secret otherToken <value>   # other credentials.token",
    ]
    assert CONN_SECRET not in json.dumps([e.document for e in exported] + notes)
    # With --name: the connections that match, and those an exported model uses
    chosen, _ = export_objects(BOUND, [], ["openai/*"], connections=CONNECTIONS)
    assert [e.name for e in chosen] == ["openai-creds", "virtual-model/openai/gpt-4o"]
    assert [e.name for e in export_objects(BOUND, [], ["oth*"], connections=CONNECTIONS)[0]] == ["other"]


def test_a_connection_configured_in_no_environment_is_left_out_and_its_model_keeps_the_id() -> None:
    bare = {"id": "c-9", "name": "bare", "app_id": "bare", "connection_id": "c-9", "environments": {}}
    models = [{"id": "1", "name": "virtual-model/anthropic/c", "connection_id": "c-9"}]
    exported, notes = export_objects(models, [], connections=[bare])
    assert [(e.kind, e.filename) for e in exported] == [("model", "anthropic-c.yaml")]
    assert exported[0].document["connection_id"] == "c-9" and "app_id" not in exported[0].document
    assert any("left out connection 'bare': it is configured in no environment" in n for n in notes)


@pytest.mark.parametrize(
    "argv",
    [
        ("export",),
        ("export", "--for", "adk"),
        ("export", "--format", "python"),
        ("export", "--format", "python", "--host", "native"),
        ("export", "--format", "pulumi-import"),
        ("list",),
        ("list", "--json"),
    ],
)
def test_a_connection_credential_is_never_printed(
    argv: tuple[str, ...], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(monkeypatch, BOUND, [], CONNECTIONS)
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert CONN_SECRET not in out + err
    assert "openai-creds" in out


def test_export_for_the_adk_prints_the_import_order_without_values(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    serve(monkeypatch, BOUND[:1], [], CONNECTIONS[:1])
    code, _, err = run(capsys, "export", "--for", "adk", "--output", str(tmp_path))
    assert code == 0, err
    assert "exported 1 connection, 1 model and 0 policies" in err
    steps = [line.strip() for line in err.splitlines() if line.startswith("  orchestrate ")]
    assert steps == [
        "orchestrate connections import -f connection-openai-creds.yaml",
        f'{SET_CREDENTIALS} --app-id openai-creds --env draft -e "api_key=$OPENAI_CREDS_API_KEY"',
        f'{SET_CREDENTIALS} --app-id openai-creds --env live -e "api_key=$OPENAI_CREDS_API_KEY"',
        "orchestrate models import -f openai-gpt-4o.yaml --app-id openai-creds",
    ]
    conn = yaml.safe_load((tmp_path / "connection-openai-creds.yaml").read_text())
    assert conn["environments"]["draft"] == {"kind": "key_value", "type": "team"}
    model_text = (tmp_path / "openai-gpt-4o.yaml").read_text()
    assert "--app-id openai-creds" in model_text and yaml.safe_load(model_text)["app_id"] == "openai-creds"


@pytest.mark.parametrize(
    "argv",
    [
        ("export",),
        ("export", "--for", "adk"),
        ("export", "--format", "python"),
        ("list",),
        ("list", "--json"),
    ],
)
def test_a_hostile_app_id_stays_data_in_every_output(
    argv: tuple[str, ...], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app_id = 'creds\n::error::c ##[error]d\x1b[2J"; rm -rf / #'
    hostile = {
        **_connection(app_id, "c-9"),
        "environments": {"draft": _connection(app_id, "c-9")["environments"]["live"]},
    }
    serve(
        monkeypatch, [{"id": "1", "name": "virtual-model/openai/o3", "connection_id": "c-9"}], [], [hostile]
    )
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    for text in (out, err):
        assert WORKFLOW_COMMAND.search(text) is None and RAW_CONTROLS.search(text) is None, text
    if argv == ("export", "--format", "python"):
        [call] = [
            n
            for n in ast.walk(ast.parse(out))
            if isinstance(n, ast.Call) and ast.unparse(n.func) == "wxo.Connection"
        ]
        assert {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg == "app_id"} == {
            "app_id": app_id
        }
    elif argv[0] == "export":
        assert yaml.safe_load(out.split("---\n")[0])["app_id"] == app_id  # the file says what the server said
    if argv == ("export", "--for", "adk"):  # a command line quotes it whole
        [line] = [x for x in err.splitlines() if "set-credentials" in x]
        assert "--app-id 'creds\\x0a" in line and "\"; rm -rf / #' --env draft -e" in line
