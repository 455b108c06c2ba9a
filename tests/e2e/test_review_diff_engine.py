"""What a reviewer reads in `pulumi preview --diff`: the user's fields, nothing internal, on both hosts.

After drift made out of band and a refresh, the preview of the update shows the drifted field
and nothing the provider keeps for itself (the owner it computes, the pickled provider, the
stamps) nor control inputs left at their defaults (``adopt``, ``force_delete``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pulumi_wxo as wxo
import pulumi_wxo.native as native
from tests.support.emulator import by_hand
from tests.support.engine import Engine

HOSTS = {"dynamic": wxo, "native": native}
INTERNAL = (
    "owner",
    "owner_stack",
    "owner_tag",
    "__provider",
    "provider_version",
    "instance",
    "adopt",
    "force_delete",
    "secret_name",
    "declared_models",
)


def catalogue(host: str) -> Callable[[], None]:
    sdk = HOSTS[host]

    def program() -> None:
        gpt = sdk.Model(
            "gpt",
            name=f"openai/review-{host}",
            display_name="Review GPT",
            provider_config={"api_key": "sk-review-1"},
            config={"max_tokens": 64},
            tags=["team-a"],
        )
        sdk.ModelPolicy(
            "route",
            name=f"review-route-{host}",
            description="Routes to the review model",
            strategy="single",
            targets=[{"model": gpt}],
        )

    return program


def printed(stdout: str, key: str) -> bool:
    """Whether the diff prints ``key`` at all: as a change (`+ key:`) or as a context line (`key:`)."""
    return re.search(rf"^\s*[-+~]?\s*{re.escape(key)}\s*:", stdout, flags=re.M) is not None


def shown_keys(stdout: str) -> set[str]:
    """The property names the diff prints, from lines such as `~ display_name: ...` or `+ owner: ...`."""
    return set(re.findall(r"^\s*[-+~]\s+([A-Za-z_][\w]*)\s*:", stdout, flags=re.M))


def test_preview_diff_after_drift_shows_only_declared_fields(
    host: str, engine_factory: Callable[..., Engine]
) -> None:
    eng = engine_factory(catalogue(host))
    eng.up()
    model = eng.models()[0]
    with by_hand(eng.emulator) as raw:
        raw.put(f"/models/{model['id']}", json={**model, "display_name": "edited by hand"}).raise_for_status()
        [policy] = raw.get("/model_policy").json()
        raw.put(f"/model_policy/{policy['id']}", json={**policy, "description": "edited"}).raise_for_status()
    eng.refresh()
    prev = eng.preview(diff=True)
    assert {k: v for k, v in prev.change_summary.items() if k != "same"} == {"update": 2}, prev.stdout
    keys = shown_keys(prev.stdout)
    assert {"display_name", "description"} <= keys, prev.stdout
    assert not keys & set(INTERNAL), prev.stdout
    # Not even as unchanged context lines beside the change (docs/dev/lifecycle.md, "What a diff shows").
    assert [k for k in INTERNAL if printed(prev.stdout, k)] == [], prev.stdout
