"""A dead credential fails `pulumi preview` through the real engine, also when nothing changes.

A pull request's preview is the check a reviewer trusts: with the stack's ``wxo:token`` set to
one the instance refuses, a no-op preview must fail naming the setting to fix (never the
token), on both hosts, at one request. Without connection settings (a fork's pull request has
no secrets) the preview passes as before, without a request.
"""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pytest
from pulumi import automation as auto

import pulumi_wxo as wxo
import pulumi_wxo.native as native
from tests.support.engine import Engine

DEAD = "dead-token-refused-9137"
HOSTS = {"dynamic": wxo, "native": native}


def catalogue(host: str) -> Callable[[], None]:
    sdk = HOSTS[host]

    def program() -> None:
        gpt = sdk.Model("gpt", name=f"openai/proof-{host}", provider_config={"api_key": "sk-proof-1"})
        sdk.ModelPolicy("route", name=f"proof-{host}", strategy="single", targets=[{"model": gpt}])

    return program


def api_requests(eng: Engine) -> list[str]:
    return [f"{r['method']} {r['path']}" for r in eng.emulator.control.requests() if "/models" in r["path"]]


def test_a_dead_credential_fails_a_no_op_preview(host: str, engine_factory: Callable[..., Engine]) -> None:
    eng = engine_factory(catalogue(host))
    eng.up()
    eng.emulator.control.clear_requests()
    assert eng.preview().change_summary == {"same": 3}
    assert len([r for r in api_requests(eng) if r.startswith("GET")]) == 1, api_requests(eng)

    eng.stack.set_config("wxo:token", auto.ConfigValue(DEAD, secret=True))
    with pytest.raises(auto.CommandError) as info:
        eng.preview()
    msg = str(info.value)
    assert "wxo:token" in msg and "HTTP 401" in msg, msg
    assert DEAD not in msg and DEAD not in eng.text()
    assert "Traceback" not in msg


def test_without_settings_a_preview_asks_nothing(engine_factory: Callable[..., Engine]) -> None:
    eng = engine_factory(catalogue("dynamic"))
    eng.stack.remove_config("wxo:url")
    eng.stack.remove_config("wxo:token")
    eng.emulator.control.clear_requests()

    def program() -> None:
        catalogue("dynamic")()
        pulumi.export("ok", True)

    assert eng.preview(program).change_summary == {"create": 3}
    assert api_requests(eng) == []
