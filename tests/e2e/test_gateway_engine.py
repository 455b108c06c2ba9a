"""A gateway's 404 page through the real engine: refresh and destroy stop, the state keeps everything.

A maintenance page or a gateway in front of the instance answers 404 to every request. The
ADK reads a 404 on a list as "empty"; believed, it would make refresh drop every resource from
the state and destroy forget them while they stay on the server (docs/dev/lifecycle.md, "When the
server says 404").
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pulumi import automation as auto

import pulumi_wxo as wxo
from tests.support.engine import Engine

PAGE = "<!DOCTYPE html><html><body><h1>404</h1><p>Down for maintenance</p></body></html>"


def program() -> None:
    a = wxo.Model("a", name="openai/gateway-a", provider_config={"api_key": "sk-gateway-a"})
    wxo.Model("b", name="openai/gateway-b", provider_config={"api_key": "sk-gateway-b"})
    wxo.ModelPolicy("route", name="gateway-route", strategy="single", targets=[{"model": a}])


def wxo_resources(eng: Engine) -> list[str]:
    deployment = eng.stack.export_stack().deployment
    return sorted(r["urn"].rsplit("::", 1)[1] for r in deployment["resources"] if "wxo:" in r["type"])


def test_a_gateway_404_page_stops_refresh_and_destroy(engine_factory: Callable[..., Engine]) -> None:
    eng = engine_factory(program)
    eng.up()
    assert wxo_resources(eng) == ["a", "b", "route"]
    server = eng.emulator.control.state()

    eng.emulator.control.add_fault(method="GET", status=404, html=PAGE)
    with pytest.raises(auto.CommandError) as info:
        eng.refresh()
    message = str(info.value)
    assert "the answer is an HTML page, not the API's" in message, message
    assert "nothing was changed in the state" in message
    assert "Traceback" not in message and "<html>" not in message
    assert wxo_resources(eng) == ["a", "b", "route"]

    eng.emulator.control.clear_faults()
    eng.emulator.control.add_fault(status=404, html=PAGE)  # every method, DELETE included
    with pytest.raises(auto.CommandError) as info:
        eng.destroy()
    assert "the answer is an HTML page, not the API's" in str(info.value)
    assert wxo_resources(eng) == ["a", "b", "route"]
    assert eng.emulator.control.state()["models"] == server["models"]

    # The instance back: nothing drifted, and destroy removes everything.
    eng.emulator.control.clear_faults()
    refreshed = eng.refresh()
    assert {k: v for k, v in (refreshed.summary.resource_changes or {}).items() if k != "same"} == {}
    eng.destroy()
    assert eng.models() == [] and eng.emulator.control.state()["policies"] == []
