"""The lifecycle of one virtual model (``/models``, api-contract §2), for every host.

Inputs arrive as a host hands them over: numbers possibly as floats, :data:`UNKNOWN` values
during preview, the old **outputs** as ``olds`` in diff/update/delete/read (as the Pulumi
engine passes them). ``check`` returns the inputs to store: they *replace* the declared ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_wxo.api.errors import (
    ModelExistsError,
    ModelInUseError,
    NotFoundError,
    WxoError,
)
from pulumi_wxo.api.redaction import redact
from pulumi_wxo.lifecycle.claims import (
    adopt_failures,
    adopt_mode,
    adopt_value,
    claim_failures,
    conflicts_note,
    control,
    refuse_foreign,
    short_reason,
    stored_inputs,
)
from pulumi_wxo.lifecycle.common import (
    bool_failures,
    from_snapshot,
    gone,
    kept_stamp,
    left_behind,
    placement,
    previewed,
    read_inputs,
    register_secrets,
    stamp,
    unknown_inputs,
)
from pulumi_wxo.lifecycle.create import create_by_name
from pulumi_wxo.lifecycle.model_values import (
    after_put,
    declared,
    diff_fields,
    model_outputs,
    partial_failures,
    spec_or_raise,
)
from pulumi_wxo.lifecycle.ownership import (
    OwnerTag,
    is_owner_id,
    owner_of,
    platform_tags,
    stack_tag,
    verify_at_id,
)
from pulumi_wxo.lifecycle.results import CheckOutcome, Created, DiffOutcome, ReadOutcome
from pulumi_wxo.lifecycle.runtime import RUNTIME, Runtime
from pulumi_wxo.lifecycle.values import UNKNOWN, is_unknown
from pulumi_wxo.schema import (
    MODEL_DIFF_FIELDS,
    MODEL_REPLACE_FIELDS,
    SECRET_FIELDS,
    Failure,
    ModelSpec,
    normalize_model,
    policy_model_names,
    to_snake_key,
    validate_model,
)
from pulumi_wxo.schema.bounds import split_bounded, under
from pulumi_wxo.schema.server_objects import object_id

# Inputs of a Model that are not part of the API body. ``owner`` and ``owner_stack`` are set
# by the resource class or the plugin (lifecycle/ownership.py), never by a user, and stored as
# ``__owner``/``__owner_stack`` (lifecycle/claims.py); ``secret_name`` too, when the program gave
# the name as a secret (messages then say "a secret name", api/redaction.py).
# ``program_models`` (the program's other models, from the Python SDK) serves check alone.
MODEL_CONTROL_INPUTS: frozenset[str] = frozenset(
    {"adopt", "force_delete", "owner", "owner_stack", "program_models", "secret_name"}
)
# Control inputs at these values are not stored: a diff shows what the user declared.
MODEL_CONTROL_DEFAULTS: dict[str, tuple[Any, ...]] = {
    "adopt": (False,),
    "force_delete": (False,),
    "secret_name": (False, None),
}
# Outputs computed by the provider (never inputs).
MODEL_COMPUTED_OUTPUTS: tuple[str, ...] = (
    "model_id",
    "provider",
    "instance",
    "provider_version",
    "owner_tag",
)


def _owner(props: Mapping[str, Any]) -> str | None:
    value = control(props, "owner")
    return value if is_owner_id(value) else None


def _stack(props: Mapping[str, Any]) -> str | None:
    value = control(props, "owner_stack")
    return value if isinstance(value, str) else None


def _secret_name(props: Mapping[str, Any]) -> dict[str, Any]:
    """``secret_name`` for the outputs, only when set: delete and read get the outputs alone,
    and must still mask the name (lifecycle/common.py, ``register_secrets``)."""
    return {"secret_name": True} if props.get("secret_name") is True else {}


def _recorded(props: Mapping[str, Any]) -> bool:
    """Whether ``props`` are a state's outputs (a refresh), not a read without state
    (``Model.get``, an import), which records nothing to compare with."""
    return any(props.get(k) is not None for k in ("name", "model_id", "owner_tag"))


def _ours(obj: Mapping[str, Any], owner: str | None) -> bool:
    tag = owner_of(dict(obj))
    return owner is not None and tag is not None and tag.owner == owner


def _body(
    spec: ModelSpec, tag: OwnerTag | None, server: Mapping[str, Any] | None = None, stack: str | None = None
) -> dict[str, Any]:
    """The API body: the user's tags, then the platform's tags ``server`` carries (a full PUT
    would drop them, api-contract §12.7), then the owner tag and the stack tag."""
    body = spec.to_api()
    kept = platform_tags(dict(server)) if server is not None else []
    named = stack_tag(stack) if tag is not None else None
    ours = [str(tag)] if tag is not None else []
    body["tags"] = [*body["tags"], *kept, *ours, *([named] if named else [])]
    return body


def _tag_for(olds: Mapping[str, Any], owner: str | None) -> OwnerTag | None:
    """The owner tag to keep on a PUT: the one recorded, else a new one for our owner."""
    recorded = OwnerTag.parse(olds.get("owner_tag"))
    if recorded is not None:
        return recorded
    return OwnerTag.new(owner) if owner else None


class ModelLifecycle:
    """check, diff, create, read, update and delete of one virtual model, over plain dicts.

    Questions about many models (is this name taken? what does the server hold now? which
    policies route here?) are answered from the runtime's snapshots (lifecycle/snapshot.py):
    one list request per run instead of one request per resource.
    """

    def __init__(self, runtime: Runtime = RUNTIME) -> None:
        self.runtime = runtime

    def _verify(
        self, id_: str, server: Mapping[str, Any], olds: Mapping[str, Any], *, action: str, owner: str | None
    ) -> None:
        """The object at ``id_`` is the one the state recorded, or nothing is done
        (lifecycle/ownership.py, ``verify_at_id``)."""
        verify_at_id(kind="model", id_=id_, server=server, recorded=olds, action=action, owner=owner)

    def _by_name(self, name: str) -> list[dict[str, Any]]:
        return from_snapshot(
            self.runtime, "models", lambda s: s.by_name(name), lambda: self.runtime.client().find_models(name)
        )

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> CheckOutcome:
        register_secrets(olds, news)
        # A dead credential fails every preview, also one where nothing changes (runtime.py).
        self.runtime.prove_credentials()
        inputs = dict(news)
        # NaN, infinities and deep nesting first: what they refuse becomes None, so no
        # recursive step below (is_unknown, pydantic, canonical) sees it.
        news, refused, paths = split_bounded(news)
        notes: list[str] = []
        fails = self._check(olds, news, inputs, notes)
        kept = refused + [f for f in fails if not under(f.path, paths)]
        stored = stored_inputs(olds, inputs, defaults=MODEL_CONTROL_DEFAULTS)
        # A failure may quote the name (taken, invalid): a secret one is masked (register_secrets).
        return CheckOutcome(
            stored, [Failure(f.path, redact(f.reason)) for f in kept], [redact(n) for n in notes]
        )

    def _check(
        self, olds: Mapping[str, Any], news: Mapping[str, Any], inputs: dict[str, Any], notes: list[str]
    ) -> list[Failure]:
        fails = unknown_inputs(news, set(MODEL_DIFF_FIELDS) | MODEL_CONTROL_INPUTS)
        fails += bool_failures(news, {"force_delete", "secret_name"}) + adopt_failures(news)
        given = declared(news)
        partial = {k: v for k, v in given.items() if not is_unknown(v)}
        if len(partial) == len(given):
            spec, errs = validate_model(partial)
            fails += errs
            if spec is not None:
                # Store the normalised name and snake_case keys so later diffs compare like
                # with like (``openai/x`` and ``virtual-model/openai/x`` are one model).
                inputs["name"] = spec.name
                if "provider_config" in given:
                    inputs["provider_config"] = {
                        to_snake_key(k): v for k, v in given["provider_config"].items() if v is not None
                    }
                if not olds:
                    fails += self._claims(spec.name, news, notes)
        else:
            # Preview with unknowns: validate what is known, skip rules that need the rest.
            fails += partial_failures(partial)
        return fails

    def _claims(self, name: str, news: Mapping[str, Any], notes: list[str]) -> list[Failure]:
        """A new resource's name on the server (lifecycle/claims.py): taken, adoptable, or
        another stack's. A model carrying this resource's owner tag is one a killed run left
        behind: create takes it back, so it is not "taken". Best effort: without connection
        settings, or when the server cannot be reached, create decides before POSTing."""
        owner = _owner(news)
        try:
            others = [o for o in self._by_name(name) if not _ours(o, owner)]
        except WxoError:
            return []
        fails, found = claim_failures("model", name, others, owner=owner, mode=adopt_mode(news))
        notes += found
        if fails:
            fails += self._other_claims(name, news.get("program_models"))
        return fails

    def _other_claims(self, name: str, program: Any) -> list[Failure]:
        """Every other taken name of the program, on the first check that fails (the engine
        stops there): from the snapshot, no request per name (lifecycle/claims.py)."""
        taken: list[tuple[str, str]] = []
        for entry in program if isinstance(program, list) else []:
            other = entry.get("name") if isinstance(entry, Mapping) else None
            if not isinstance(other, str) or other == name or entry.get("adopt") is None:
                continue
            owner = entry.get("owner") if is_owner_id(entry.get("owner")) else None
            try:
                found = [o for o in self._by_name(other) if not _ours(o, owner)]
            except WxoError:
                return []
            fails, _ = claim_failures("model", other, found, owner=owner, mode=adopt_mode(entry))
            if fails:
                taken.append((other, short_reason(found, owner, adopt_mode(entry))))
        note = conflicts_note("model", taken)
        return [note] if note is not None else []

    def diff(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> DiffOutcome:
        register_secrets(olds, news)
        where = placement(self.runtime, olds, action=f"diff model '{olds.get('name')}'")
        changed, complete = diff_fields(olds, news)
        if where == "move":
            changed = [*changed, "instance"]
        return DiffOutcome(
            changed, [k for k in changed if k in MODEL_REPLACE_FIELDS or k == "instance"], complete
        )

    def preview(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """The outputs of a create (``olds`` empty) or an update at preview, without a request.

        A host whose engine asks for preview outputs (the native plugin) returns these, so a
        resource that reads this model's ``model_id`` does not see it unknown on every update.
        """
        register_secrets(olds, news)
        given = declared(news)
        spec = None if any(is_unknown(v) for v in given.values()) else validate_model(given)[0]
        desired: dict[str, Any] = (
            spec.effective() if spec is not None else {k: news.get(k) for k in MODEL_DIFF_FIELDS}
        )
        desired["provider"] = spec.provider if spec is not None else olds.get("provider", UNKNOWN)
        desired.update(adopt=adopt_value(news), force_delete=bool(news.get("force_delete")))
        desired.update(_secret_name(news))
        return previewed(
            desired,
            olds,
            kept=("model_id", "instance", "owner_tag"),
            computed=("model_id", "instance", "owner_tag"),
        )

    def create(self, props: Mapping[str, Any]) -> Created:
        register_secrets(props)
        spec = spec_or_raise(props, verb="create")
        mode, owner = adopt_mode(props), _owner(props)
        adopt = bool(mode)
        client = self.runtime.client()
        snapshot = self.runtime.snapshot("models")
        existing = self._by_name(spec.name)
        ours = [o for o in existing if _ours(o, owner)]
        others = [o for o in existing if not _ours(o, owner)]
        target: dict[str, Any] | None = None
        refused = refuse_foreign("model", spec.name, others, owner=owner, mode=mode)
        if refused is not None:
            raise WxoError(refused)
        if others and not adopt:
            ids = [str(o.get("id")) for o in others]
            raise ModelExistsError(action=f"create model '{spec.name}'", ids=ids)
        if adopt and existing:
            if len(existing) > 1:
                ids = [str(o.get("id")) for o in existing]
                raise ModelExistsError(action=f"adopt model '{spec.name}'", ids=ids, duplicates=True)
            target = existing[0]
        elif ours:
            if len(ours) > 1:
                ids = [str(o.get("id")) for o in ours]
                raise ModelExistsError(action=f"recover model '{spec.name}'", ids=ids, duplicates=True)
            target = ours[0]  # left behind by a killed run of this very resource: take it back
        if target is not None:
            model_id = object_id("model", target, action=f"adopt model '{spec.name}'")
            tag = owner_of(target) if target in ours else _tag_for({}, owner)
            body = _body(spec, tag, target, _stack(props))
            client.update_model(model_id, body, name=spec.name)
            server = client.get_model(model_id, name=spec.name) or {**body, "id": model_id}
        else:
            tag = OwnerTag.new(owner) if owner else None
            body = _body(spec, tag, None, _stack(props))
            model_id, answered = create_by_name(
                kind="model",
                name=spec.name,
                post=lambda: client.create_model(body),
                find=lambda: client.find_models(spec.name),
                runtime=self.runtime,
                mine=(lambda o: owner_of(o) == tag) if tag is not None else None,
                remove=lambda i: client.delete_model(i, name=spec.name),
            )
            # One POST: the answer (or the body we sent) is what the server holds now.
            server = answered or {**body, "id": model_id}
        snapshot.put({**server, "id": model_id})
        outs = model_outputs(
            spec.effective(), server, adopt=adopt_value(props), force_delete=bool(props.get("force_delete"))
        )
        outs["model_id"] = model_id
        return Created(model_id, {**outs, **_secret_name(props), **stamp(self.runtime)})

    def read(self, id_: str, props: Mapping[str, Any]) -> ReadOutcome:
        register_secrets(props)
        label = props.get("name") or id_
        if placement(self.runtime, props, action=f"refresh model '{label}'") == "move":
            raise WxoError(
                f"refresh model '{label}': wxo:moveInstance is set and the model is recorded on another "
                "instance; run `pulumi up` first (docs/guide/recovery.md)"
            )
        client = self.runtime.client()
        # The snapshot first; a model it lacks may be newer than the snapshot: ask for it.
        server = from_snapshot(
            self.runtime, "models", lambda s: s.by_id(id_), lambda: None
        ) or client.get_model(id_, name=props.get("name"))
        if server is None:
            return ReadOutcome(None, {})  # gone: the host drops it on refresh
        if _recorded(props):
            # Refresh never takes a foreign object into the state
            # (docs/dev/lifecycle.md, "The object at a state's id").
            self._verify(id_, server, props, action=f"refresh model '{label}'", owner=_owner(props))
        if props.get("name") is None:
            # Read without state (``Model.get``, import): track every key the server shows
            # (secrets are never taken from the server: it omits or masks them).
            norm = normalize_model(server)
            reference = {
                "provider_config": {
                    k: v for k, v in norm["provider_config"].items() if k not in SECRET_FIELDS
                },
                "config": norm["config"],
            }
            kept = {"instance": self.runtime.instance().as_output()}
        else:
            reference = {
                "provider_config": props.get("provider_config") or {},
                "config": props.get("config") or {},
            }
            kept = kept_stamp(props)
        outs = model_outputs(
            reference,
            server,
            adopt=adopt_value(props),
            force_delete=bool(props.get("force_delete")),
            undeclared_secrets=props.get("name") is not None,
        )
        if "owner_tag" not in outs and isinstance(props.get("owner_tag"), str):
            outs["owner_tag"] = props["owner_tag"]
        outs.update(kept)
        outs.update(_secret_name(props))
        # As check stores them (lifecycle/claims.py): no control input at its default.
        inputs = stored_inputs(
            {},
            read_inputs(
                outs, defaults_to_name=("display_name", "description"), computed=MODEL_COMPUTED_OUTPUTS
            ),
            defaults=MODEL_CONTROL_DEFAULTS,
        )
        return ReadOutcome(id_, outs, inputs)

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """Full PUT; returns every output (a host's default update would wipe them)."""
        register_secrets(olds, news)
        spec = spec_or_raise(news, verb="update")
        placement(self.runtime, olds, action=f"update model '{spec.name}'")
        client = self.runtime.client()
        # Read first: a full PUT replaces the tags, and the platform's (an administrator's deny,
        # api-contract §12.7) must go back as the server has them now, not as the state last saw
        # them. That read also stands for the object after the PUT (the server stores the body).
        # The run's snapshot answers it when it has the object (the preview's credential proof
        # listed the models moments ago), so an edit stays one read and one PUT.
        current = from_snapshot(self.runtime, "models", lambda s: s.by_id(id_), lambda: None) or (
            client.get_model(id_, name=spec.name)
        )
        if current is not None:  # gone: the PUT's 404 says how to recover
            self._verify(id_, current, olds, action=f"update model '{spec.name}'", owner=_owner(news))
        body = _body(spec, _tag_for(olds, _owner(news)), current, _stack(news))
        try:
            client.update_model(id_, body, name=spec.name)
        except NotFoundError as err:
            raise gone(err, kind="model", name=spec.name, id_=id_) from None
        server = after_put(current, body, id_)
        self.runtime.snapshot("models").put(server)
        outs = model_outputs(
            spec.effective(),
            server,
            adopt=adopt_value(news),
            force_delete=bool(news.get("force_delete")),
        )
        return {**outs, **_secret_name(news), **stamp(self.runtime)}

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:
        register_secrets(props)
        name = props.get("name")
        if placement(self.runtime, props, action=f"delete model '{name or id_}'") == "move":
            left_behind("model", name or id_, props)  # the moved stack's old copy: a separate choice
            return
        client = self.runtime.client()
        # An id that cannot name one object (``..``, ``a/b``) is refused before any request.
        object_id("model", {"id": id_, "name": name}, action=f"delete model '{name or id_}'")
        server = from_snapshot(
            self.runtime, "models", lambda s: s.by_id(id_), lambda: None
        ) or client.get_model(id_, name=name if isinstance(name, str) else None)
        if server is not None:  # else gone already: the DELETE's 404 counts as done
            self._verify(id_, server, props, action=f"delete model '{name or id_}'", owner=_owner(props))
        if isinstance(name, str) and not props.get("force_delete"):
            # A policy routing to a deleted model would fail at inference time: refuse
            # instead of leaving a broken route (policies declared in the same stack that
            # reference this Model are deleted first, by dependency order).
            from pulumi_wxo.api.errors import ServerObjectError
            from pulumi_wxo.schema.server_objects import policy_targets

            try:
                listed = from_snapshot(self.runtime, "policies", lambda s: s.objects(), client.list_policies)
            except WxoError as err:
                raise WxoError(
                    f"delete model '{name}': cannot check which policies still route to it: {err}"
                ) from None
            try:
                users = [p for p in listed if name in policy_model_names(policy_targets(p))]
            except ServerObjectError as err:
                raise ServerObjectError(
                    kind=err.kind,
                    name=err.name,
                    field=err.field,
                    reason=err.reason,
                    action=f"delete model '{name}'",
                    hint="cannot tell whether that policy routes to this model: fix it on the instance, "
                    "or set force_delete=True on the model to delete it anyway",
                ) from None
            if users:
                raise ModelInUseError(
                    action=f"delete model '{name}'",
                    policies=[f"{p.get('name')} (id {p.get('id')})" for p in users],
                )
        client.delete_model(id_, name=name if isinstance(name, str) else None)
        self.runtime.snapshot("models").remove(id_)
