"""``declare``: a Model / ModelPolicy / Connection resource for every spec, secrets read from
stack config; a model's ``app_id`` wired to the Connection declared with it.

The only module of the package that imports ``pulumi``, and only when :func:`declare` runs:
``pulumi-wxo validate`` (a pre-commit hook) must not pay for the SDK.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from pulumi_wxo.resources import MODEL, POLICY, Resource
from pulumi_wxo.schema import ModelSpec, PolicyNode, PolicySpec, PolicyTarget
from pulumi_wxo.schema.connection import ConnectionSpec
from pulumi_wxo.schema.targets import fold_targets
from pulumi_wxo.specs.discovery import PathsArg
from pulumi_wxo.specs.load import read_specs
from pulumi_wxo.specs.namespaces import parse_allowed, project_problem
from pulumi_wxo.specs.overrides import deep_merge
from pulumi_wxo.specs.parse import load_json_value
from pulumi_wxo.specs.results import Problem, SecretRef, Spec, SpecError
from pulumi_wxo.specs.syntax import OVERRIDES_KEY, OVERRIDES_NAMESPACE, SECRET_NAMESPACES_KEY

if TYPE_CHECKING:
    import pulumi

_run_error_class: type[SpecError] | None = None


def _as_run_error(err: SpecError) -> SpecError:
    """The same error, also a ``pulumi.RunError``: the engine then prints the problems without
    a Python traceback (``pulumi/runtime/stack.py`` treats RunError as a clean failure)."""
    global _run_error_class  # noqa: PLW0603 - one lazily built class per process
    if _run_error_class is None:
        import pulumi

        _run_error_class = type("SpecRunError", (SpecError, pulumi.RunError), {})
    return _run_error_class(err.problems)


def _secret_namespaces() -> frozenset[str]:
    """The stack's ``wxo-specs:secretNamespaces`` (specs/namespaces.py); a bad value raises."""
    import pulumi

    source = f"{OVERRIDES_NAMESPACE}:{SECRET_NAMESPACES_KEY}"
    allowed, wrong = parse_allowed(pulumi.Config(OVERRIDES_NAMESPACE).get(SECRET_NAMESPACES_KEY))
    if wrong:
        raise _as_run_error(SpecError([Problem(source, None, "", message) for message in wrong]))
    return allowed


def _project_namespace_problems(specs: Sequence[Spec]) -> list[Problem]:
    """``${secret:NAME}`` reads the project's namespace: refused when that is the provider's."""
    import pulumi

    why = project_problem(pulumi.get_project())
    if why is None:
        return []
    return [
        Problem(s.file, s.line_of(ref.path), ref.path, why)
        for s in specs
        for ref in s.secrets
        if ref.namespace is None
    ]


def _stack_overrides() -> tuple[Mapping[str, Any] | None, bool | None]:
    import pulumi

    cfg = pulumi.Config(OVERRIDES_NAMESPACE)
    source = f"{OVERRIDES_NAMESPACE}:{OVERRIDES_KEY}"
    text = cfg.get(OVERRIDES_KEY)
    # The stack file comes with the pull request, as the specs do: parsed within the same
    # limits, and never echoed (Config.get_object would put the whole value in its error).
    raw, problems = load_json_value(source, text) if text is not None else (None, [])
    if problems:
        raise _as_run_error(SpecError([replace(p, line=None) for p in problems]))
    overrides = raw if isinstance(raw, Mapping) else None
    if raw is not None and overrides is None:
        raise _as_run_error(
            SpecError(
                [
                    Problem(
                        source,
                        None,
                        "",
                        "must be an object keyed by spec name (set it with `pulumi config set --path`)",
                    )
                ]
            )
        )
    return overrides, cfg.get_bool("adopt")


Host = Literal["dynamic", "native"]
HOSTS: tuple[Host, ...] = ("dynamic", "native")


def _resource_classes(host: str) -> tuple[Any, Any, Any]:
    """The ``Model``, ``ModelPolicy`` and ``Connection`` classes of ``host``: the dynamic
    provider's (``pulumi_wxo``, zero install) or the plugin's (``pulumi_wxo.native``)."""
    if host == "dynamic":
        from pulumi_wxo.connection import Connection
        from pulumi_wxo.model import Model
        from pulumi_wxo.model_policy import ModelPolicy

        return Model, ModelPolicy, Connection
    if host == "native":
        from pulumi_wxo.native.resources import Connection as NativeConnection
        from pulumi_wxo.native.resources import Model as NativeModel
        from pulumi_wxo.native.resources import ModelPolicy as NativeModelPolicy

        return NativeModel, NativeModelPolicy, NativeConnection
    raise ValueError(f"declare(): host must be one of {', '.join(map(repr, HOSTS))}, not {host!r}")


