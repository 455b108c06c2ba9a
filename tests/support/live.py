"""Support for the live acceptance suite (tests/e2e/test_live_engine.py): where it runs, the
unique name prefix of one run, and the cleanup that removes every object with that prefix.

By default the suite runs against the emulator. ``WXO_LIVE=1`` with ``WXO_URL`` and the
credentials the provider reads (the ``WXO_*`` variables of api/settings.py) points it at a real
instance instead. Either way the provider gets its settings from those ``WXO_*`` variables, so
both modes take the same path; only the target differs. See docs/dev/live.md.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from pulumi_wxo.api.client import WxoClient
from pulumi_wxo.api.errors import WxoError
from pulumi_wxo.api.settings import ConnectionSettings, shown_url

LIVE_SWITCH = "WXO_LIVE"
PREFIX_ROOT = "pulumi-wxo-live-"


def live_requested(environ: Mapping[str, str]) -> bool:
    return environ.get(LIVE_SWITCH, "").strip().lower() in ("1", "true", "yes")


def run_prefix(run_id: str | None = None) -> str:
    """``pulumi-wxo-live-<run id>-``: lower-case hex, valid in a model's last name segment and in
    a policy name, and unique per run so that two runs (or a leftover) never touch each other."""
    return f"{PREFIX_ROOT}{run_id or secrets.token_hex(4)}-"


def has_prefix(name: object, prefix: str) -> bool:
    """Only the last segment counts (``virtual-model/openai/<prefix>gpt``,
    ``virtual-policy/<prefix>p``): an object of someone else never matches by accident."""
    return isinstance(name, str) and name.rsplit("/", 1)[-1].startswith(prefix)


@dataclass(frozen=True)
class Target:
    """Where one run of the suite goes: the ``WXO_*`` environment for the engine's provider,
    the same settings for the test's own API client, and a label for messages."""

    env: dict[str, str]
    settings: ConnectionSettings
    label: str
    live: bool = False

    def client(self) -> WxoClient:
        return WxoClient(self.settings)


_WXO_KEYS = (
    "WXO_URL",
    "WXO_API_KEY",
    "WXO_TOKEN",
    "WXO_AUTH_TYPE",
    "WXO_IAM_URL",
    "WXO_USERNAME",
    "WXO_PASSWORD",
    "WXO_CA_BUNDLE",
    "WXO_INSECURE",
    "WXO_TIMEOUT",
    "WXO_MAX_RETRIES",
    "WXO_MAX_RETRY_TIME",
    "WXO_BASE_PATH",
    "WXO_ALLOW_HTTP",
    "WXO_MAX_RESPONSE_BYTES",
)


def target_from_environ(environ: Mapping[str, str]) -> Target:
    """The real instance named by ``WXO_URL`` and its credentials; a ConfigError (no secret in
    it) when they are missing or invalid."""
    env = {k: environ[k] for k in _WXO_KEYS if environ.get(k, "").strip()}
    settings = ConnectionSettings.from_sources(lambda _key: None, env)
    return Target(env=env, settings=settings, label=shown_url(settings.url), live=True)


def emulator_target(url: str, token: str) -> Target:
    env = {"WXO_URL": url, "WXO_TOKEN": token}
    return Target(env=env, settings=ConnectionSettings(url=url, token=token), label="the emulator")


@dataclass
class Sweep:
    """What a cleanup removed, and what it could not remove (name and reason, no secret)."""

    deleted: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def sweep(client: WxoClient, prefix: str) -> Sweep:
    """Delete every policy, then every model, whose name has ``prefix``.

    Policies first: a model that a policy still routes to may be refused (api-contract §6).
    One failure does not stop the others; the caller reports what is left.
    """
    done = Sweep()
    for kind, listing, delete in (
        ("policy", client.list_policies, client.delete_policy),
        ("model", client.list_models, client.delete_model),
    ):
        try:
            objects = listing()
        except WxoError as err:
            done.failed.append((f"every {kind}", str(err)))
            continue
        for obj in objects:
            name, id_ = obj.get("name"), obj.get("id")
            if not has_prefix(name, prefix) or not isinstance(id_, str):
                continue
            try:
                delete(id_, name=str(name))
                done.deleted.append(str(name))
            except WxoError as err:
                done.failed.append((str(name), str(err)))
    return done


class LeftoverError(AssertionError):
    """The cleanup could not remove every object of the run."""


@contextmanager
def cleaned_up(
    target: Target, prefix: str, *, destroy: Callable[[], object] | None = None
) -> Iterator[Sweep]:
    """Run the body, then always: ``destroy`` (the engine's own teardown; its failure is only
    noted) and a sweep of ``prefix``. The body's own error wins; when the body succeeded but
    something is left on the instance, LeftoverError names it."""
    result = Sweep()
    body_failed = False
    try:
        yield result
    except BaseException:
        body_failed = True
        raise
    finally:
        if destroy is not None:
            try:
                destroy()
            except Exception as err:  # noqa: BLE001 — the sweep below is the safety net
                result.failed.append(("pulumi destroy", type(err).__name__))
        with target.client() as client:
            swept = sweep(client, prefix)
            try:
                left = [o.get("name") for o in client.models.list() + client.policies.list()]
            except WxoError as err:
                left, swept.failed = [], [*swept.failed, ("the final listing", str(err))]
        result.deleted.extend(swept.deleted)
        result.failed.extend(swept.failed)
        remaining = sorted(str(n) for n in left if has_prefix(n, prefix))
        if (remaining or swept.failed) and not body_failed:
            raise LeftoverError(f"left on {target.label} after cleanup: {remaining}; {swept.failed}")
