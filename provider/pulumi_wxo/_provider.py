"""Resource providers: the only lifecycle code.

The Pulumi engine drives these classes through ``python -m pulumi.dynamic`` (one process per
stack, four worker threads). Facts from the dynamic-provider note that shape this module:

* The provider object is pickled into state **by reference** (``pulumi_wxo._provider.ModelProvider``):
  keep this module path and the class names stable, and keep nothing on ``self``. Connection
  settings are read in :meth:`configure` from stack config with an environment fallback and
  kept in the process-wide :data:`RUNTIME`, never in state.
* ``check`` returns the inputs the engine stores (it *replaces* them); ``diff``/``update``/
  ``delete``/``read`` receive the old **outputs**; numbers arrive as floats; during preview
  ``check`` and ``diff`` see :class:`pulumi.output.Unknown` values.
* ``DiffResult.stables`` is ignored and the default ``diff`` would compare ``__provider``:
  our diff compares only the model's fields.
* The default ``update`` wipes outputs: ``update`` returns every output.

Contract (as in ``pulumi/dynamic/dynamic.py``): create is transactional — it never leaves a
second model of the same name behind, even when a POST times out after the server acted;
read returns an empty id when the model is gone; delete treats 404 as done.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TextIO

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

from pulumi_wxo._client import WxoClient
from pulumi_wxo._config import ConnectionSettings
from pulumi_wxo._errors import (
    ApiError,
    ConfigError,
    InvalidInputError,
    ModelExistsError,
    ModelInUseError,
    NotFoundError,
    QuotaExceededError,
    RetriesExhaustedError,
    TransportError,
    WxoError,
    logger,
)
from pulumi_wxo._schema import (
    MODEL_DIFF_FIELDS,
    MODEL_REPLACE_FIELDS,
    POLICY_DIFF_FIELDS,
    POLICY_REPLACE_FIELDS,
    SECRET_FIELDS,
    Failure,
    ModelSpec,
    PolicySpec,
    canonical,
    is_masked,
    normalize_model,
    normalize_model_name,
    normalize_policy,
    policy_model_names,
    to_snake_key,
    validate_model,
    validate_policy,
)

# The string the SDK puts on the wire for an unknown value during preview (pulumi.runtime.rpc).
_UNKNOWN_WIRE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
PROVIDER_KEY = "__provider"

# Inputs of a Model that are not part of the API body.
MODEL_CONTROL_INPUTS: frozenset[str] = frozenset({"adopt", "force_delete"})
# Outputs computed by the provider (never inputs).
MODEL_COMPUTED_OUTPUTS: tuple[str, ...] = ("model_id", "provider")


def is_unknown(value: Any) -> bool:
    """True when ``value`` is, or contains, a preview unknown."""
    if isinstance(value, Unknown) or (isinstance(value, str) and value == _UNKNOWN_WIRE):
        return True
    if isinstance(value, Mapping):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(is_unknown(v) for v in value)
    return False


# --------------------------------------------------------------------------- runtime


class Runtime:
    """Process-wide connection settings and one HTTP client per distinct settings.

    Lives outside the provider objects so nothing of it is pickled into state. The
    provider process runs up to four calls at once, hence the lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._settings: ConnectionSettings | None = None
        self._error: ConfigError | None = None
        self._clients: dict[Any, WxoClient] = {}
        self.sleep: Callable[[float], None] = time.sleep
        self.transport: Any = None  # tests inject an httpx transport

    def configure(self, get: Callable[[str], str | None], environ: Mapping[str, str]) -> None:
        """Read settings now; a problem is raised at the first API call, not at preview."""
        configure_logging(environ)
        with self._lock:
            try:
                self._settings, self._error = ConnectionSettings.from_sources(get, environ), None
            except ConfigError as err:
                self._settings, self._error = None, err

    def client(self) -> WxoClient:
        with self._lock:
            if self._settings is None and self._error is None:
                # Not configured by the engine (direct use): environment only.
                try:
                    self._settings = ConnectionSettings.from_sources(lambda _k: None, os.environ)
                except ConfigError as err:
                    self._error = err
            if self._error is not None:
                raise self._error
            assert self._settings is not None
            key = self._settings.cache_key()
            client = self._clients.get(key)
            if client is None:
                client = WxoClient(self._settings, transport=self.transport, sleep=self._sleep)
                self._clients[key] = client
            return client

    def max_retries(self) -> int:
        """``wxo:maxRetries`` (the create loop's bound follows the client's)."""
        with self._lock:
            return self._settings.max_retries if self._settings is not None else 0

    def _sleep(self, seconds: float) -> None:
        # Indirect, so a test can swap ``sleep`` after the client exists.
        self.sleep(seconds)

    def reset(self) -> None:
        """Forget settings and close clients (tests)."""
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()
            self._settings = self._error = None


