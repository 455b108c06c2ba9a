"""Request counts through the real engine: one POST per model, O(1) lists for many objects.

The emulator's request log is the meter. For N models: `up` is N POSTs plus a few lists,
a no-op `preview` one list (the proof of the credential, lifecycle/runtime.py), `refresh`
at most 3 requests whatever N, a one-edit `up` at most 2, `destroy` N DELETEs plus at most
3. The guarantees stay: a taken name is refused at preview, drift is found on refresh, an
out-of-band delete is recreated (test_model_engine.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pulumi

import pulumi_wxo as wxo
from pulumi_wxo.emulator import EmulatorThread
from tests.support.engine import Engine

N = 12
TOKEN_PATHS = ("/identity", "/siusermgr", "/icp4d-api", "/api/2.0", "/v1/auth")


def catalogue(edited: bool = False) -> Callable[[], None]:
    def program() -> None:
        for i in range(N):
            display = f"Model {i}" + (" (edited)" if edited and i == 0 else "")
            wxo.Model(
                f"m{i:02d}",
                name=f"openai/count-{i:02d}",
                display_name=display,
                provider_config={"api_key": f"sk-count-{i:02d}"},
            )
        pulumi.export("n", N)

    return program


def api_requests(emulator: EmulatorThread) -> Counter[str]:
    log = emulator.control.requests()
    return Counter(r["method"] for r in log if not r["path"].startswith(TOKEN_PATHS))


def test_requests_per_phase(engine_factory: Callable[..., Engine], emulator: EmulatorThread) -> None:
    eng = engine_factory(catalogue())
    emulator.control.clear_requests()
    eng.up()
    up = api_requests(emulator)
    assert up["POST"] == N  # one POST per model: nothing looked up after a clean create
    assert up["GET"] <= 3, up  # the name checks share one list (preview and create)
    assert set(up) <= {"POST", "GET"}

    emulator.control.clear_requests()
    eng.preview()
    assert api_requests(emulator) == Counter({"GET": 1}), api_requests(emulator)

    emulator.control.clear_requests()
    eng.refresh()
    assert sum(api_requests(emulator).values()) <= 3, api_requests(emulator)

    emulator.control.clear_requests()
    eng.up(catalogue(edited=True))
    edit = api_requests(emulator)
    assert edit["PUT"] == 1 and sum(edit.values()) <= 2, edit

    emulator.control.clear_requests()
    eng.destroy()
    gone = api_requests(emulator)
    assert gone["DELETE"] == N and sum(gone.values()) - N <= 3, gone
    assert emulator.control.state()["models"] == []