def _resolve_secret(
    ref: SecretRef, given: Mapping[str, Any] | None
) -> tuple[pulumi.Output[Any] | None, str | None]:
    """The secret's Output, or None and the config key that is missing."""
    import pulumi

    if given is not None and ref.key in given:
        return pulumi.Output.secret(given[ref.key]), None
    cfg = pulumi.Config(ref.namespace) if ref.namespace else pulumi.Config()
    value = cfg.get_secret_object(ref.name) if ref.wants_object else cfg.get_secret(ref.name)
    if value is None:
        return None, cfg.full_key(ref.name)
    return value, None


def declare(
    paths: PathsArg,
    *,
    opts: pulumi.ResourceOptions | None = None,
    overrides: Mapping[str, Any] | None = None,
    secrets: Mapping[str, Any] | None = None,
    adopt: bool | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    host: Host = "dynamic",
) -> dict[str, Any]:
    """Declare a Model / ModelPolicy / Connection for every spec in ``paths``; returns name ->
    resource (a connection by its app_id).

    * Resource names are stable: :func:`~pulumi_wxo.specs.names.resource_name` of the spec's
      name (``virtual-model/openai/gpt-4o`` -> ``openai-gpt-4o``); the dict is keyed by the API
      name (``virtual-model/openai/gpt-4o``, ``virtual-policy/anygem``).
    * ``${secret:NAME}`` is read with ``pulumi.Config().get_secret(NAME)`` (the project's own
      namespace); ``${secret:team:openaiKey}`` reads namespace ``team`` only when the stack
      lists it in ``wxo-specs:secretNamespaces``, and never the provider's own ``wxo`` /
      ``wxo-specs`` (:mod:`~pulumi_wxo.specs.namespaces`). ``secrets`` (config key -> value) is
      looked up first. A missing key is an error naming the file, line and field.
    * Overrides: ``overrides`` (spec name -> partial spec), then the stack's
      ``wxo-specs:overrides`` object, are merged over the files (docs/guide/specs.md).
    * A policy target naming a model declared here is wired to that Model resource, so the
      engine creates models before the policy and deletes the policy first.
    * A connection file's ``${secret:NAME}`` credentials are read as a model's are. A model's
      ``app_id`` names a connection declared here: the Model gets that Connection's
      ``connection_id`` (an Output, so the connection is created first and deleted last); any
      other app_id is passed to the Model as ``app_id``, resolved to the id of the connection
      already on the instance at every check (a preview fails when none has it).
    * ``adopt`` (default: stack config ``wxo-specs:adopt``, else False) takes over existing
      objects of the same name instead of refusing them.
    * ``base_dir``: the directory ``provider_config.server_cert_file`` may lead into (default:
      each spec file's own folder); the files are untrusted (docs/guide/specs.md).
    * ``host``: ``"dynamic"`` (default) declares :class:`pulumi_wxo.Model` /
      :class:`pulumi_wxo.ModelPolicy` on the dynamic provider; ``"native"`` declares
      :class:`pulumi_wxo.native.Model` / :class:`pulumi_wxo.native.ModelPolicy` on the
      ``pulumi-resource-wxo`` plugin (``opts.provider`` may then be a
      :class:`pulumi_wxo.native.Provider`).

    Raises :class:`SpecError` (also a ``pulumi.RunError``) listing every problem; nothing is
    registered with the engine then.
    """
    import pulumi

    Model, ModelPolicy, Connection = _resource_classes(host)
    stack_overrides, stack_adopt = _stack_overrides()
    merged: dict[str, Any] = dict(overrides or {})
    source = "overrides"
    if stack_overrides:
        for key, patch in stack_overrides.items():
            merged[key] = deep_merge(merged.get(key), patch) if key in merged else patch
        source = f"{OVERRIDES_NAMESPACE}:{OVERRIDES_KEY}"
    specs, problems = read_specs(
        paths,
        overrides=merged or None,
        override_source=source,
        base_dir=base_dir,
        secret_namespaces=_secret_namespaces(),
    )
    refused = _project_namespace_problems(specs)
    problems += refused
    resolved: dict[tuple[str, str, str], Any] = {}
    for s in specs:
        for ref in s.secrets if not refused else ():  # nothing is read from a refused namespace
            value, missing = _resolve_secret(ref, secrets)
            if missing is not None:
                problems.append(
                    Problem(
                        s.file,
                        s.line_of(ref.path),
                        ref.path,
                        f"stack config '{missing}' is not set; run "
                        f"`pulumi config set --secret {ref.key} <value>`",
                    )
                )
            resolved[(s.kind, s.name, ref.path)] = value
    errors = [p for p in problems if p.is_error]
    if errors:
        raise _as_run_error(SpecError(errors))
    for warning in problems:
        pulumi.log.warn(str(warning))
    take_over = bool(adopt if adopt is not None else stack_adopt)

    out: dict[str, Any] = {}
    connections: dict[str, Any] = {}
    for s in specs:
        if isinstance(s.spec, ConnectionSpec):
            args = _connection_inputs(s, resolved)
            connections[s.name] = out[s.name] = Connection(
                s.resource_name, **args, adopt=take_over, opts=opts
            )
    models: dict[str, Any] = {}
    for s in specs:
        if isinstance(s.spec, ModelSpec):
            args = _inputs(s.spec, MODEL)
            if s.secrets:
                # Secrets sit in provider_config (SecretRef.field): their stack-config values.
                pc = dict(args["provider_config"] or {})
                for ref in s.secrets:
                    pc[ref.field] = resolved[(s.kind, s.name, ref.path)]
                args["provider_config"] = pc
            if s.app_id in connections:
                # The engine orders the model after its connection through this Output.
                args["connection_id"] = connections[s.app_id].connection_id
            elif s.app_id is not None:
                # A connection already on the instance: every check resolves it (and a preview
                # refuses an app_id that names none, naming the field).
                args["app_id"] = s.app_id
            model = Model(s.resource_name, **args, adopt=take_over, opts=opts)
            models[s.name] = model
            out[s.name] = model
    for s in specs:
        if isinstance(s.spec, PolicySpec):
            args = _inputs(s.spec, POLICY)
            args["targets"] = _wired(s.spec.targets, models)
            out[s.name] = ModelPolicy(s.resource_name, **args, adopt=take_over, opts=opts)
    return out


