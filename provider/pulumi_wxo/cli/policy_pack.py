"""``pulumi-wxo policy-pack``: write a ready CrossGuard policy pack of the guardrails.

See docs/guide/policy.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pulumi_wxo.api.errors import WxoError
from pulumi_wxo.cli.common import add_command, err

_SUMMARY = "write a CrossGuard policy pack of the guardrails (pulumi preview --policy-pack)"
_DESCRIPTION = (
    "Write a ready Pulumi policy pack (PulumiPolicy.yaml, __main__.py, requirements.txt, "
    "an example policy-config.json and the launcher `wxo-guardrails`) whose policies are the "
    "rules `pulumi-wxo validate --policy-config` runs offline. The pack runs with the policy extra: "
    "pip install 'pulumi-wxo[policy]'."
)
_EXAMPLES = """\
  pulumi-wxo policy-pack --output policy/
  pulumi preview --policy-pack policy/ --policy-pack-config policy/policy-config.json
  pulumi preview --policy-pack policy/wxo-guardrails --policy-pack-config cfg.json  # file form"""


def add_parser(sub: Any) -> None:
    parser = add_command(sub, "policy-pack", _SUMMARY, _DESCRIPTION, _EXAMPLES)
    parser.add_argument("-o", "--output", required=True, metavar="DIR", help="the pack's folder (created)")
    parser.add_argument(
        "--python",
        metavar="PATH",
        default=sys.executable,
        help="the Python the launcher runs (needs pulumi-wxo[policy]; default: this one)",
    )


def run(args: argparse.Namespace) -> int:
    from pulumi_wxo.policy.pack import LAUNCHER, write_pack

    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise WxoError(f"policy-pack --output {args.output}: exists and is not a directory")
    for path in write_pack(out, args.python):
        err(f"wrote {path}")
    err(
        f"run it: pulumi preview --policy-pack {out} --policy-pack-config {out / 'policy-config.json'}",
        f"   or:  pulumi preview --policy-pack {out / LAUNCHER} ...   (the file form, docs/guide/policy.md)",
    )
    return 0