RUNTIME = Runtime()

LOG_LEVEL_ENV = "WXO_LOG_LEVEL"


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Marks the one handler ``configure_logging`` adds, so a second configure adds none."""


def configure_logging(environ: Mapping[str, str]) -> None:
    """``WXO_LOG_LEVEL=DEBUG|INFO|WARNING|ERROR``: send the ``pulumi_wxo`` logger to stderr.

    The engine shows a provider plugin's stderr lines as diagnostics (and in its verbose log),
    so this is how a user sees the provider's requests, retries and token refreshes. Every
    record passes the logger's RedactingFilter first (_errors.py): no secret reaches stderr.
    Unset or empty: nothing changes (the plugin then prints warnings only via lastResort).
    """
    raw = (environ.get(LOG_LEVEL_ENV) or "").strip().upper()
    if not raw:
        return
    level = logging.getLevelName(raw)
    if not isinstance(level, int):
        level = logging.WARNING
    logger.setLevel(level)
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("pulumi_wxo %(levelname)s %(message)s"))
        logger.addHandler(handler)
    if level == logging.WARNING and raw != "WARNING":
        logger.warning("%s=%r is not DEBUG, INFO, WARNING or ERROR; using WARNING", LOG_LEVEL_ENV, raw)


def _config_getter(req: ConfigureRequest) -> Callable[[str], str | None]:
    def get(key: str) -> str | None:
        value = req.config.get(key)
        if value is None:
            return None
        return value if isinstance(value, str) else str(value)

    return get


# --------------------------------------------------------------------------- helpers


def _check_failures(fails: Iterable[Failure]) -> list[CheckFailure]:
    # The engine prints the reason next to the resource's URN; the path is repeated in the
    # reason so the message names the field even where the engine drops ``property``.
    return [CheckFailure(f.path, str(f)) for f in fails]


def _declared(props: Mapping[str, Any]) -> dict[str, Any]:
    """The model fields of ``props`` with unknowns and ``None`` left out."""
    return {k: props[k] for k in MODEL_DIFF_FIELDS if props.get(k) is not None}


def _spec_or_raise(props: Mapping[str, Any], *, verb: str) -> ModelSpec:
    spec, fails = validate_model(_declared(props))
    if spec is None:
        name = props.get("name") or "?"
        raise InvalidInputError(action=f"{verb} model '{name}'", failures=[str(f) for f in fails])
    return spec


def _merge_secret(reference: Any, server: Any) -> Any:
    """A secret's value for state: the server's when it echoes one, else the one we sent.

    Whether the API returns secrets is unknown (contract §2.1, §11): omitted and masked
    values say nothing about drift, so the declared value is kept.
    """
    if server is None or is_masked(server):
        return reference
    return server


def model_outputs(
    reference: Mapping[str, Any], server: Mapping[str, Any], *, adopt: bool, force_delete: bool = False
) -> dict[str, Any]:
    """Outputs for state from a server object, tracking the keys ``reference`` declares.

    ``reference`` is the desired view (create/update) or the old outputs (read). Top-level
    fields hold the server's effective values (display_name defaults to the name, ...);
    inside ``provider_config`` and ``config`` only declared keys are tracked, so keys the
    server adds never cause a diff while a declared key changed or removed out of band does.
    """
    ref_pc = dict(reference.get("provider_config") or {})
    ref_cfg = dict(reference.get("config") or {})
    norm = normalize_model(server, prefer_keys=ref_pc)
    pc: dict[str, Any] = {}
    for key, value in ref_pc.items():
        if key in SECRET_FIELDS:
            pc[key] = _merge_secret(value, norm["provider_config"].get(key))
        elif key in norm["provider_config"]:
            pc[key] = norm["provider_config"][key]
    cfg = {k: norm["config"][k] for k in ref_cfg if k in norm["config"]}
    outs: dict[str, Any] = {
        "name": norm["name"],
        "display_name": norm["display_name"],
        "description": norm["description"],
        "tags": norm["tags"],
        "model_type": norm["model_type"],
        "connection_id": norm["connection_id"],
        "provider_config": pc,
        "config": cfg,
        "adopt": adopt,
        "force_delete": force_delete,
        "model_id": norm["id"],
        "provider": norm["provider"],
    }
    return outs


def read_inputs(
    outs: Mapping[str, Any],
    *,
    defaults_to_name: Iterable[str],
    computed: Iterable[str] = MODEL_COMPUTED_OUTPUTS,
) -> dict[str, Any]:
    """The refreshed state as inputs, so the next preview *shows* drift field by field.

    The engine displays an update as old inputs against new inputs (a dynamic provider sends
    no detailed diff). Without this, a model edited outside Pulumi would preview as an update
    with no field marked. Server defaults are left out (a display_name equal to the name, an
    empty list or mapping), as a user who never set them would not see them as removed.
    Secret values keep their secretness: the engine re-marks inputs after Read by key.
    """
    skip = set(computed)
    out: dict[str, Any] = {}
    for key, value in outs.items():
        if key in skip or value is None or value in ({}, []):
            continue
        if key in defaults_to_name and value == outs.get("name"):
            continue
        out[key] = value
    return out


def diff_fields(olds: Mapping[str, Any], news: Mapping[str, Any]) -> tuple[list[str], bool]:
    """Fields whose desired server state (from ``news``) differs from ``olds`` (outputs).

    Returns the changed fields and whether the comparison was complete (no unknowns).
    Server defaults are applied to ``news`` first (an unset display_name means the name),
    because a full PUT would reset the field to that default.
    """
    unknown = [k for k in MODEL_DIFF_FIELDS if is_unknown(news.get(k))]
    known = {k: v for k, v in _declared(news).items() if k not in unknown}
    if "name" in unknown:
        return unknown, False
    spec, _ = validate_model(known)
    if spec is None:
        # check() already reported the problem; show a change so up reaches check's error.
        return [k for k in MODEL_DIFF_FIELDS if canonical(known.get(k)) != canonical(olds.get(k))], True
    desired = spec.effective()
    changed = list(unknown)
    for key in MODEL_DIFF_FIELDS:
        if key in unknown:
            continue
        old = olds.get(key)
        if key in ("provider_config", "config"):
            old = {k: v for k, v in dict(old or {}).items() if v is not None}
        if key == "tags":
            old = list(old or [])
        if canonical(desired[key]) != canonical(old):
            changed.append(key)
    return changed, not unknown


# --------------------------------------------------------------------------- Model


class ModelProvider(ResourceProvider):
    """Lifecycle of one virtual model (``/models``, contract §2)."""

    # __provider stays secret in state (the default since pulumi 3.75); it carries no
    # credentials, but a secret costs nothing with the passphrase backend.
    serialize_as_secret_always = True

    def configure(self, req: ConfigureRequest) -> None:
        RUNTIME.configure(_config_getter(req), os.environ)

    # -- check ----------------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = dict(news)
        fails: list[Failure] = []
        allowed = set(MODEL_DIFF_FIELDS) | MODEL_CONTROL_INPUTS | {PROVIDER_KEY}
        fails += [Failure(k, "unknown input") for k in news if k not in allowed]
        fails += _bool_failures(news, MODEL_CONTROL_INPUTS)
        declared = _declared(news)
        partial = {k: v for k, v in declared.items() if not is_unknown(v)}
        if len(partial) == len(declared):
            spec, errs = validate_model(partial)
            fails += errs
            if spec is not None:
                # Store the normalised name and snake_case keys so later diffs compare like
                # with like (``openai/x`` and ``virtual-model/openai/x`` are one model).
                inputs["name"] = spec.name
                if "provider_config" in declared:
                    inputs["provider_config"] = {
                        to_snake_key(k): v for k, v in declared["provider_config"].items() if v is not None
                    }
                if not _olds and not news.get("adopt"):
                    fails += _name_taken("model", spec.name, lambda c: c.find_models(spec.name))
        else:
            # Preview with unknowns: validate what is known, skip rules that need the rest.
            fails += _partial_failures(partial)
        return CheckResult(inputs, _check_failures(fails))

    # -- diff -----------------------------------------------------------------------------

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed, _complete = diff_fields(olds, news)
        replaces = [k for k in changed if k in MODEL_REPLACE_FIELDS]
        # Create-before-delete on a rename: the names differ, so no duplicate arises.
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    # -- create ---------------------------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        spec = _spec_or_raise(props, verb="create")
        adopt = bool(props.get("adopt"))
        client = RUNTIME.client()
        existing = client.find_models(spec.name)
        server: dict[str, Any] | None = None
        if existing:
            if not adopt:
                raise ModelExistsError(
                    action=f"create model '{spec.name}'",
                    ids=[str(o.get("id")) for o in existing],
                )
            if len(existing) > 1:
                raise ModelExistsError(
                    action=f"adopt model '{spec.name}'",
                    ids=[str(o.get("id")) for o in existing],
                    duplicates=True,
                )
            model_id = str(existing[0]["id"])
            client.update_model(model_id, spec.to_api(), name=spec.name)
        else:
            model_id, listed = _create_once(client, spec, sleep=RUNTIME.sleep)
            if listed is not None:
                server = listed  # the lookup by name already returned the stored object
        if server is None:
            server = client.get_model(model_id, name=spec.name) or {**spec.to_api(), "id": model_id}
        outs = model_outputs(
            spec.effective(), server, adopt=adopt, force_delete=bool(props.get("force_delete"))
        )
        return CreateResult(model_id, outs)

    # -- read -----------------------------------------------------------------------------

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        client = RUNTIME.client()
        server = client.get_model(id_, name=props.get("name"))
        if server is None:
            # Gone: an empty id makes the engine drop the resource on refresh.
            return ReadResult(None, {})
        reference = {
            "provider_config": props.get("provider_config") or {},
            "config": props.get("config") or {},
        }
        outs = model_outputs(
            reference, server, adopt=bool(props.get("adopt")), force_delete=bool(props.get("force_delete"))
        )
        return ReadResult(
            id_, outs, inputs=read_inputs(outs, defaults_to_name=("display_name", "description"))
        )

    # -- update ---------------------------------------------------------------------------

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        spec = _spec_or_raise(news, verb="update")
        client = RUNTIME.client()
        try:
            client.update_model(id_, spec.to_api(), name=spec.name)
        except NotFoundError as err:
            raise _gone(err, kind="model", name=spec.name, id_=id_) from None
        server = client.get_model(id_, name=spec.name) or {**spec.to_api(), "id": id_}
        outs = model_outputs(
            spec.effective(),
            server,
            adopt=bool(news.get("adopt")),
            force_delete=bool(news.get("force_delete")),
        )
        return UpdateResult(outs)

    # -- delete ---------------------------------------------------------------------------

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        client = RUNTIME.client()
        name = props.get("name")
        if isinstance(name, str) and not props.get("force_delete"):
            # A policy routing to a deleted model would fail at inference time: refuse
            # instead of leaving a broken route (policies declared in the same stack that
            # reference this Model are deleted first, by dependency order).
            try:
                listed = client.list_policies()
            except WxoError as err:
                raise WxoError(
                    f"delete model '{name}': cannot check which policies still route to it: {err}"
                ) from None
            users = [
                p for p in listed if name in policy_model_names((p.get("policy") or {}).get("targets") or [])
            ]
            if users:
                raise ModelInUseError(
                    action=f"delete model '{name}'",
                    policies=[f"{p.get('name')} (id {p.get('id')})" for p in users],
                )
        client.delete_model(id_, name=name if isinstance(name, str) else None)


def _gone(err: NotFoundError, *, kind: str, name: str, id_: str) -> NotFoundError:
    """A 404 on update: the object was deleted outside Pulumi; say how to recover."""
    return NotFoundError(
        status=404,
        method=err.method,
        path=err.path,
        detail=err.detail,
        action=f"update {kind} '{name}'",
        hint=f"the {kind} (id {id_}) was deleted outside Pulumi; run `pulumi refresh` "
        "to drop it from state, then `pulumi up` to create it again",
    )


def _name_taken(kind: str, name: str, find: Callable[[WxoClient], list[dict[str, Any]]]) -> list[Failure]:
    """At preview of a new resource: refuse a name the server already has (unless adopting).

    Best effort: without connection settings, or when the server cannot be reached, the
    check is left to create, which refuses before POSTing.
    """
    try:
        found = find(RUNTIME.client())
    except WxoError:
        return []
    if not found:
        return []
    ids = ", ".join(str(o.get("id")) for o in found)
    return [
        Failure(
            "name",
            f"a {kind} named '{name}' already exists on the server (id {ids}); set adopt=True to manage "
            "it with Pulumi, or choose another name",
        )
    ]


def _bool_failures(news: Mapping[str, Any], keys: Iterable[str]) -> list[Failure]:
    return [
        Failure(k, "must be true or false")
        for k in sorted(keys)
        if news.get(k) is not None and not is_unknown(news.get(k)) and not isinstance(news.get(k), bool)
    ]


def _partial_failures(partial: Mapping[str, Any]) -> list[Failure]:
    """Field rules for the known part of inputs that still hold preview unknowns.

    The per-provider "required" rules need the whole picture; they run at ``up``.
    """
    probe = dict(partial)
    name = probe.get("name")
    probe["name"] = name if isinstance(name, str) else "virtual-model/openai/unknown"
    probe["connection_id"] = probe.get("connection_id") or "unknown"  # skips required rules
    _, fails = validate_model(probe)
    return [f for f in fails if f.path != "connection_id" and (name is not None or f.path != "name")]


# --------------------------------------------------------------------------- transactional create

# Statuses after which a POST may or may not have been applied (gateway errors, rate limits).
_AMBIGUOUS_STATUSES = frozenset({429, 500, 502, 503, 504})
CREATE_ATTEMPTS = 5
FIND_AFTER_CREATE_ATTEMPTS = 4


def _create_once(
    client: WxoClient, spec: ModelSpec, *, sleep: Callable[[float], None]
) -> tuple[str, dict[str, Any] | None]:
    """POST the model and return its id, never leaving a duplicate behind (see _create_by_name)."""
    return _create_by_name(
        kind="model",
        name=spec.name,
        post=lambda: client.create_model(spec.to_api()),
        find=lambda: client.find_models(spec.name),
        sleep=sleep,
    )


def _create_by_name(
    *,
    kind: str,
    name: str,
    post: Callable[[], Any],
    find: Callable[[], list[dict[str, Any]]],
    sleep: Callable[[float], None],
) -> tuple[str, dict[str, Any] | None]:
    """POST an object and return its id (and the object as listed), never leaving a duplicate.

    The client never retries a POST that may have reached the server (a retried POST can
    create a second object: the API does not enforce unique names, contract §8). Here, after
    such a failure, the object is looked up by name: the caller checked none existed, so one
    found now is ours. Only when none is found is the POST sent again.
    """
    response: Any = None
    attempts = max(CREATE_ATTEMPTS, RUNTIME.max_retries() + 1)
    for attempt in range(1, attempts + 1):
        try:
            response = post()
            break
        except QuotaExceededError:
            raise
        except (TransportError, ApiError, RetriesExhaustedError) as err:
            if not _ambiguous(err) or attempt == attempts:
                raise
            if find():
                break
            sleep(min(2.0 ** (attempt - 1), 8.0))
    hinted = _id_from_response(response)
    for attempt in range(1, FIND_AFTER_CREATE_ATTEMPTS + 1):
        found = find()
        ids = [str(o.get("id")) for o in found]
        if hinted and hinted in ids:
            return hinted, found[ids.index(hinted)]
        if len(ids) == 1:
            return ids[0], found[0]
        if len(ids) > 1:
            raise ModelExistsError(action=f"create {kind} '{name}'", ids=ids, duplicates=True, kind=kind)
        if attempt < FIND_AFTER_CREATE_ATTEMPTS:
            sleep(0.25 * 2 ** (attempt - 1))  # read-after-write lag
    if hinted:
        return hinted, None
    raise WxoError(
        f"create {kind} '{name}': the server accepted the request but the {kind} cannot be "
        "found by name; run `pulumi refresh` and check the instance before retrying"
    )


def _ambiguous(err: WxoError) -> bool:
    if isinstance(err, TransportError):
        return True
    if isinstance(err, RetriesExhaustedError):
        return True
    return isinstance(err, ApiError) and err.status in _AMBIGUOUS_STATUSES


def _id_from_response(response: Any) -> str | None:
    """The id when the create response carries one (object or bare id; contract §11)."""
    if isinstance(response, Mapping) and isinstance(response.get("id"), str):
        return str(response["id"])
    if isinstance(response, str) and response.strip():
        return response.strip().strip('"')
    return None


# --------------------------------------------------------------------------- ModelPolicy

# Inputs of a ModelPolicy that are not part of the API body: ``declared_models`` lists the
# names of Model resources the policy's targets come from (so check does not demand that a
# model created in the same deployment already exists on the server).
POLICY_CONTROL_INPUTS: frozenset[str] = frozenset({"adopt", "declared_models"})


def _declared_policy(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: props[k] for k in POLICY_DIFF_FIELDS if props.get(k) is not None}


def _policy_spec_or_raise(props: Mapping[str, Any], *, verb: str) -> PolicySpec:
    spec, fails = validate_policy(_declared_policy(props))
    if spec is None:
        raise InvalidInputError(
            action=f"{verb} policy '{props.get('name') or '?'}'", failures=[str(f) for f in fails]
        )
    return spec


def _target_paths(targets: Any, prefix: str = "targets") -> list[tuple[str, str]]:
    """(path, model name) of every target in a raw targets list, nested ones included."""
    out: list[tuple[str, str]] = []
    for i, t in enumerate(targets if isinstance(targets, list) else []):
        if not isinstance(t, Mapping):
            continue
        name = t.get("model_name")
        if isinstance(name, str):
            out.append((f"{prefix}[{i}].model_name", normalize_target(name)))
        out += _target_paths(t.get("targets"), f"{prefix}[{i}].targets")
    return out


def normalize_target(name: str) -> str:
    try:
        return normalize_model_name(name)
    except ValueError:
        return name


def missing_targets(client: WxoClient, targets: Any, declared: Iterable[Any]) -> list[Failure]:
    """Targets that name neither a model declared in the stack nor one on the server."""
    known = {normalize_target(d) for d in declared if isinstance(d, str)}
    wanted = [(path, name) for path, name in _target_paths(targets) if name not in known]
    if not wanted:
        return []
    on_server = {m.get("name") for m in client.list_models(names=sorted({n for _, n in wanted}))}
    return [
        Failure(
            path,
            f"no model '{name}' on the server and none declared in this stack: declare it with "
            "wxo.Model (and pass the resource as the target's `model`) or fix the name",
        )
        for path, name in wanted
        if name not in on_server
    ]


def policy_outputs(spec: PolicySpec, server: Mapping[str, Any], props: Mapping[str, Any]) -> dict[str, Any]:
    norm = normalize_policy(server)
    return {
        **{k: norm.get(k) for k in POLICY_DIFF_FIELDS},
        "policy_id": norm["id"],
        "adopt": bool(props.get("adopt")),
        "declared_models": list(props.get("declared_models") or []),
    }


class ModelPolicyProvider(ResourceProvider):
    """Lifecycle of one routing policy (``/model_policy``, contract §6)."""

    serialize_as_secret_always = True

    def configure(self, req: ConfigureRequest) -> None:
        RUNTIME.configure(_config_getter(req), os.environ)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = dict(news)
        allowed = set(POLICY_DIFF_FIELDS) | POLICY_CONTROL_INPUTS | {PROVIDER_KEY}
        fails = [Failure(k, "unknown input") for k in news if k not in allowed]
        fails += _bool_failures(news, {"adopt"})
        declared = _declared_policy(news)
        if any(is_unknown(v) for v in declared.values()):
            return CheckResult(inputs, _check_failures(fails))  # the rest is checked at up
        spec, errs = validate_policy(declared)
        fails += errs
        if spec is not None:
            inputs["name"] = spec.name
            if not _olds and not news.get("adopt"):
                fails += _name_taken("policy", spec.name, lambda c: c.find_policies(spec.name))
            decl = news.get("declared_models") or []
            if not is_unknown(decl):
                fails += self._server_targets(news.get("targets"), decl)
        return CheckResult(inputs, _check_failures(fails))

    @staticmethod
    def _server_targets(targets: Any, declared: Iterable[Any]) -> list[Failure]:
        """Targets must exist; asked of the server at preview when settings allow it."""
        try:
            client = RUNTIME.client()
        except ConfigError:
            return []  # no connection at preview: create checks again before POSTing
        try:
            return missing_targets(client, targets, declared)
        except WxoError:
            return []  # unreachable at preview: create checks again

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        unknown = [k for k in POLICY_DIFF_FIELDS if is_unknown(news.get(k))]
        if "name" in unknown:
            return DiffResult(changes=True, replaces=["name"], delete_before_replace=False)
        known = {k: v for k, v in _declared_policy(news).items() if k not in unknown}
        spec, _ = validate_policy(known) if not unknown else (None, [])
        if spec is None:
            changed = unknown or [
                k for k in POLICY_DIFF_FIELDS if canonical(known.get(k)) != canonical(olds.get(k))
            ]
        else:
            desired = spec.effective()
            changed = [k for k in POLICY_DIFF_FIELDS if canonical(desired.get(k)) != canonical(olds.get(k))]
        replaces = [k for k in changed if k in POLICY_REPLACE_FIELDS]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        spec = _policy_spec_or_raise(props, verb="create")
        client = RUNTIME.client()
        missing = missing_targets(client, spec.to_api()["policy"]["targets"], ())
        if missing:
            raise InvalidInputError(action=f"create policy '{spec.name}'", failures=[str(f) for f in missing])
        existing = client.find_policies(spec.name)
        if existing:
            ids = [str(o.get("id")) for o in existing]
            if not props.get("adopt"):
                raise ModelExistsError(action=f"create policy '{spec.name}'", ids=ids, kind="policy")
            if len(ids) > 1:
                raise ModelExistsError(
                    action=f"adopt policy '{spec.name}'", ids=ids, duplicates=True, kind="policy"
                )
            policy_id = ids[0]
            client.update_policy(policy_id, spec.to_api(), name=spec.name)
        else:
            policy_id, _listed = _create_by_name(
                kind="policy",
                name=spec.name,
                post=lambda: client.create_policy(spec.to_api()),
                find=lambda: client.find_policies(spec.name),
                sleep=RUNTIME.sleep,
            )
        server = client.get_policy(policy_id, name=spec.name) or {**spec.to_api(), "id": policy_id}
        return CreateResult(policy_id, policy_outputs(spec, server, props))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        server = RUNTIME.client().get_policy(id_, name=props.get("name"))
        if server is None:
            return ReadResult(None, {})
        norm = normalize_policy(server)
        outs = {
            **{k: norm.get(k) for k in POLICY_DIFF_FIELDS},
            "policy_id": id_,
            "adopt": bool(props.get("adopt")),
            "declared_models": list(props.get("declared_models") or []),
        }
        inputs = read_inputs(outs, defaults_to_name=("display_name", "description"), computed=("policy_id",))
        return ReadResult(id_, outs, inputs=inputs)

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        spec = _policy_spec_or_raise(news, verb="update")
        client = RUNTIME.client()
        missing = missing_targets(client, spec.to_api()["policy"]["targets"], ())
        if missing:
            raise InvalidInputError(action=f"update policy '{spec.name}'", failures=[str(f) for f in missing])
        try:
            client.update_policy(id_, spec.to_api(), name=spec.name)
        except NotFoundError as err:
            raise _gone(err, kind="policy", name=spec.name, id_=id_) from None
        server = client.get_policy(id_, name=spec.name) or {**spec.to_api(), "id": id_}
        return UpdateResult(policy_outputs(spec, server, news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        name = props.get("name")
        RUNTIME.client().delete_policy(id_, name=name if isinstance(name, str) else None)
