"""``pulumi-wxo schema``: the JSON Schema of spec files, for editors and CI."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pulumi_wxo.cli.common import add_command, err

_SUMMARY = "print the JSON Schema of spec files (for editors and CI)"
_DESCRIPTION = (
    "Print the JSON Schema (2020-12) of a spec document, built from the provider's "
    "schema: every field with its description; secret fields marked `secret: true` and "
    "accepting only ${secret:NAME}."
)
_EXAMPLES = """\
  pulumi-wxo schema --output specs/wxo-spec.schema.json
  # then, first line of a spec: # yaml-language-server: $schema=./wxo-spec.schema.json"""


def add_parser(sub: Any) -> None:
    parser = add_command(sub, "schema", _SUMMARY, _DESCRIPTION, _EXAMPLES)
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")


def run(args: argparse.Namespace) -> int:
    from pulumi_wxo.specs import spec_json_schema

    text = json.dumps(spec_json_schema(), indent=2) + "\n"
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text, encoding="utf-8")
        err(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0
