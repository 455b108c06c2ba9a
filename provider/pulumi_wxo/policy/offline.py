"""The guardrails over spec files: ``pulumi-wxo validate --policy-config`` (docs/guide/policy.md).

A pull request without credentials gets the verdict ``pulumi preview --policy-pack`` would
give: the same configuration file, the same rules (:mod:`pulumi_wxo.policy.rules`), each spec
document as the resource it declares. A mandatory violation is an error, an advisory one a
warning, placed at the file and line of the field.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pulumi_wxo.api.errors import WxoError
from pulumi_wxo.policy.config import PackConfig, PolicyConfigError
from pulumi_wxo.policy.rules import Resource, evaluate, parse_pack_config
from pulumi_wxo.specs.results import Problem, Spec

__all__ = ["read_pack_config", "spec_problems"]


def read_pack_config(file: str) -> PackConfig:
    """The ``--policy-pack-config`` JSON file, checked; WxoError naming the file otherwise."""
    try:
        with open(file, encoding="utf-8") as fh:
            raw: Any = json.load(fh)
    except OSError as err:
        raise WxoError(f"read policy config {file}: {err.strerror or err}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        where = f"{file}:{err.lineno}" if isinstance(err, json.JSONDecodeError) else file
        raise WxoError(f"read policy config {where}: not JSON ({err})") from None
    try:
        return parse_pack_config(raw)
    except PolicyConfigError as err:
        raise WxoError(f"{file}: {err}") from None


def spec_problems(config: PackConfig, specs: Sequence[Spec], stack: str | None = None) -> list[Problem]:
    """The violations of ``specs`` as problems (mandatory: error, advisory: warning)."""
    resources = [
        Resource(kind=s.kind, name=s.resource_name, props={**s.data, "name": s.name}, stack=stack, ref=s)
        for s in specs
    ]
    out: list[Problem] = []
    for v in evaluate(resources, config):
        spec: Spec = v.resource.ref if v.resource else specs[0]
        out.append(
            Problem(
                spec.file,
                spec.line_of(v.path),
                v.path,
                f"[{v.policy}] {v.message}",
                "error" if v.level == "mandatory" else "warning",
            )
        )
    return out
