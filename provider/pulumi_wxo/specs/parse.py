"""YAML and JSON spec files -> documents whose every key and list item has a line.

Documents are *composed* (``yaml`` nodes carry marks) rather than only loaded, so each key and
list item gets a line; duplicate keys, which YAML would silently collapse, become problems.
A parse error is reported with the parser's own words only: its snippet of the file could
show a secret.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import yaml

from pulumi_wxo.specs.paths import join_path
from pulumi_wxo.specs.results import Doc, Problem
from pulumi_wxo.specs.syntax import Path_


def _loader_base() -> type[yaml.SafeLoader]:
    # libyaml's parser when present: ~10x faster, and validate must stay pre-commit fast.
    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return base


class _Loader(_loader_base()):  # type: ignore[misc]
    """Safe loader that keeps dates as text.

    YAML 1.1 reads ``azure_api_version: 2024-06-01`` as a date, which no field accepts;
    the user meant the string.
    """

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, re.Pattern[str]]]]] = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _loader_base().yaml_implicit_resolvers.items()
    }


def _mark_line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _walk_lines(
    node: yaml.Node, path: Path_, lines: dict[Path_, int], dupes: list[tuple[Path_, int, int]]
) -> None:
    """Record the line of every key and list item under ``node``; note duplicate keys."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = str(key_node.value)
            line = _mark_line(key_node)
            if key in seen:
                dupes.append(((*path, key), line, seen[key]))
            seen[key] = line
            lines[(*path, key)] = line
            _walk_lines(value_node, (*path, key), lines, dupes)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = _mark_line(item)
            _walk_lines(item, (*path, i), lines, dupes)


def _dupe_problems(file: str, dupes: list[tuple[Path_, int, int]]) -> list[Problem]:
    return [
        Problem(
            file,
            line,
            join_path(path),
            f"duplicate key (also on line {first}); YAML would silently keep only the last one",
        )
        for path, line, first in dupes
    ]


def _yaml_error(file: str, err: yaml.YAMLError, what: str) -> Problem:
    # Only the error's own words: its snippet of the file could show a secret.
    mark = getattr(err, "problem_mark", None)
    line = int(mark.line) + 1 if mark is not None else None
    problem = getattr(err, "problem", None) or "cannot be parsed"
    context = getattr(err, "context", None)
    text = f"{problem} ({context})" if context else str(problem)
    return Problem(file, line, "", f"invalid {what}: {text}")


def _expand_lists(file: str, data: Any, lines: dict[Path_, int], line: int) -> Iterator[Doc]:
    """A document that is a list of specs yields one spec per item."""
    if isinstance(data, list):
        for i, item in enumerate(data):
            sub = {p[1:]: n for p, n in lines.items() if p[:1] == (i,)}
            yield Doc(file, lines.get((i,), line), item, sub)
    else:
        yield Doc(file, line, data, lines)


def parse_yaml(file: str, text: str) -> tuple[list[Doc], list[Problem]]:
    docs: list[Doc] = []
    problems: list[Problem] = []
    loader = _Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            data = loader.construct_document(node)
            lines: dict[Path_, int] = {(): _mark_line(node)}
            dupes: list[tuple[Path_, int, int]] = []
            _walk_lines(node, (), lines, dupes)
            problems += _dupe_problems(file, dupes)
            docs += _expand_lists(file, data, lines, _mark_line(node))
    except yaml.YAMLError as err:
        problems.append(_yaml_error(file, err, "YAML"))
    finally:
        loader.dispose()
    return docs, problems


def parse_json(file: str, text: str) -> tuple[list[Doc], list[Problem]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        return [], [Problem(file, err.lineno, "", f"invalid JSON: {err.msg}")]
    # Values come from json (exact JSON semantics); lines from composing the same text as
    # YAML, which accepts JSON once tabs are spaces (tabs cannot occur inside JSON strings).
    lines: dict[Path_, int] = {(): 1}
    dupes: list[tuple[Path_, int, int]] = []
    loader = _Loader(text.replace("\t", " "))
    try:
        node = loader.get_single_node()
        if node is not None:
            lines[()] = _mark_line(node)
            _walk_lines(node, (), lines, dupes)
    except yaml.YAMLError:
        pass  # lines are best effort; the values are already parsed
    finally:
        loader.dispose()
    return list(_expand_lists(file, data, lines, lines[()])), _dupe_problems(file, dupes)


def parse_file(file: str) -> tuple[list[Doc], list[Problem]]:
    """The documents of one spec file (``.json`` as JSON, anything else as YAML) and the
    problems found while reading it; never raises for a bad file."""
    try:
        text = Path(file).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return [], [Problem(file, None, "", "is not UTF-8 text")]
    except OSError as err:
        return [], [Problem(file, None, "", f"cannot be read: {err.strerror or err}")]
    if file.lower().endswith(".json"):
        return parse_json(file, text)
    return parse_yaml(file, text)
