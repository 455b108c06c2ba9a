"""The one lifecycle skeleton: check, diff, preview, create, read, update and delete of any
resource, parametrized by its declaration (:class:`pulumi_wxo.resources.Resource`) and hooks.

What every resource shares lives here once: the bounds on inputs, control inputs and how check
stores them, the instance guard and the move (lifecycle/instance.py), the preview outputs, the
read that finds an object gone, the stamps, the check that the object at a state's id is the
recorded one, the run's snapshots and the transactional create. A resource is a subclass that
names its declaration (``resource = MODEL``) and overrides the hooks it needs (the ``Hooks``
section of :class:`Lifecycle`); docs/dev/lifecycle.md, "Adding a resource".

Inputs arrive as a host hands them over: numbers possibly as floats, :data:`UNKNOWN` values
during preview, the old **outputs** as ``olds`` in diff/update/delete/read (as the Pulumi
engine passes them). ``check`` returns the inputs to store: they *replace* the declared ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pulumi_wxo.api.collections import Collection
from pulumi_wxo.api.errors import ModelExistsError, NotFoundError, WxoError
from pulumi_wxo.api.redaction import redact
from pulumi_wxo.lifecycle.claims import stored_inputs
from pulumi_wxo.lifecycle.common import (
    bool_failures,
    declared_fields,
    from_snapshot,
    gone,
    kept_stamp,
    left_behind,
    name_taken,
    placement,
    previewed,
    read_inputs,
    register_secrets,
    stamp,
    unknown_inputs,
    validated_or_raise,
)
from pulumi_wxo.lifecycle.create import create_by_name
from pulumi_wxo.lifecycle.ownership import OwnerTag, verify_at_id
from pulumi_wxo.lifecycle.results import CheckOutcome, Created, DiffOutcome, ReadOutcome
from pulumi_wxo.lifecycle.runtime import RUNTIME, Runtime
from pulumi_wxo.lifecycle.values import is_unknown
from pulumi_wxo.resources import Resource
from pulumi_wxo.schema import Failure, canonical
from pulumi_wxo.schema.bounds import IndexStyle, readable, refused_fields, split_bounded, under
from pulumi_wxo.schema.server_objects import object_id


class Lifecycle:
    """check, diff, preview, create, read, update and delete of one object, over plain dicts.

    Questions about many objects (is this name taken? what does the server hold now?) are
    answered from the runtime's snapshots (lifecycle/snapshot.py): one list request per run
    instead of one request per resource.
    """

    #: The declaration: API fields, control inputs, computed outputs, names, collection.
    resource: ClassVar[Resource]
    #: How check names a list index in a failure's path (schema/bounds.py).
    index_style: ClassVar[IndexStyle] = "dot"
    #: Whether objects carry the provider's owner tag (lifecycle/ownership.py).
    tagged: ClassVar[bool] = False

    def __init__(self, runtime: Runtime = RUNTIME) -> None:
        self.runtime = runtime

    @property
    def kind(self) -> str:
        return self.resource.kind

    # ------------------------------------------------------------------ shared steps

    def collection(self) -> Collection:
        """The client's collection of this resource (api/collections.py)."""
        return self.runtime.client().collection(self.resource.collection)

    def _snapshot_by_id(self, id_: str, name: Any) -> dict[str, Any] | None:
        """The object at ``id_``: from the run's snapshot, else (newer than it) from the server."""
        found = from_snapshot(self.runtime, self.resource.collection, lambda s: s.by_id(id_), lambda: None)
        return found or self.collection().get(id_, name=name if isinstance(name, str) else None)

    def by_name(self, name: str) -> list[dict[str, Any]]:
        return from_snapshot(
            self.runtime,
            self.resource.collection,
            lambda s: s.by_name(name),
            lambda: self.collection().find(name),
        )

    def declared(self, props: Mapping[str, Any]) -> dict[str, Any]:
        return declared_fields(props, self.resource.api_fields)

    def spec_or_raise(self, props: Mapping[str, Any], *, verb: str) -> Any:
        """The validated spec of ``props``, or InvalidInputError listing every failure."""
        return validated_or_raise(
            props,
            fields=self.resource.api_fields,
            validate=self.validate,
            kind=self.kind,
            verb=verb,
            key=self.resource.key,
        )

    def verify(
        self, id_: str, server: Mapping[str, Any], olds: Mapping[str, Any], *, action: str, owner: str | None
    ) -> None:
        """The object at ``id_`` is the one the state recorded, or nothing is done
        (lifecycle/ownership.py, ``verify_at_id``)."""
        verify_at_id(
            kind=self.kind,
            id_=id_,
            server=server,
            # The collection answers each object's key as its ``name``.
            recorded={**olds, "name": olds.get(self.resource.key)},
            action=action,
            owner=owner,
            tagged=self.tagged,
        )

    def _outputs(
        self, server: Mapping[str, Any], props: Mapping[str, Any], *, reference: Mapping[str, Any], id_: str
    ) -> dict[str, Any]:
        return {
            **self.server_outputs(server, props, reference=reference),
            **self.control_outputs(props),
            self.resource.id_output: id_,
        }

    def _recorded(self, props: Mapping[str, Any]) -> bool:
        """Whether ``props`` are a state's outputs (a refresh), not a read without state
        (``Model.get``, an import), which records nothing to compare with."""
        return any(
            props.get(k) is not None for k in (self.resource.key, self.resource.id_output, "owner_tag")
        )

    def name_of(self, spec: Any) -> str:
        """The object's name in a valid spec: its declaration's ``key`` field."""
        return str(getattr(spec, self.resource.key))

    def label(self, props: Mapping[str, Any], fallback: str) -> str:
        return label(props, fallback, key=self.resource.key)

    # ------------------------------------------------------------------ check

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> CheckOutcome:
        register_secrets(olds, news)
        # A dead credential fails every preview, also one where nothing changes (runtime.py).
        self.runtime.prove_credentials()
        inputs = dict(news)
        # NaN, infinities and deep nesting first: what they refuse becomes None, so no
        # recursive step below (is_unknown, pydantic, canonical) sees it.
        news, refused, paths = split_bounded(news, index=self.index_style)
        notes: list[str] = []
        fails = self._check(olds, news, inputs, notes)
        kept = refused + [f for f in fails if not under(f.path, paths)]
        stored = stored_inputs(olds, inputs, self.resource)
        # A failure may quote the name (taken, invalid): a secret one is masked (register_secrets).
        return CheckOutcome(
            stored, [Failure(f.path, redact(f.reason)) for f in kept], [redact(n) for n in notes]
        )

    def _check(
        self, olds: Mapping[str, Any], news: Mapping[str, Any], inputs: dict[str, Any], notes: list[str]
    ) -> list[Failure]:
        r = self.resource
        fails = unknown_inputs(news, set(r.api_fields) | r.control_inputs)
        fails += bool_failures(news, r.boolean_controls) + self.control_failures(news)
        given = self.declared(news)
        partial = {k: v for k, v in given.items() if not is_unknown(v)}
        if len(partial) != len(given):
            # Preview with unknowns: validate what is known, skip rules that need the rest.
            return fails + self.partial_failures(partial)
        spec, errs = self.validate(partial)
        fails += errs
        if spec is not None:
            # Store the normalised name so later diffs compare like with like.
            inputs[self.resource.key] = self.name_of(spec)
            self.normalize_inputs(given, inputs)
            if not olds:
                fails += self.claims(self.name_of(spec), news, notes)
            fails += self.spec_failures(spec, news)
        return fails

    # ------------------------------------------------------------------ diff and preview

    def diff(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> DiffOutcome:
        register_secrets(olds, news)
        where = placement(self.runtime, olds, action=f"diff {self.kind} '{self.label(olds, '?')}'")
        changed, complete = self.diff_fields(olds, news)
        if where == "move":
            changed = [*changed, "instance"]
        replace = self.resource.replace_fields
        return DiffOutcome(changed, [k for k in changed if k in replace or k == "instance"], complete)

    def preview(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """The outputs of a create (``olds`` empty) or an update at preview, without a request.

        A host whose engine asks for preview outputs (the native plugin) returns these, so a
        resource that reads this object's id does not see it unknown on every update.
        """
        register_secrets(olds, news)
        given = self.declared(news)
        spec = None if any(is_unknown(v) for v in given.values()) else self.validate(given)[0]
        desired: dict[str, Any] = (
            self.desired(spec, given)
            if spec is not None
            else {k: news.get(k) for k in self.resource.api_fields}
        )
        desired.update(self.preview_outputs(spec, olds))
        desired.update(self.control_outputs(news))
        kept = self.resource.kept_outputs
        return previewed(desired, olds, kept=kept, computed=kept)

    # ------------------------------------------------------------------ create

    def create(self, props: Mapping[str, Any]) -> Created:
        register_secrets(props)
        spec = self.spec_or_raise(props, verb="create")
        collection = self.collection()
        self.before_write(spec, "create")
        snapshot = self.runtime.snapshot(self.resource.collection)
        name = self.name_of(spec)
        target, tag = self.adoption(name, props, self.by_name(name))
        if target is not None:
            id_ = object_id(self.kind, target, action=f"adopt {self.kind} '{name}'")
            body = self.body(spec, tag, target, props)
            collection.update(id_, body, name=name)
            server = collection.get(id_, name=name) or {**body, "id": id_}
        else:
            body = self.body(spec, tag, None, props)
            id_, answered = create_by_name(collection, body, name=name, runtime=self.runtime, tag=tag)
            # One POST: the answer (or the body we sent) is what the server holds now.
            server = answered or {**body, "id": id_}
        snapshot.put({**server, "id": id_})
        outs = self._outputs(server, props, reference=spec.effective(), id_=id_)
        return Created(id_, {**outs, **stamp(self.runtime)})

    # ------------------------------------------------------------------ read

    def read(self, id_: str, props: Mapping[str, Any]) -> ReadOutcome:
        register_secrets(props)
        kind, shown = self.kind, self.label(props, id_)
        if placement(self.runtime, props, action=f"refresh {kind} '{shown}'") == "move":
            raise WxoError(
                f"refresh {kind} '{shown}': wxo:moveInstance is set and the {kind} is recorded on another "
                "instance; run `pulumi up` first (docs/guide/recovery.md)"
            )
        # The snapshot first; an object it lacks may be newer than the snapshot: ask for it.
        server = self._snapshot_by_id(id_, props.get(self.resource.key))
        if server is None:
            return ReadOutcome(None, {})  # gone: the host drops it on refresh
        # The server's id: an import may name the object another way (a connection by app_id).
        found = server.get("id")
        id_ = found if isinstance(found, str) and found else id_
        if self._recorded(props):
            # Refresh never takes a foreign object into the state
            # (docs/dev/lifecycle.md, "The object at a state's id").
            self.verify(id_, server, props, action=f"refresh {kind} '{shown}'", owner=self.owner(props))
        outs = self._outputs(server, props, reference=self.read_reference(server, props), id_=id_)
        # A read writes nothing: it keeps what the last write recorded; without state, the instance.
        stamped = props.get(self.resource.key) is not None
        outs.update(kept_stamp(props) if stamped else {"instance": self.runtime.instance().as_output()})
        r = self.resource
        # As check stores them (lifecycle/claims.py): no control input at its default.
        refreshed = read_inputs(outs, defaults_to_name=r.defaults_to_name, computed=r.computed_outputs)
        inputs = stored_inputs({}, refreshed, r)
        return ReadOutcome(id_, outs, inputs)

    # ------------------------------------------------------------------ update

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """Full PUT; returns every output (a host's default update would wipe them)."""
        register_secrets(olds, news)
        spec = self.spec_or_raise(news, verb="update")
        name = self.name_of(spec)
        placement(self.runtime, olds, action=f"update {self.kind} '{name}'")
        collection = self.collection()
        self.before_write(spec, "update")
        # From the run's snapshot when it has the object (one list serves every object).
        current = self._snapshot_by_id(id_, name)
        if current is not None:  # gone: the PUT's 404 says how to recover
            self.verify(id_, current, olds, action=f"update {self.kind} '{name}'", owner=self.owner(news))
        body = self.body(spec, self.kept_tag(olds, news), current, news)
        try:
            collection.update(id_, body, name=name)
        except NotFoundError as err:
            raise gone(err, kind=self.kind, name=name, id_=id_) from None
        server = self.after_put(current, body, id_)
        self.runtime.snapshot(self.resource.collection).put(server)
        outs = self._outputs(server, news, reference=spec.effective(), id_=id_)
        return {**outs, **stamp(self.runtime)}

    # ------------------------------------------------------------------ delete

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:
        register_secrets(props)
        name = props.get(self.resource.key)
        action = f"delete {self.kind} '{self.label(props, id_)}'"
        if placement(self.runtime, props, action=action) == "move":
            left_behind(
                self.kind, self.label(props, id_), props
            )  # the moved stack's old copy: a separate choice
            return
        collection = self.collection()
        # An id that cannot name one object (``..``, ``a/b``) is refused before any request.
        object_id(self.kind, {"id": id_, "name": name}, action=action)
        server = self._snapshot_by_id(id_, name)
        if server is not None:  # else gone already: the DELETE's 404 counts as done
            self.verify(id_, server, props, action=action, owner=self.owner(props))
        self.before_delete(id_, props)
        collection.delete(id_, name=name if isinstance(name, str) else None)
        self.runtime.snapshot(self.resource.collection).remove(id_)

    # ================================================================== Hooks
    # What a resource may override; each default is what a resource without it needs.

    def validate(self, given: Mapping[str, Any]) -> tuple[Any | None, list[Failure]]:
        """The spec of the declared fields and every failure (the schema's ``validate_*``)."""
        from pydantic import ValidationError

        from pulumi_wxo.schema.failures import failures_from

        try:
            return self.resource.spec.model_validate(dict(given)), []
        except ValidationError as err:
            return None, failures_from(err)

    def control_failures(self, news: Mapping[str, Any]) -> list[Failure]:
        """Rules on control inputs beyond "must be true or false" (``boolean_controls``)."""
        return []

    def partial_failures(self, partial: Mapping[str, Any]) -> list[Failure]:
        """Rules for the known part of inputs that still hold preview unknowns (else: at up)."""
        return []

    def normalize_inputs(self, given: Mapping[str, Any], inputs: dict[str, Any]) -> None:
        """Store normalised values (beside the name) so later diffs compare like with like."""

    def claims(self, name: str, news: Mapping[str, Any], notes: list[str]) -> list[Failure]:
        """A new resource's name on the server: taken unless ``adopt`` (best effort)."""
        if news.get("adopt"):
            return []
        return name_taken(self.kind, name, lambda: self.by_name(name), field=self.resource.key)

    def spec_failures(self, spec: Any, news: Mapping[str, Any]) -> list[Failure]:
        """Checks of a valid spec against the server (a policy's targets)."""
        return []

    def diff_fields(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> tuple[list[str], bool]:
        """Fields whose desired state (``news`` with the server's defaults) differs from ``olds``,
        and whether all were known. Nothing out of bounds (schema/bounds.py) is walked: a
        refused new value is a change, an old one too deep to read compares as different."""
        fields = self.resource.api_fields
        refused = refused_fields(news, fields)
        news = {k: v for k, v in news.items() if k not in refused}
        olds = readable(olds)
        unknown = [k for k in fields if is_unknown(news.get(k))]
        if self.resource.key in unknown:
            return [self.resource.key], False
        known = {k: v for k, v in self.declared(news).items() if k not in unknown}
        spec = self.validate(known)[0] if not unknown else None
        if spec is None:
            changed = unknown or [k for k in fields if canonical(known.get(k)) != canonical(olds.get(k))]
        else:
            desired = spec.effective()
            changed = [k for k in fields if canonical(desired.get(k)) != canonical(olds.get(k))]
        changed += [k for k in fields if k in refused and k not in changed]
        return changed, not unknown

    def desired(self, spec: Any, given: Mapping[str, Any]) -> dict[str, Any]:
        """The API fields among the outputs of a write of ``spec`` (declared as ``given``), as
        far as known without the server: the spec with the server's defaults applied."""
        effective: dict[str, Any] = spec.effective()
        return effective

    def preview_outputs(self, spec: Any, olds: Mapping[str, Any]) -> dict[str, Any]:
        """Computed outputs known at preview beyond the kept ones (a model's ``provider``)."""
        return {}

    def control_outputs(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """The control inputs among the outputs: each as given, or its default."""
        return {c.name: bool(props.get(c.name)) for c in self.resource.controls if c.output and c.boolean}

    def server_outputs(
        self, server: Mapping[str, Any], props: Mapping[str, Any], *, reference: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The API fields (and computed outputs) of a server object, for state."""
        return {k: server.get(k) for k in self.resource.api_fields}

    def read_reference(self, server: Mapping[str, Any], props: Mapping[str, Any]) -> dict[str, Any]:
        """What ``server_outputs`` compares with on a read: the old outputs."""
        return dict(props)

    def owner(self, props: Mapping[str, Any]) -> str | None:
        """This resource's owner id (tagged resources)."""
        return None

    def adoption(
        self, name: str, props: Mapping[str, Any], existing: list[dict[str, Any]]
    ) -> tuple[dict[str, Any] | None, OwnerTag | None]:
        """At create: the existing object to take (None: POST a new one), and the owner tag to
        write. Refuses a name taken unless ``adopt``, and duplicates."""
        if not existing:
            return None, None
        ids = [str(o.get("id")) for o in existing]
        if not props.get("adopt"):
            raise ModelExistsError(action=f"create {self.kind} '{name}'", ids=ids, kind=self.kind)
        if len(ids) > 1:
            raise ModelExistsError(
                action=f"adopt {self.kind} '{name}'", ids=ids, duplicates=True, kind=self.kind
            )
        return existing[0], None

    def kept_tag(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> OwnerTag | None:
        """The owner tag an update writes back."""
        return None

    def body(
        self, spec: Any, tag: OwnerTag | None, current: Mapping[str, Any] | None, props: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The API body of a create or a full PUT."""
        body: dict[str, Any] = spec.to_api()
        return body

    def before_write(self, spec: Any, verb: str) -> None:
        """Refuse a create or update the server would accept but should not (a policy's targets)."""

    def after_put(
        self, current: Mapping[str, Any] | None, body: Mapping[str, Any], id_: str
    ) -> dict[str, Any]:
        """The object after a full PUT: asked of the server."""
        found = self.collection().get(id_, name=str(body.get("name") or id_))
        return found or {**body, "id": id_}

    def before_delete(self, id_: str, props: Mapping[str, Any]) -> None:
        """Refuse a delete (a model a policy still routes to)."""


def label(props: Mapping[str, Any], fallback: str, *, key: str = "name") -> str:
    """The name a message quotes: the recorded name when it is text, else ``fallback`` (the
    id). A hand-edited state may hold anything under ``name``, a value nested thousands deep
    included; such a value is never turned into text."""
    name = props.get(key)
    return name if isinstance(name, str) and name else fallback
