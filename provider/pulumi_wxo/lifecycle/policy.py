"""The lifecycle of one routing policy (``/model_policy``, api-contract §6), for every host."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_wxo.api.errors import ConfigError, InvalidInputError, ModelExistsError, NotFoundError, WxoError
from pulumi_wxo.lifecycle.claims import control, stored_inputs
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
from pulumi_wxo.lifecycle.ownership import verify_at_id
from pulumi_wxo.lifecycle.results import CheckOutcome, Created, DiffOutcome, ReadOutcome
from pulumi_wxo.lifecycle.runtime import RUNTIME, Runtime
from pulumi_wxo.lifecycle.values import is_unknown
from pulumi_wxo.schema import (
    POLICY_DIFF_FIELDS,
    POLICY_REPLACE_FIELDS,
    Failure,
    PolicySpec,
    canonical,
    normalize_model_name,
    normalize_policy,
    validate_policy,
)
from pulumi_wxo.schema.bounds import readable, refused_fields, split_bounded, under
from pulumi_wxo.schema.server_objects import object_id
from pulumi_wxo.schema.targets import iter_targets

# Inputs of a ModelPolicy that are not part of the API body: ``declared_models`` lists the
# names of Model resources the policy's targets come from (so check does not demand that a
# model created in the same deployment already exists on the server).
POLICY_CONTROL_INPUTS: frozenset[str] = frozenset({"adopt", "declared_models"})
POLICY_COMPUTED_OUTPUTS: tuple[str, ...] = ("policy_id", "instance", "provider_version")


def declared(props: Mapping[str, Any]) -> dict[str, Any]:
    return declared_fields(props, POLICY_DIFF_FIELDS)


def spec_or_raise(props: Mapping[str, Any], *, verb: str) -> PolicySpec:
    return validated_or_raise(
        props, fields=POLICY_DIFF_FIELDS, validate=validate_policy, kind="policy", verb=verb
    )


def normalize_target(name: str) -> str:
    try:
        return normalize_model_name(name)
    except ValueError:
        return name


def missing_targets(runtime: Runtime, targets: Any, declared_models: Iterable[Any]) -> list[Failure]:
    """Targets that name neither a model declared in the stack nor one on the server.

    Asked of the models snapshot; only names it lacks (a model made since it was taken) are
    asked of the server again.
    """
    known = {normalize_target(d) for d in declared_models if isinstance(d, str)}
    wanted = [
        (v.name_path, normalize_target(v.model_name))
        for v in iter_targets(targets)
        if isinstance(v.item, Mapping) and isinstance(v.model_name, str)
    ]
    wanted = [(path, name) for path, name in wanted if name not in known]
    if not wanted:
        return []
    listed: list[dict[str, Any]] = from_snapshot(runtime, "models", lambda s: s.objects(), lambda: [])
    on_server = {m.get("name") for m in listed}
    unseen = sorted({n for _, n in wanted if n not in on_server})
    if unseen:
        on_server |= {m.get("name") for m in runtime.client().list_models(names=unseen)}
    return [
        Failure(
            path,
            f"no model '{name}' on the server and none declared in this stack: declare it with "
            "wxo.Model (and pass the resource as the target's `model`) or fix the name",
        )
        for path, name in wanted
        if name not in on_server
    ]


def policy_outputs(server: Mapping[str, Any], props: Mapping[str, Any], id_: Any = None) -> dict[str, Any]:
    norm = normalize_policy(server)
    return {
        **{k: norm.get(k) for k in POLICY_DIFF_FIELDS},
        "policy_id": id_ if id_ is not None else norm["id"],
        "adopt": bool(props.get("adopt")),
        "declared_models": list(control(props, "declared_models") or []),
    }


class PolicyLifecycle:
    """check, diff, create, read, update and delete of one model policy, over plain dicts."""

    def __init__(self, runtime: Runtime = RUNTIME) -> None:
        self.runtime = runtime

    def _verify(self, id_: str, server: Mapping[str, Any], olds: Mapping[str, Any], *, action: str) -> None:
        """The policy at ``id_`` has the recorded name, or nothing is done (policies carry no
        owner tag; lifecycle/ownership.py, ``verify_at_id``)."""
        verify_at_id(kind="policy", id_=id_, server=server, recorded=olds, action=action, tagged=False)

    def _by_name(self, name: str) -> list[dict[str, Any]]:
        return from_snapshot(
            self.runtime,
            "policies",
            lambda s: s.by_name(name),
            lambda: self.runtime.client().find_policies(name),
        )

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> CheckOutcome:
        register_secrets(olds, news)
        # A dead credential fails every preview, also one where nothing changes (runtime.py).
        self.runtime.prove_credentials()
        inputs = dict(news)
        # Bounds first, as for a model: nothing below walks a refused value.
        news, refused, paths = split_bounded(news, index="bracket")
        fails = self._check(olds, news, inputs)
        # declared_models stored as __declared_models, adopt=False not at all (lifecycle/claims.py).
        stored = stored_inputs(olds, inputs, defaults={"adopt": (False,)})
        return CheckOutcome(stored, refused + [f for f in fails if not under(f.path, paths)])

    def _check(
        self, olds: Mapping[str, Any], news: Mapping[str, Any], inputs: dict[str, Any]
    ) -> list[Failure]:
        fails = unknown_inputs(news, set(POLICY_DIFF_FIELDS) | POLICY_CONTROL_INPUTS)
        fails += bool_failures(news, {"adopt"})
        decl = news.get("declared_models") or []
        if not isinstance(decl, list | tuple) and not is_unknown(decl):
            fails.append(Failure("declared_models", "must be a list of model names (set by ModelPolicy)"))
            decl = []
        given = declared(news)
        if any(is_unknown(v) for v in given.values()):
            return fails  # the rest is checked at up
        spec, errs = validate_policy(given)
        fails += errs
        if spec is not None:
            inputs["name"] = spec.name
            if not olds and not news.get("adopt"):
                fails += name_taken("policy", spec.name, lambda: self._by_name(spec.name))
            if not is_unknown(decl):
                fails += self._server_targets(news.get("targets"), decl)
        return fails

    def _server_targets(self, targets: Any, declared_models: Iterable[Any]) -> list[Failure]:
        """Targets must exist; asked of the server at preview when settings allow it."""
        try:
            self.runtime.client()
        except ConfigError:
            return []  # no connection at preview: create checks again before POSTing
        try:
            return missing_targets(self.runtime, targets, declared_models)
        except WxoError:
            return []  # unreachable at preview: create checks again

    def diff(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> DiffOutcome:
        register_secrets(olds, news)
        where = placement(self.runtime, olds, action=f"diff policy '{olds.get('name')}'")
        outcome = self._diff(olds, news)
        if where != "move":
            return outcome
        return DiffOutcome([*outcome.changed, "instance"], [*outcome.replaces, "instance"], outcome.complete)

    def _diff(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> DiffOutcome:
        # Nothing out of bounds is walked (schema/bounds.py): a refused new value is a change,
        # an old one too deep to read compares as different.
        refused = refused_fields(news, POLICY_DIFF_FIELDS)
        news = {k: v for k, v in news.items() if k not in refused}
        olds = readable(olds)
        unknown = [k for k in POLICY_DIFF_FIELDS if is_unknown(news.get(k))]
        if "name" in unknown:
            return DiffOutcome(["name"], ["name"], complete=False)
        known = {k: v for k, v in declared(news).items() if k not in unknown}
        spec, _ = validate_policy(known) if not unknown else (None, [])
        if spec is None:
            changed = unknown or [
                k for k in POLICY_DIFF_FIELDS if canonical(known.get(k)) != canonical(olds.get(k))
            ]
        else:
            desired = spec.effective()
            changed = [k for k in POLICY_DIFF_FIELDS if canonical(desired.get(k)) != canonical(olds.get(k))]
        changed += [k for k in POLICY_DIFF_FIELDS if k in refused and k not in changed]
        return DiffOutcome(changed, [k for k in changed if k in POLICY_REPLACE_FIELDS], complete=not unknown)

    def _targets_exist(self, spec: PolicySpec, verb: str) -> None:
        missing = missing_targets(self.runtime, spec.to_api()["policy"]["targets"], ())
        if missing:
            raise InvalidInputError(action=f"{verb} policy '{spec.name}'", failures=[str(f) for f in missing])

    def preview(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """The outputs of a create (``olds`` empty) or an update at preview, without a request."""
        register_secrets(olds, news)
        given = declared(news)
        spec = None if any(is_unknown(v) for v in given.values()) else validate_policy(given)[0]
        desired: dict[str, Any] = (
            spec.effective() if spec is not None else {k: news.get(k) for k in POLICY_DIFF_FIELDS}
        )
        declared_models = control(news, "declared_models")
        desired.update(
            adopt=bool(news.get("adopt")),
            declared_models=list(declared_models) if isinstance(declared_models, list | tuple) else [],
        )
        return previewed(desired, olds, kept=("policy_id", "instance"), computed=("policy_id", "instance"))

    def create(self, props: Mapping[str, Any]) -> Created:
        register_secrets(props)
        spec = spec_or_raise(props, verb="create")
        client = self.runtime.client()
        self._targets_exist(spec, "create")
        snapshot = self.runtime.snapshot("policies")
        existing = self._by_name(spec.name)
        body = spec.to_api()
        if existing:
            ids = [str(o.get("id")) for o in existing]
            if not props.get("adopt"):
                raise ModelExistsError(action=f"create policy '{spec.name}'", ids=ids, kind="policy")
            if len(ids) > 1:
                raise ModelExistsError(
                    action=f"adopt policy '{spec.name}'", ids=ids, duplicates=True, kind="policy"
                )
            policy_id = ids[0]
            client.update_policy(policy_id, body, name=spec.name)
            server = client.get_policy(policy_id, name=spec.name) or {**body, "id": policy_id}
        else:
            policy_id, answered = create_by_name(
                kind="policy",
                name=spec.name,
                post=lambda: client.create_policy(body),
                find=lambda: client.find_policies(spec.name),
                runtime=self.runtime,
            )
            server = answered or {**body, "id": policy_id}
        snapshot.put({**server, "id": policy_id})
        outs = policy_outputs(server, props, id_=policy_id)
        return Created(policy_id, {**outs, **stamp(self.runtime)})

    def read(self, id_: str, props: Mapping[str, Any]) -> ReadOutcome:
        register_secrets(props)
        if placement(self.runtime, props, action=f"refresh policy '{props.get('name') or id_}'") == "move":
            raise WxoError(
                f"refresh policy '{props.get('name') or id_}': wxo:moveInstance is set and the policy is "
                "recorded on another instance; run `pulumi up` first (docs/guide/recovery.md)"
            )
        found = from_snapshot(self.runtime, "policies", lambda s: s.by_id(id_), lambda: None)
        server = found or self.runtime.client().get_policy(id_, name=props.get("name"))
        if server is None:
            return ReadOutcome(None, {})
        if props.get("name") is not None or props.get("policy_id") is not None:
            # Refresh never takes a foreign object into the state
            # (docs/dev/lifecycle.md, "The object at a state's id").
            self._verify(id_, server, props, action=f"refresh policy '{props.get('name') or id_}'")
        outs = policy_outputs(server, props, id_=id_)
        outs.update(
            kept_stamp(props) if props.get("name") else {"instance": self.runtime.instance().as_output()}
        )
        # As check stores them (lifecycle/claims.py): no control input at its default.
        inputs = stored_inputs(
            {},
            read_inputs(
                outs, defaults_to_name=("display_name", "description"), computed=POLICY_COMPUTED_OUTPUTS
            ),
            defaults={"adopt": (False,)},
        )
        return ReadOutcome(id_, outs, inputs)

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        register_secrets(olds, news)
        spec = spec_or_raise(news, verb="update")
        placement(self.runtime, olds, action=f"update policy '{spec.name}'")
        client = self.runtime.client()
        self._targets_exist(spec, "update")
        # From the run's snapshot when it has the object (one list serves every policy).
        current = from_snapshot(self.runtime, "policies", lambda s: s.by_id(id_), lambda: None) or (
            client.get_policy(id_, name=spec.name)
        )
        if current is not None:  # gone: the PUT's 404 says how to recover
            self._verify(id_, current, olds, action=f"update policy '{spec.name}'")
        try:
            client.update_policy(id_, spec.to_api(), name=spec.name)
        except NotFoundError as err:
            raise gone(err, kind="policy", name=spec.name, id_=id_) from None
        server = client.get_policy(id_, name=spec.name) or {**spec.to_api(), "id": id_}
        self.runtime.snapshot("policies").put(server)
        return {**policy_outputs(server, news), **stamp(self.runtime)}

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:
        register_secrets(props)
        name = props.get("name")
        if placement(self.runtime, props, action=f"delete policy '{name or id_}'") == "move":
            left_behind("policy", name or id_, props)
            return
        client = self.runtime.client()
        # An id that cannot name one object (``..``, ``a/b``) is refused before any request.
        object_id("policy", {"id": id_, "name": name}, action=f"delete policy '{name or id_}'")
        server = from_snapshot(
            self.runtime, "policies", lambda s: s.by_id(id_), lambda: None
        ) or client.get_policy(id_, name=name if isinstance(name, str) else None)
        if server is not None:  # else gone already: the DELETE's 404 counts as done
            self._verify(id_, server, props, action=f"delete policy '{name or id_}'")
        client.delete_policy(id_, name=name if isinstance(name, str) else None)
        self.runtime.snapshot("policies").remove(id_)
