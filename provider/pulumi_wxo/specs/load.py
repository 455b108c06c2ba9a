"""Reading spec files end to end: :func:`read_specs` (every problem, never raises for one) and
:func:`load_specs` (the specs, or :class:`~pulumi_wxo.specs.results.SpecError`)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_wxo.api.redaction import logger
from pulumi_wxo.specs.adk import adk_document_rules, adk_file_rules
from pulumi_wxo.specs.bounded import NodeBudget
from pulumi_wxo.specs.connection import connection_rules
from pulumi_wxo.specs.discovery import PathsArg, as_list, find_spec_files
from pulumi_wxo.specs.document import Built, take_apart
from pulumi_wxo.specs.lookalike import lookalike_problems
from pulumi_wxo.specs.overrides import apply_overrides
from pulumi_wxo.specs.parse import parse_file
from pulumi_wxo.specs.results import Problem, Spec, SpecError
from pulumi_wxo.specs.rules import secret_rules, set_rules, validate
from pulumi_wxo.specs.syntax import OVERRIDES_KEY, OVERRIDES_NAMESPACE


def read_specs(
    paths: PathsArg,
    *,
    overrides: Mapping[str, Any] | None = None,
    override_source: str = f"{OVERRIDES_NAMESPACE}:{OVERRIDES_KEY}",
    base_dir: str | os.PathLike[str] | None = None,
    adk: bool = False,
    secret_namespaces: Iterable[str] = (),
) -> tuple[list[Spec], list[Problem]]:
    """Read and check every spec named by ``paths``; never raises for a problem in the files.

    Returns the valid specs and every problem found (errors and warnings), in file order.
    ``overrides`` (spec name -> partial spec) are merged into the documents before the
    checks; their problems are reported against ``override_source``. ``base_dir`` is the
    directory ``provider_config.server_cert_file`` may lead into (default: each spec file's
    own folder). The files are untrusted: every bound is in :mod:`~pulumi_wxo.specs.limits`.

    Where IBM's ADK is stricter (:mod:`~pulumi_wxo.specs.adk`) a file gets warnings; with
    ``adk=True`` errors, so that a file without errors imports with ``orchestrate``.

    ``secret_namespaces``: the stack config namespaces a ``${secret:NS:NAME}`` may read (the
    stack's ``wxo-specs:secretNamespaces``); any other is an error at its line, and the
    provider's own (``wxo``, ``wxo-specs``) always is (:mod:`~pulumi_wxo.specs.namespaces`).
    """
    files, problems = find_spec_files(paths)
    base = os.fspath(base_dir) if base_dir is not None else None
    budget = NodeBudget()
    allowed = frozenset([secret_namespaces] if isinstance(secret_namespaces, str) else secret_namespaces)
    built: list[Built] = []
    for file in files:
        docs, parse_problems = parse_file(file, budget)
        problems += parse_problems
        docs = [d for d in docs if d.data is not None]
        problems += adk_file_rules(file, docs, adk=adk)
        built += [take_apart(d, base) for d in docs]
    for b in built:
        if b.kind != "connection":  # the ADK's model rules; a connection's are its own
            problems += adk_document_rules(b, adk=adk)
    problems += apply_overrides(built, overrides, override_source)
    specs: list[Spec] = []
    for b in built:
        if b.kind == "connection":
            connection_rules(b, allowed)
        if b.kind is not None:
            if b.kind != "connection":
                secret_rules(b, allowed)
            spec = validate(b, adk=adk)
            if spec is not None:
                specs.append(spec)
        problems += b.problems
    problems += set_rules(built, specs)
    problems += lookalike_problems(built)
    if not files and not problems:
        problems.append(Problem(", ".join(as_list(paths)) or "(no paths)", None, "", "no spec files given"))
    problems.sort(key=lambda p: (p.file, p.line or 0))
    return specs, problems


def load_specs(
    paths: PathsArg,
    *,
    overrides: Mapping[str, Any] | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    secret_namespaces: Iterable[str] = (),
) -> list[Spec]:
    """The specs in ``paths`` (files, directories or globs), or :class:`SpecError` listing
    every error. Warnings are logged (``pulumi_wxo`` logger). ``base_dir`` and
    ``secret_namespaces`` as for :func:`read_specs`."""
    specs, problems = read_specs(
        paths, overrides=overrides, base_dir=base_dir, secret_namespaces=secret_namespaces
    )
    errors = [p for p in problems if p.is_error]
    if errors:
        raise SpecError(errors)
    for warning in problems:
        logger.warning("%s", warning)
    return specs
