"""specs.program: exported specs as a Pulumi program that adopts them: secrets from stack
config, policies wired to the Model resources, models to the Connection resources."""

from __future__ import annotations

import pytest

from pulumi_wxo.specs import export_connection, export_model, export_policy, python_program
from pulumi_wxo.specs.export_connections import point_at_connection
from tests.support.routing import route, target

pytestmark = pytest.mark.unit

CONNECTION = {
    "app_id": "openai-creds",
    "connection_id": "c-1",
    "environments": {
        env: {"kind": "key_value", "type": "team", "credentials_set": True} for env in ("draft", "live")
    },
}


def test_python_program_adopts_wires_and_reads_secrets() -> None:
    exported = [
        export_model({"id": "m", "name": "virtual-model/openai/gpt-4o", "provider_config": {}}),
        export_model({"id": "m3", "name": "virtual-model/anthropic/c", "connection_id": "conn-1"}),
        export_policy(
            {
                "name": "virtual-policy/mix",
                "policy": route(
                    "fallback",
                    target("virtual-model/openai/gpt-4o"),
                    route("loadbalance", target("virtual-model/anthropic/c", 1)),
                    target("virtual-model/groq/elsewhere"),
                ),
            }
        ),
    ]
    source = python_program(exported, source="http://h")
    compile(source, "__main__.py", "exec")
    assert 'cfg.require_secret("openaiApiKey")' in source
    assert source.count("    adopt=True,\n") == 3
    assert '{"model": openai_gpt_4o}' in source
    assert '{"model": anthropic_c, "weight": 1}' in source
    assert '{"model_name": "virtual-model/groq/elsewhere"}' in source
    assert "pulumi config set --secret openaiApiKey <value>" in source


def test_the_program_declares_the_connection_and_wires_its_models() -> None:
    model = point_at_connection(
        export_model({"id": "m", "name": "virtual-model/openai/gpt-4o", "connection_id": "c-1"}),
        "openai-creds",
    )
    source = python_program([export_connection(CONNECTION, bound=("api_key",)), model])
    compile(source, "__main__.py", "exec")
    assert source.index("wxo.Connection(") < source.index("wxo.Model(")
    assert '"credentials": {"api_key": cfg.require_secret("openaiCredsApiKey")}' in source
    assert (
        "connection_id=openai_creds.connection_id," in source
        and 'app_id="openai-creds",\n    adopt' not in source
    )
    assert "pulumi config set --secret openaiCredsApiKey <value>" in source
