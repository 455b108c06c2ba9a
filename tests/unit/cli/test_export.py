"""``pulumi-wxo export`` offline: a settings error, and the helpers (filter, dedupe, secrets)."""

from __future__ import annotations

import json

import pytest

from pulumi_wxo.cli.export import export_objects, secrets_summary
from tests.unit.cli.support import run

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
