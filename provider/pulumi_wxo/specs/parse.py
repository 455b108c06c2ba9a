"""YAML and JSON spec files -> documents whose every key and list item has a line.

Documents are *composed* (``yaml`` nodes carry marks) rather than only loaded, so each key and
list item gets a line; duplicate keys, which YAML would silently collapse, become problems.
A parse error is reported with the parser's own words only: its snippet of the file could
show a secret. Files are untrusted: they are read with :func:`~pulumi_wxo.specs.files.read_bounded`
and parsed within :mod:`~pulumi_wxo.specs.limits` (:mod:`~pulumi_wxo.specs.bounded`), so a
hostile file costs bounded time and memory and ends in a ``file:line`` problem.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import yaml

from pulumi_wxo.specs.bounded import BoundedLoader, LimitError, NodeBudget, scan_json
from pulumi_wxo.specs.files import Unreadable, decode_text, read_bounded
from pulumi_wxo.specs.limits import MAX_FILE_BYTES, MAX_NUMBER_CHARS
from pulumi_wxo.specs.paths import join_path
from pulumi_wxo.specs.results import Doc, Problem
from pulumi_wxo.specs.syntax import Path_


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


def _yaml_error(file: str, err: yaml.YAMLError, what: str, text: str) -> Problem:
    # Only the error's own words: its snippet of the file could show a secret.
    if isinstance(err, LimitError):
        at = int(err.problem_mark.line) + 1 if err.problem_mark is not None else 1
        return Problem(file, at, join_path(err.path), str(err.problem))
    mark = getattr(err, "problem_mark", None)
    line = int(mark.line) + 1 if mark is not None else None
    problem = getattr(err, "problem", None) or getattr(err, "reason", None) or "cannot be parsed"
    context = getattr(err, "context", None)
    position = getattr(err, "position", None)
    if line is None and isinstance(position, int):
        # A reader error (a character YAML does not allow) has a position, not a mark.
        line = text.count("\n", 0, position) + 1
    words = f"{problem} ({context})" if context else str(problem)
    return Problem(file, line if line is not None else 1, "", f"invalid {what}: {words}")


def _expand_lists(file: str, data: Any, lines: dict[Path_, int], line: int) -> Iterator[Doc]:
    """A document that is a list of specs yields one spec per item."""
    if isinstance(data, list):
        # One pass over the lines, not one per item: a list of 50,000 items stays linear.
        subs: dict[int, dict[Path_, int]] = {}
        for path, n in lines.items():
            if path and isinstance(path[0], int):
                subs.setdefault(path[0], {})[path[1:]] = n
        for i, item in enumerate(data):
            sub = subs.get(i, {})
            yield Doc(file, lines.get((i,), line), item, sub, in_list=True)
    else:
        yield Doc(file, line, data, lines)


def parse_yaml(file: str, text: str, budget: NodeBudget | None = None) -> tuple[list[Doc], list[Problem]]:
    budget = budget if budget is not None else NodeBudget()
    docs: list[Doc] = []
    problems: list[Problem] = []
    try:
        loader = BoundedLoader(text, *budget.for_file())
    except yaml.YAMLError as err:  # PyYAML's own reader (without libyaml) checks characters here
        return [], [_yaml_error(file, err, "YAML", text)]
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            # Composed within the limits: only now are Python objects constructed.
            data = loader.construct_document(node)
            lines: dict[Path_, int] = {(): _mark_line(node)}
            dupes: list[tuple[Path_, int, int]] = []
            _walk_lines(node, (), lines, dupes)
            problems += _dupe_problems(file, dupes)
            docs += _expand_lists(file, data, lines, _mark_line(node))
    except yaml.YAMLError as err:
        problems.append(_yaml_error(file, err, "YAML", text))
    finally:
        budget.left -= loader.nodes
        loader.dispose()
    return docs, problems


class _NumberTooLong(ValueError):
    def __init__(self, digits: str) -> None:
        super().__init__(digits)
        self.digits = digits


def _bounded_number(convert: Any) -> Any:
    def parse(text: str) -> Any:
        if len(text) > MAX_NUMBER_CHARS:
            raise _NumberTooLong(text)
        return convert(text)

    return parse


def _json_value(file: str, text: str, budget: NodeBudget) -> tuple[Any, list[Problem]]:
    """``json.loads`` of ``text`` within the limits, or the problem (never raises)."""
    allowed, too_many = budget.for_file()
    nodes, crossed = scan_json(text, allowed)
    budget.left -= nodes
    if crossed is not None:
        line, message = crossed
        return None, [Problem(file, line, "", message or too_many)]
    try:
        data = json.loads(text, parse_int=_bounded_number(int), parse_float=_bounded_number(float))
    except _NumberTooLong as err:
        line = text.count("\n", 0, max(text.find(err.digits), 0)) + 1
        return None, [
            Problem(
                file,
                line,
                "",
                f"a number of {len(err.digits):,} characters is too long (at most {MAX_NUMBER_CHARS})",
            )
        ]
    except json.JSONDecodeError as err:
        return None, [Problem(file, err.lineno, "", f"invalid JSON: {err.msg}")]
    return data, []


def parse_json(file: str, text: str, budget: NodeBudget | None = None) -> tuple[list[Doc], list[Problem]]:
    budget = budget if budget is not None else NodeBudget()
    # Values come from json (exact JSON semantics); lines from composing the same text as
    # YAML, which accepts JSON once tabs are spaces (tabs cannot occur inside JSON strings).
    lines: dict[Path_, int] = {(): 1}
    dupes: list[tuple[Path_, int, int]] = []
    loader: BoundedLoader | None = None
    try:
        loader = BoundedLoader(text.replace("\t", " "), *budget.for_file())
        node = loader.get_single_node()
        if node is not None:
            lines[()] = _mark_line(node)
            _walk_lines(node, (), lines, dupes)
    except LimitError as err:
        # The same bound json.loads would cross, found with the field's path.
        return [], [_yaml_error(file, err, "JSON", text)]
    except yaml.YAMLError:
        pass  # lines are best effort; the values are parsed below
    finally:
        if loader is not None:
            loader.dispose()
    data, problems = _json_value(file, text, budget)
    if problems:
        return [], problems
    return list(_expand_lists(file, data, lines, lines[()])), _dupe_problems(file, dupes)


def read_text(file: str, too_large: str) -> str | Problem:
    """The text of one untrusted file, or the problem: regular files only, at most
    ``MAX_FILE_BYTES``, UTF-8. ``too_large`` ends the message for a larger file."""
    data = read_bounded(file, MAX_FILE_BYTES)
    if isinstance(data, Unreadable):
        if data.cause == "os":
            return Problem(file, None, "", f"cannot be read: {data.reason}")
        if data.cause == "size":
            return Problem(file, data.line, "", f"{data.reason}, {too_large}")
        return Problem(file, data.line, "", data.reason)
    text = decode_text(data)
    if isinstance(text, Unreadable):
        return Problem(file, text.line, "", text.reason)
    return text


def parse_file(file: str, budget: NodeBudget | None = None) -> tuple[list[Doc], list[Problem]]:
    """The documents of one spec file (``.json`` as JSON, anything else as YAML) and the
    problems found while reading it; never raises for a bad file."""
    text = read_text(file, "the limit for a spec file; split it")
    if isinstance(text, Problem):
        return [], [text]
    if file.lower().endswith(".json"):
        return parse_json(file, text, budget)
    return parse_yaml(file, text, budget)


def load_yaml_value(file: str, text: str) -> tuple[Any, dict[Path_, int], list[Problem]]:
    """The one document of a YAML file as plain data (an ``--overrides`` file) and the line of
    each key, within the limits; None and the problems when it is not."""
    lines: dict[Path_, int] = {}
    try:
        loader = BoundedLoader(text, *NodeBudget().for_file())
    except yaml.YAMLError as err:  # PyYAML's own reader (without libyaml) checks characters here
        return None, lines, [_yaml_error(file, err, "YAML", text)]
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines, []
        data = loader.construct_document(node)
        lines[()] = _mark_line(node)
        _walk_lines(node, (), lines, [])
        return data, lines, []
    except yaml.YAMLError as err:
        return None, lines, [_yaml_error(file, err, "YAML", text)]
    finally:
        loader.dispose()


def load_json_value(source: str, text: str) -> tuple[Any, list[Problem]]:
    """A JSON value (a stack config object) within the limits; None and the problems when not."""
    return _json_value(source, text, NodeBudget())
