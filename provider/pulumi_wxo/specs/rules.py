"""The rules a document passes after its shape: secrets (literals refused, ``${secret:NAME}``
turned into typed placeholders), the schema's own rules placed at file and line, and the
rules across documents (duplicates, resource-name collisions, undeclared policy targets, a
model's ``app_id`` and the connection it names)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi_wxo.schema import (
    SECRET_FIELDS,
    Failure,
    ModelSpec,
    PolicySpec,
    is_secret_key,
    to_snake_key,
    unbalanced_weights,
    validate_model,
    validate_policy,
)
from pulumi_wxo.schema.connection import KEY_VALUE_KINDS, ConnectionSpec, validate_connection
from pulumi_wxo.schema.targets import fold_targets
from pulumi_wxo.specs.document import Built
from pulumi_wxo.specs.names import resource_name, secret_config_key
from pulumi_wxo.specs.namespaces import namespace_problem
from pulumi_wxo.specs.overrides import where
from pulumi_wxo.specs.paths import join_path, split_path
from pulumi_wxo.specs.results import Problem, SecretRef, Spec
from pulumi_wxo.specs.syntax import REF_LIKE, SECRET_REF, Kind, Path_


def secret_rules(b: Built, allowed: frozenset[str] = frozenset()) -> None:
    """Secret literals are errors; ``${secret:NAME}`` references become typed placeholders.

    ``allowed``: the config namespaces a ``${secret:NS:NAME}`` may read (the stack's
    ``wxo-specs:secretNamespaces``); any other namespace is an error at its line
    (:mod:`~pulumi_wxo.specs.namespaces`).
    """

    def scan(value: Any, path: Path_) -> None:
        # A reference outside provider_config would be sent as text: refuse it.
        if isinstance(value, str) and value.startswith(REF_LIKE):
            file, line = where(b, path)
            b.problems.append(
                Problem(file, line, join_path(path), "secret references are resolved in provider_config only")
            )
        elif isinstance(value, Mapping):
            for k, v in value.items():
                scan(v, (*path, str(k)))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                scan(v, (*path, i))

    for key, value in b.props.items():
        if key != "provider_config":
            scan(value, (key,))
    pc = b.props.get("provider_config")
    if not isinstance(pc, Mapping):
        return
    out: dict[str, Any] = {}
    for raw_key, value in pc.items():
        key = str(raw_key)
        snake = to_snake_key(key)
        path: Path_ = ("provider_config", snake)
        ref = SECRET_REF.match(value) if isinstance(value, str) else None
        if ref:
            sref = SecretRef(snake, f"{ref.group(1)}:{ref.group(2)}" if ref.group(1) else ref.group(2))
            refused = namespace_problem(sref, allowed)
            if refused is not None:
                file, line = where(b, path)
                b.problems.append(Problem(file, line, join_path(path), refused))
            b.refs.append(sref)
            out[key] = sref.placeholder()
            continue
        # A refused value is replaced by a stand-in, so the schema's "is required" does not
        # report the same field a second time.
        if isinstance(value, str) and value.startswith(REF_LIKE):
            file, line = where(b, path)
            b.problems.append(
                Problem(file, line, join_path(path), "malformed secret reference; write ${secret:NAME}")
            )
            out[key] = SecretRef(snake, "invalid").placeholder()
            continue
        if value is not None and is_secret_key(key):
            file, line = where(b, path)
            suggestion = secret_config_key(b.name or "model", snake)
            # The value itself is never repeated: it is a credential.
            b.problems.append(
                Problem(
                    file,
                    line,
                    join_path(path),
                    f"secret values must not be written in spec files; write "
                    f"${{secret:{suggestion}}} and run `pulumi config set --secret {suggestion} <value>`, "
                    "or bind a connection with connection_id",
                )
            )
            out[key] = SecretRef(snake, suggestion).placeholder()
            continue
        out[key] = value
    b.props["provider_config"] = out


def validate(b: Built, *, adk: bool = False) -> Spec | None:
    """Schema rules (the provider's own) with failures placed at file and line.

    ``adk``: the file is for the ADK, which takes credentials from ``--app-id``; a missing one
    is then the ADK rule's hint (:mod:`~pulumi_wxo.specs.adk`), not a problem here.
    """
    assert b.kind is not None
    spec: ModelSpec | PolicySpec | ConnectionSpec | None
    fails: list[Failure]
    if b.kind == "connection":
        if "environments" not in b.props:
            return None  # connection_rules said so; the schema's "kind is required" would mislead
        spec, fails = validate_connection(b.props)
        fails = [_in_block(f) for f in fails]
        omitted = []
    elif b.kind == "model":
        if b.app_id and b.props.get("connection_id") is not None:  # set by a stack's override
            file, line = where(b, ("connection_id",))
            b.problems.append(
                Problem(
                    file, line, "connection_id", f"and app_id ({b.app_id}) both name the model's connection"
                )
            )
        # An app_id binds a connection, as connection_id does: its credentials are not required
        # here. A stand-in id for the schema's rules, taken out of the result.
        bound = {**b.props, "connection_id": f"app_id:{b.app_id}"} if b.app_id else b.props
        spec, fails = validate_model(bound)
        omitted = _omitted_credentials(b, fails, adk)
        if omitted and len(omitted) == len(fails):
            spec = _without_credentials(b.props)
        if spec is not None and b.app_id:
            spec = spec.model_copy(update={"connection_id": None})
    else:
        spec, fails = validate_policy(b.props)
        omitted = []
    for f in fails:
        file, line = where(b, split_path(f.path))
        if f in omitted and adk:
            continue
        if f in omitted:
            b.problems.append(Problem(file, line, f.path, f"{f.reason}; {_OMITTED}", "warning"))
        else:
            b.problems.append(Problem(file, line, f.path, f.reason))
    if spec is None or any(p.is_error for p in b.problems):
        return None
    name = spec.app_id if isinstance(spec, ConnectionSpec) else spec.name
    return Spec(
        kind=b.kind,
        name=name,
        resource_name=resource_name(name),
        spec=spec,
        data={**b.props, "app_id": b.app_id} if b.app_id else b.props,
        file=b.doc.file,
        line=b.doc.line,
        secrets=tuple(b.refs),
        lines=b.doc.lines,
        lifted=b.lifted,
        app_id=b.app_id,
    )


def _in_block(f: Failure) -> Failure:
    """A connection file sets ``kind`` in each environment block only (the ADK's format): the
    schema's missing shorthand ``kind`` is the block's."""
    found = re.match(r"is required, here or in (environments\.\w+): (.*)$", f.reason)
    if f.path != "kind" or found is None:
        return f
    return Failure(f"{found.group(1)}.kind", f"is required: {found.group(2)}")


_OMITTED = (
    "not in the file, which was written from a server's answer (servers do not return "
    "credentials): `pulumi preview` refuses to create or adopt the model until you add "
    "${secret:NAME} or connection_id"
)


def _omitted_credentials(b: Built, fails: list[Failure], adk: bool) -> list[Failure]:
    """Failures for credentials a file lacks on purpose: the server left them out, or the
    file is for the ADK (``adk``), which takes them from ``--app-id``.

    Only for a document written from a server's answer (``Built.from_server``) or under
    ``adk``: there ``validate`` accepts the file and says what it means; a hand-written spec
    for pulumi-wxo without its credential stays an error.
    """
    if not (b.from_server or adk):
        return []
    pc = b.props.get("provider_config")
    present = {to_snake_key(str(k)) for k in pc} if isinstance(pc, Mapping) else set()
    out = []
    for f in fails:
        head, _, key = f.path.partition(".")
        if head == "provider_config" and key in SECRET_FIELDS and key not in present:
            out.append(f)
    return out


def _without_credentials(props: Mapping[str, Any]) -> ModelSpec | None:
    """The spec of a model whose only failures are omitted credentials (the pydantic shape
    passed; only the per-provider required rule failed)."""
    data = {k: v for k, v in props.items() if v is not None}
    pc = data.get("provider_config")
    if isinstance(pc, Mapping):
        data["provider_config"] = {to_snake_key(str(k)): v for k, v in pc.items() if v is not None}
    try:
        return ModelSpec.model_validate(data)
    except ValueError:
        return None


def _key(b: Built) -> str:
    """The field that names the document: a connection's ``app_id``, anything else's ``name``."""
    return "app_id" if b.kind == "connection" else "name"


def _at(b: Built) -> str:
    return f"{b.doc.file}:{b.doc.lines.get((_key(b),), b.doc.line)}"


def set_rules(built: list[Built], specs: list[Spec]) -> list[Problem]:
    """Rules across documents: duplicates, resource-name collisions, undeclared targets; and
    load-balance weights that do not sum to 1 (a warning)."""
    problems: list[Problem] = []
    first: dict[tuple[bool, str], Built] = {}
    by_resource: dict[tuple[Kind, str], Built] = {}
    for b in built:
        if b.name is None or b.kind is None:
            continue
        here = (b.doc.file, b.doc.lines.get((_key(b),), b.doc.line))
        # Connections are named by app_id, models and policies by name: apart.
        named = (b.kind == "connection", b.name)
        if named in first:
            other = first[named]
            problems.append(
                Problem(
                    *here,
                    _key(b),
                    f"'{b.name}' is declared twice (also in {_at(other)}); keep one of them",
                )
            )
            continue
        first[named] = b
        rkey = (b.kind, resource_name(b.name))
        if rkey in by_resource:
            other = by_resource[rkey]
            problems.append(
                Problem(
                    *here,
                    _key(b),
                    f"'{b.name}' and '{other.name}' ({_at(other)}) both get the "
                    f"resource name '{rkey[1]}'; rename one of them",
                )
            )
        by_resource[rkey] = b
    problems += app_id_rules(built, specs)
    declared = {s.name for s in specs if s.kind == "model"} | {
        b.name for b in built if b.kind == "model" and b.name
    }
    for s in specs:
        if not isinstance(s.spec, PolicySpec):
            continue
        for path, reason in unbalanced_weights(s.spec.strategy, s.spec.targets):
            problems.append(Problem(s.file, s.line_of(path), path, reason, "warning"))
        for path, target in target_paths(s.spec):
            if target not in declared:
                problems.append(
                    Problem(
                        s.file,
                        s.line_of(path),
                        path,
                        f"'{target}' is not declared here; make sure it exists on the server",
                        "warning",
                    )
                )
    return problems


def target_paths(spec: PolicySpec) -> list[tuple[str, str]]:
    """(path, model name) of every target, nested rules included."""
    nested = fold_targets(
        spec.root().targets,
        leaf=lambda path, t: [(f"{path}.model_name", t.model_name)],
        rule=lambda _path, _node, found: [item for items in found for item in items],
    )
    return [item for items in nested for item in items]


def app_id_rules(built: list[Built], specs: list[Spec]) -> list[Problem]:
    """A model's ``app_id``: a connection declared here, or one that must exist on the
    instance (a warning); the ADK binds a model only to a key_value connection."""
    problems: list[Problem] = []
    connections = {s.name: s.spec for s in specs if isinstance(s.spec, ConnectionSpec)}
    declared = {b.name for b in built if b.kind == "connection" and b.name}
    for s in specs:
        if s.app_id is None:
            continue
        line = s.line_of("app_id")
        conn = connections.get(s.app_id)
        if conn is None and s.app_id not in declared:
            problems.append(
                Problem(
                    s.file,
                    line,
                    "app_id",
                    f"'{s.app_id}' is not declared here (no connection file with that app_id); "
                    "make sure the connection exists on the instance",
                    "warning",
                )
            )
            continue
        kinds = {conn.environment(env)["kind"] for env in conn.environment_names()} if conn else set()
        other = sorted(k for k in kinds if k not in KEY_VALUE_KINDS)
        if other and isinstance(s.spec, ModelSpec) and s.spec.provider != "openai-oauth2-client-creds":
            problems.append(
                Problem(
                    s.file,
                    line,
                    "app_id",
                    f"'{s.app_id}' is a connection of kind {', '.join(other)}; the ADK binds a model "
                    "only to a key_value connection (its keys are provider_config fields)",
                    "warning",
                )
            )
    return problems