def _connection_inputs(s: Spec, resolved: Mapping[tuple[str, str, str], Any]) -> dict[str, Any]:
    """A Connection's inputs from a validated connection spec: its app_id and its environment
    blocks, each credential reference replaced by its stack-config secret."""
    assert isinstance(s.spec, ConnectionSpec)
    envs: dict[str, dict[str, Any]] = {
        env: block.model_dump(exclude_none=True) for env, block in (s.spec.environments or {}).items()
    }
    for ref in s.secrets:
        env = ref.base.split(".")[1]  # environments.<env>.credentials
        envs[env]["credentials"][ref.field] = resolved[(s.kind, s.name, ref.path)]
    return {"app_id": s.spec.app_id, "environments": envs}


def _as_input(value: Any) -> Any:
    """A validated spec value as a resource input: a nested model as its mapping under the
    field names (not the API's aliases; unset fields left out), a sequence as a list."""
    if isinstance(value, BaseModel):
        return value.model_dump(exclude_none=True, by_alias=False)
    if isinstance(value, list | tuple):
        return [_as_input(v) for v in value]
    return value


def _inputs(spec: BaseModel, resource: Resource) -> dict[str, Any]:
    """The resource's inputs from a validated spec: every API field of the declaration, in its
    order (what the resource classes take as keyword arguments)."""
    return {f: _as_input(getattr(spec, f)) for f in resource.api_fields}


def _wired(targets: Sequence[PolicyTarget | PolicyNode], models: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Validated targets as ModelPolicy input; a model declared here is passed as the resource."""

    def leaf(_path: str, target: PolicyTarget) -> dict[str, Any]:
        model = models.get(target.model_name)
        item: dict[str, Any] = {"model": model} if model is not None else {"model_name": target.model_name}
        if target.weight is not None:
            item["weight"] = target.weight
        return item

    def rule(_path: str, target: PolicyNode, wired: list[dict[str, Any]]) -> dict[str, Any]:
        node: dict[str, Any] = {"strategy": target.strategy.model_dump(exclude_none=True), "targets": wired}
        if target.retry is not None:
            node["retry"] = target.retry.model_dump(exclude_none=True)
        if target.cache is not None:
            node["cache"] = target.cache
        return node

    return fold_targets(targets, leaf, rule)
