"""Field paths and their lines: ``targets[0].weight`` <-> ``("targets", 0, "weight")``, and the
line of a path (or of its closest existing parent) in a parsed document.

A schema failure names a dotted path; the parser records the line of every key and list item
(:mod:`pulumi_wxo.specs.parse`); these functions join the two, so that every problem names its
file, line and field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pulumi_wxo.schema import to_snake_key
from pulumi_wxo.specs.syntax import POLICY_BODY, Path_

_PATH_TOKEN = re.compile(r"([^.\[\]]+)|\[([0-9]+)\]")


def split_path(path: str) -> Path_:
    """``targets[0].weight`` -> ``("targets", 0, "weight")``; ``targets.0`` works too."""
    out: list[str | int] = []
    for name, index in _PATH_TOKEN.findall(path):
        if index:
            out.append(int(index))
        elif name.isascii() and name.isdigit():
            # str.isdigit() is also true of "²" and other digits int() refuses.
            out.append(int(name))
        else:
            out.append(name)
    return tuple(out)


def join_path(path: Path_) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def line_for(lines: Mapping[Path_, int], path: Path_, lifted: bool, default: int) -> int:
    """The line of ``path`` in ``lines``, or of its closest parent there, else ``default``.

    ``lifted``: the document is a policy in the ADK's form, so its body keys (``strategy``,
    ``targets``, ...) were written under ``policy:``.
    """
    if lifted and path and path[0] in POLICY_BODY:
        path = ("policy", *path)
    while path:
        if path in lines:
            return lines[path]
        # provider_config keys may be written in the API's camelCase: try the alias too.
        if len(path) == 2 and path[0] == "provider_config" and isinstance(path[1], str):
            for (head, key), line in ((p, n) for p, n in lines.items() if len(p) == 2):
                if head == "provider_config" and isinstance(key, str) and to_snake_key(key) == path[1]:
                    return line
        path = path[:-1]
    return lines.get((), default)
