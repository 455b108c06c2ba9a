"""Move a stack's models and policies from the dynamic host to the native plugin, by rewriting
its ``pulumi stack export`` (docs/guide/migration.md says why a rewrite and not aliases).

A pure function over the export's JSON: nothing is decrypted, nothing is sent anywhere. It
rewrites

- the type tokens ``pulumi-python:dynamic/wxo:Model`` / ``...:ModelPolicy`` to ``wxo:index:Model``
  / ``wxo:index:ModelPolicy``, and with them every URN that contains them (a URN's type part is
  the chain of its parents' types), wherever a URN is stored: ``urn``, ``parent``,
  ``dependencies``, ``propertyDependencies``, ``deletedWith``, ``replaceWith``, ``aliases``;
- the ``provider`` of those resources, from the default ``pulumi:providers:pulumi-python``
  provider to a default ``pulumi:providers:wxo`` provider resource, added with the ``wxo:*`` keys
  of the old provider's config as its inputs, without the ``wxo:`` namespace, as the engine
  writes a default provider (a secret's ciphertext object is copied as it is);
- ``__provider`` (the pickled dynamic provider) out of inputs, outputs and property dependencies.

Ids and every other input and output stay as they were. Anything it does not understand is a
MigrationError naming the resource and the field; then the caller writes nothing.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from pulumi_wxo.resources import RESOURCES

__all__ = [
    "MAX_STATE_BYTES",
    "NATIVE_TYPES",
    "Migrated",
    "MigrationError",
    "default_provider_name",
    "migrate_deployment",
    "plaintext_secrets",
]

#: Every resource's dynamic-host type token -> its plugin type token (from the declarations).
NATIVE_TYPES: Mapping[str, str] = {r.dynamic_token: r.native_token for r in RESOURCES}
DYNAMIC_PROVIDER_TYPE = "pulumi:providers:pulumi-python"
NATIVE_PROVIDER_TYPE = "pulumi:providers:wxo"
CONFIG_NAMESPACE = "wxo:"
DYNAMIC_ONLY_KEY = "__provider"
#: A stack export larger than this is refused before it is parsed: a tenant of thousands of
#: models is a few MiB.
MAX_STATE_BYTES = 256 * 1024 * 1024

# How the engine marks a secret value in a stack export (its resource.SecretSig).
SECRET_SIG = "4dabf18193072939515e22adb298388d"
SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270"
_URN_PREFIX = "urn:pulumi:"
_URN_FIELDS = ("parent", "deletedWith")
_URN_LIST_FIELDS = ("dependencies", "replaceWith", "aliases")
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$")


class MigrationError(ValueError):
    """The export cannot be migrated safely; ``where`` names the resource (URN) or the field."""

    def __init__(self, message: str, *, where: str = "") -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where


class Migrated:
    """The result: the new export, what was moved (URN old -> new), and where it holds a
    secret in plaintext (:func:`plaintext_secrets`)."""

    def __init__(self, export: dict[str, Any], moved: dict[str, str], provider_urn: str) -> None:
        self.export = export
        self.moved = moved
        self.provider_urn = provider_urn
        self.plaintext: list[str] = []


def default_provider_name(version: str | None) -> str:
    """The engine's name for a default provider: ``default``, or ``default_1_2_3`` when the SDK
    asks for a version (the engine's ProviderRequest.DefaultName)."""
    if version is None:
        return "default"
    match = _SEMVER.match(version)
    if match is None:
        raise MigrationError(
            f"'{version}' is not a semantic version (like 0.2.0)", where="--provider-version"
        )
    major, minor, patch, pre, build = match.groups()
    name = f"default_{major}_{minor}_{patch}"
    for part in (pre, build):
        if part:
            name += "".join(f"_{p}" for p in part.split("."))
    return name


def _split_urn(urn: object, where: str) -> tuple[str, str, str, str]:
    if not isinstance(urn, str):
        raise MigrationError("is not a URN string", where=where)
    # urn:pulumi:<stack>::<project>::<qualified type>::<name>; only the name may contain "::".
    parts = urn.removeprefix(_URN_PREFIX).split("::", 3) if urn.startswith(_URN_PREFIX) else []
    if len(parts) != 4 or not all(parts[:3]):
        raise MigrationError(f"'{urn[:200]}' is not a Pulumi URN", where=where)
    return parts[0], parts[1], parts[2], parts[3]


def _renamed(urn: str, where: str) -> str:
    """``urn`` with every dynamic wxo type in its type chain replaced by the native one."""
    stack, project, qualified, name = _split_urn(urn, where)
    chain = [NATIVE_TYPES.get(t, t) for t in qualified.split("$")]
    return f"{_URN_PREFIX}{stack}::{project}::{'$'.join(chain)}::{name}"


def _provider_ref(ref: object, where: str) -> tuple[str, str]:
    """A provider reference ``<provider URN>::<provider id>`` split in two."""
    if not isinstance(ref, str) or "::" not in ref:
        raise MigrationError("is not a provider reference (URN::id)", where=where)
    urn, _, id_ = ref.rpartition("::")
    _split_urn(urn, where)
    return urn, id_


def _check_top(export: object) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if (
        not isinstance(export, dict)
        or export.get("version") != 3
        or not isinstance(export.get("deployment"), dict)
    ):
        raise MigrationError(
            'not the output of `pulumi stack export` (expected {"version": 3, "deployment": {...}})'
        )
    deployment: dict[str, Any] = export["deployment"]
    resources = deployment.get("resources") or []
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
        raise MigrationError("is not a list of resource objects", where="deployment.resources")
    pending = deployment.get("pending_operations") or []
    if not isinstance(pending, list):
        raise MigrationError("is not a list of operations", where="deployment.pending_operations")
    if pending:
        kinds = sorted({str(op.get("type")) for op in pending if isinstance(op, dict)})
        raise MigrationError(
            f"the stack has {len(pending)} pending operation(s) ({', '.join(kinds)}) from an interrupted "
            "update; run `pulumi refresh` (it asks what to do with each) and export again",
            where="deployment.pending_operations",
        )
    return deployment, resources


def migrate_deployment(export: object, *, provider_id: str, version: str | None = None) -> Migrated:
    """The migrated copy of ``export`` (the parsed ``pulumi stack export`` file); ``export``
    itself is not changed. ``provider_id`` is the new provider resource's id (the engine writes a
    UUID); ``version`` the plugin version the native SDK asks for, if it asks for one.
    """
    deployment, resources = _check_top(copy.deepcopy(export))
    name = default_provider_name(version)
    by_urn: dict[str, dict[str, Any]] = {}
    for i, res in enumerate(resources):
        urn = res.get("urn")
        _split_urn(urn, f"deployment.resources[{i}].urn")
        by_urn[str(urn)] = res

    ours = [r for r in resources if _type(r) in NATIVE_TYPES]
    if not ours:
        raise MigrationError("no pulumi-wxo resource of the dynamic host in this stack: nothing to migrate")
    old_providers: set[str] = set()
    for res in ours:
        where = str(res["urn"])
        if res.get("delete") or res.get("pendingReplacement"):
            raise MigrationError(
                "waits to be deleted after a replace that did not finish; run `pulumi up` first", where=where
            )
        if not res.get("custom") or not isinstance(res.get("id"), str) or not res["id"]:
            raise MigrationError("has no id; run `pulumi refresh` first", where=where)
        provider_urn, _ = _provider_ref(res.get("provider"), f"{where}: provider")
        provider = by_urn.get(provider_urn)
        if provider is None or provider.get("type") != DYNAMIC_PROVIDER_TYPE:
            raise MigrationError(
                f"its provider {provider_urn} is not a pulumi-python provider of this stack", where=where
            )
        if _split_urn(provider_urn, where)[3] != "default":
            raise MigrationError(
                "uses an explicit pulumi-python provider; only the default provider is migrated "
                "(docs/guide/migration.md)",
                where=where,
            )
        old_providers.add(provider_urn)
    if len(old_providers) > 1:
        # One stack has one default pulumi-python provider: this export merges several.
        raise MigrationError(
            f"its pulumi-wxo resources use {len(old_providers)} default pulumi-python providers "
            f"({', '.join(sorted(old_providers))}); a stack export has one: export each stack on its own",
            where="deployment.resources",
        )
    [old_provider_urn] = old_providers
    old_provider = by_urn[old_provider_urn]

    stack, project, _, _ = _split_urn(old_provider_urn, old_provider_urn)
    new_provider_urn = f"{_URN_PREFIX}{stack}::{project}::{NATIVE_PROVIDER_TYPE}::{name}"
    if new_provider_urn in by_urn:
        raise MigrationError("is already in the stack: was it migrated before?", where=new_provider_urn)
    new_ref = f"{new_provider_urn}::{provider_id}"

    moved = {str(r["urn"]): _renamed(str(r["urn"]), str(r["urn"])) for r in resources}
    moved = {old: new for old, new in moved.items() if old != new}
    clashes = sorted(set(moved.values()) & set(by_urn))
    if clashes:
        raise MigrationError("already exists beside the resource that would take its URN", where=clashes[0])

    for res in resources:
        _rewrite_urns(res)
        if _type(res) in NATIVE_TYPES:
            res["type"] = NATIVE_TYPES[res["type"]]
            res["provider"] = new_ref
            for key in ("inputs", "outputs", "propertyDependencies"):
                if isinstance(res.get(key), dict):
                    res[key].pop(DYNAMIC_ONLY_KEY, None)

    new_provider = _native_provider(old_provider, new_provider_urn, provider_id, version)
    still_used = any(str(r.get("provider") or "").startswith(old_provider_urn + "::") for r in resources)
    at = resources.index(old_provider)
    if still_used:
        resources.insert(at + 1, new_provider)
    else:
        resources[at] = new_provider
    migrated = Migrated({"version": 3, "deployment": deployment}, moved, new_provider_urn)
    migrated.plaintext = plaintext_secrets(resources)
    return migrated


def _type(res: Mapping[str, Any]) -> str:
    value = res.get("type")
    return value if isinstance(value, str) else ""


def plaintext_secrets(resources: list[dict[str, Any]]) -> list[str]:
    """Where the export holds a secret in plaintext (``pulumi stack export --show-secrets``
    writes ``{<secret signature>: ..., "plaintext": ...}`` instead of a ciphertext): one
    ``<URN>: <field path>`` each, never the value."""
    found: list[str] = []
    for res in resources:
        # Iterative: a state nested deeper than Python's recursion still parses as JSON.
        stack: list[tuple[str, Any]] = [(key, res.get(key)) for key in ("inputs", "outputs")]
        while stack:
            path, value = stack.pop()
            if isinstance(value, dict):
                if value.get(SECRET_SIG) == SECRET_SIG_VALUE and "plaintext" in value:
                    found.append(f"{res.get('urn')}: {path}")
                    continue
                stack.extend((f"{path}.{k}", v) for k, v in value.items())
            elif isinstance(value, list):
                stack.extend((f"{path}[{i}]", v) for i, v in enumerate(value))
    return sorted(found)


def _rewrite_urns(res: dict[str, Any]) -> None:
    """Every URN the resource holds, renamed. A URN need not be in the stack (an alias names a
    former URN), so the rename is by type chain, not by lookup."""
    where = str(res["urn"])

    def renamed(value: object, field: str) -> object:
        return _renamed(value, f"{where}: {field}") if isinstance(value, str) else value

    res["urn"] = _renamed(res["urn"], where)
    for key in _URN_FIELDS:
        if res.get(key):
            res[key] = renamed(res[key], key)
    for key in _URN_LIST_FIELDS:
        if isinstance(res.get(key), list):
            res[key] = [renamed(u, key) for u in res[key]]
    deps = res.get("propertyDependencies")
    if isinstance(deps, dict):
        for prop, urns in deps.items():
            if isinstance(urns, list):
                deps[prop] = [renamed(u, f"propertyDependencies.{prop}") for u in urns]


def _native_provider(
    old: Mapping[str, Any], urn: str, provider_id: str, version: str | None
) -> dict[str, Any]:
    """The default wxo provider as the engine records it: the package's config keys without
    their namespace (the engine's GetPackageConfig), ``version`` when the SDK asks for one."""

    def config(values: object, *, internal: bool) -> dict[str, Any]:
        if not isinstance(values, dict):
            return {}
        picked = {k[len(CONFIG_NAMESPACE) :]: v for k, v in values.items() if k.startswith(CONFIG_NAMESPACE)}
        if version is not None:
            # The engine's SetProviderVersion: "version" beside the config, and an empty
            # "__internal" object in the inputs (not in the outputs), as a real native stack has.
            picked["version"] = version
            if internal:
                picked["__internal"] = {}
        return dict(sorted(picked.items()))

    provider: dict[str, Any] = {
        "urn": urn,
        "custom": True,
        "id": provider_id,
        "type": NATIVE_PROVIDER_TYPE,
        "inputs": config(old.get("inputs"), internal=True),
        "outputs": config(old.get("outputs"), internal=False),
    }
    for key in ("created", "modified"):
        if key in old:
            provider[key] = old[key]
    return provider
