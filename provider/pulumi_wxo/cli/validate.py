"""``pulumi-wxo validate``: check spec files offline, one ``file:line: field: message`` per problem.

Runs as a pre-commit hook over hundreds of files: imports only the spec package (PyYAML,
pydantic, the schema), never ``pulumi``, ``httpx`` or ``rich`` (a unit test checks this).
"""

from __future__ import annotations

import argparse
import json
import os
from typing import TYPE_CHECKING, Any

from pulumi_wxo.api.errors import WxoError
from pulumi_wxo.cli.common import add_command, count, err

if TYPE_CHECKING:
    from pulumi_wxo.specs import Problem
    from pulumi_wxo.specs.overrides import StackFile


_SUMMARY = "check spec files offline (no credentials); exit 1 on any problem"
_DESCRIPTION = (
    "Check model, policy and connection spec files with the provider's own rules, offline. "
    "Prints one `file:line: field: message` line per problem; exit 1 on any error "
    "(warnings too with --strict), 0 when clean."
)
_EXAMPLES = """\
  pulumi-wxo validate specs/
  pulumi-wxo validate 'specs/**/*.yaml' --overrides Pulumi.prod.yaml --strict
  pulumi-wxo validate specs/models/ --base-dir specs/   # certs in specs/certs/
  pulumi-wxo validate --adk adk/   # files for `orchestrate models import`
  pulumi-wxo validate specs/ --policy-config policy.json --stack prod   # the guardrails
  # .pre-commit-config.yaml: entry: pulumi-wxo validate, files: ^specs/"""


def add_parser(sub: Any) -> None:
    parser = add_command(sub, "validate", _SUMMARY, _DESCRIPTION, _EXAMPLES)
    parser.add_argument("paths", nargs="+", metavar="PATH", help="spec files, directories or globs")
    parser.add_argument(
        "--overrides",
        metavar="FILE",
        help="apply a stack's wxo-specs:overrides first (a Pulumi.<stack>.yaml, or a YAML mapping)",
    )
    parser.add_argument(
        "--base-dir",
        metavar="DIR",
        help="provider_config.server_cert_file may lead into DIR (default: each spec file's own folder)",
    )
    parser.add_argument(
        "--secret-namespace",
        action="append",
        default=[],
        metavar="NS",
        help="a ${secret:NS:NAME} may read stack config namespace NS (repeatable; as the stack's "
        "wxo-specs:secretNamespaces, which --overrides also reads); never wxo or wxo-specs",
    )
    parser.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    parser.add_argument(
        "--adk",
        action="store_true",
        help="the files are for IBM's ADK (`orchestrate models import`): where it is stricter, "
        "an error instead of a warning",
    )
    parser.add_argument(
        "--policy-config",
        metavar="FILE",
        help="also apply the policy pack's guardrails, configured by this --policy-pack-config file "
        "(docs/guide/policy.md): mandatory violations are errors, advisory ones warnings",
    )
    parser.add_argument("--stack", metavar="NAME", help="the stack for --policy-config's `stacks` keys")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument("-q", "--quiet", action="store_true", help="errors only; no summary line")


def read_overrides(file: str) -> StackFile:
    """``wxo-specs:overrides`` and ``wxo-specs:secretNamespaces`` from a ``Pulumi.<stack>.yaml``
    (or the overrides from a plain YAML mapping), and the problems in it (``file:line``);
    WxoError when the file cannot be read at all."""
    from pulumi_wxo.specs.overrides import StackFile, read_stack_file

    got = read_stack_file(file)
    if not isinstance(got, StackFile):
        raise WxoError(f"read overrides from {file}: {got.message}")
    return got


def _allowed_namespaces(given: list[str]) -> frozenset[str]:
    from pulumi_wxo.specs.namespaces import parse_allowed

    allowed, wrong = parse_allowed(given)
    if wrong:
        raise WxoError(f"--secret-namespace: {wrong[0]}")
    return allowed


def _problem_json(p: Problem) -> dict[str, Any]:
    return {"file": p.file, "line": p.line, "field": p.field, "message": p.message, "severity": p.severity}


def run(args: argparse.Namespace) -> int:
    from pulumi_wxo.specs import OVERRIDES_KEY, OVERRIDES_NAMESPACE, find_spec_files, read_specs

    if args.base_dir is not None and not os.path.isdir(args.base_dir):
        raise WxoError(f"--base-dir {args.base_dir}: not a directory")
    stack = read_overrides(args.overrides) if args.overrides else None
    overrides, problems = (stack.overrides, stack.problems) if stack is not None else (None, [])
    allowed = _allowed_namespaces(args.secret_namespace) | (stack.secret_namespaces if stack else frozenset())
    source = f"{args.overrides}: {OVERRIDES_NAMESPACE}:{OVERRIDES_KEY}" if args.overrides else "overrides"
    specs, found = read_specs(
        args.paths,
        overrides=overrides or None,
        override_source=source,
        base_dir=args.base_dir,
        adk=args.adk,
        secret_namespaces=allowed,
    )
    problems = problems + found
    if args.policy_config:
        from dataclasses import replace

        from pulumi_wxo.policy.offline import read_pack_config, spec_problems
        from pulumi_wxo.policy.rules import UNKNOWN

        # A model's app_id becomes its connection's id at `pulumi up`: a preview does not know
        # it yet, and the guardrails judge it as they would there.
        bound = [replace(s, data={**s.data, "connection_id": UNKNOWN}) if s.app_id else s for s in specs]
        problems += spec_problems(read_pack_config(args.policy_config), bound, args.stack)
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    failed = bool(errors) or (args.strict and bool(warnings))
    if args.format == "json":
        print(json.dumps([_problem_json(p) for p in problems], indent=2))
    else:
        for p in problems:
            if not (args.quiet and not p.is_error):
                print(p)
    if not args.quiet:
        files, _ = find_spec_files(args.paths)
        err(
            f"{count(len(specs), 'valid spec')} in {count(len(files), 'file')}: "
            f"{count(len(errors), 'error')}, {count(len(warnings), 'warning')}"
            + (" (--strict: warnings fail)" if args.strict and warnings else "")
        )
    return 1 if failed else 0
