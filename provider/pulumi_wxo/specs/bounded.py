"""Parsing within :mod:`pulumi_wxo.specs.limits`: a YAML loader that counts while it composes,
and a pre-scan of JSON text.

YAML aliases repeat a node by reference, so a few hundred bytes can stand for billions of
nodes; every later step (construction, the line walk, merging, the schema) would expand them.
The loader below composes with PyYAML's composer over libyaml's event parser and, *before any
Python object is constructed*, counts each node with every alias counted as the whole node it
repeats, measures the nesting an alias brings with it, and refuses an alias to a node that
contains it (a recursive alias). Numbers longer than ``MAX_NUMBER_CHARS`` are refused while
composing too: ``int()`` of 5,000 digits raises ``ValueError``, not a YAML error.

``json.loads`` recurses once per level and would raise ``RecursionError`` on 3,000 nested
lists: :func:`scan_json` measures depth and node count on the text first.

Every refusal is a :class:`LimitError` (a ``yaml.MarkedYAMLError``) with the line and the field
path where the bound was crossed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar, cast

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent

from pulumi_wxo.specs.limits import MAX_DEPTH, MAX_FILE_NODES, MAX_NUMBER_CHARS, MAX_TOTAL_NODES
from pulumi_wxo.specs.syntax import Path_

__all__ = ["BoundedLoader", "LimitError", "NodeBudget", "scan_json"]

_NUMBER_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class LimitError(yaml.composer.ComposerError):
    """A bound of :mod:`~pulumi_wxo.specs.limits` was crossed at ``problem_mark``, ``path``."""

    def __init__(self, message: str, mark: Any, path: Path_ = ()) -> None:
        super().__init__(None, None, message, mark)
        self.path = path


@dataclass
class NodeBudget:
    """Nodes left for one read (``MAX_TOTAL_NODES`` over every file); each file may use at
    most ``MAX_FILE_NODES`` of them."""

    left: int = MAX_TOTAL_NODES

    def for_file(self) -> tuple[int, str]:
        """This file's allowance, and how to say it was exceeded."""
        if self.left < MAX_FILE_NODES:
            return self.left, (
                f"the files read together expand to more than {MAX_TOTAL_NODES:,} nodes; "
                "check fewer files at once"
            )
        return MAX_FILE_NODES, (
            f"expands to more than {MAX_FILE_NODES:,} nodes (YAML aliases count as the nodes "
            "they repeat); split the file or write fewer aliases"
        )


def _c_parser_base() -> type[yaml.SafeLoader]:
    """libyaml's event parser (~10x faster than PyYAML's) under PyYAML's composer, so that
    composing can be counted; PyYAML's own parser when libyaml is absent."""
    c_loader = getattr(yaml, "CSafeLoader", None)
    if c_loader is None:
        return yaml.SafeLoader

    def __init__(self: Any, stream: str) -> None:
        c_loader.__init__(self, stream)  # the parser, constructor and resolver
        Composer.__init__(self)  # the anchors

    return cast(
        "type[yaml.SafeLoader]", type("_CParserComposer", (Composer, c_loader), {"__init__": __init__})
    )


_Base = _c_parser_base()


class BoundedLoader(_Base):  # type: ignore[misc,valid-type]
    """Safe loader that keeps dates as text and composes within the limits.

    YAML 1.1 reads ``azure_api_version: 2024-06-01`` as a date, which no field accepts; the
    user meant the string. ``nodes`` is the count of (expanded) nodes composed so far.
    """

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, re.Pattern[str]]]]] = {
        first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }

    def __init__(self, text: str, max_nodes: int = MAX_FILE_NODES, too_many: str = "") -> None:
        super().__init__(text)
        self.nodes = 0
        self._max_nodes = max_nodes
        self._too_many = too_many or f"expands to more than {max_nodes:,} nodes"
        self._depth = 0
        self._path: list[str | int] = []
        # (expanded size, nesting height) of the node composed last, and of each anchored node
        # once it is complete: an anchor without an entry is still open, so an alias to it
        # is recursive.
        self._last = (1, 0)
        self._measure: dict[int, tuple[int, int]] = {}

    def _refuse(self, message: str, mark: Any, path: Path_ | None = None) -> LimitError:
        return LimitError(message, mark, tuple(self._path) if path is None else path)

    def _deep(self, mark: Any, alias: str | None = None) -> LimitError:
        how = f" once the alias *{alias} is expanded" if alias is not None else ""
        message = f"is nested more than {MAX_DEPTH} levels deep{how}; flatten it"
        # The path where the deep part starts, not 64 levels of it.
        return self._refuse(message, mark, tuple(self._path[:2]))

    def compose_document(self) -> yaml.Node | None:
        node: yaml.Node | None = super().compose_document()
        self._measure.clear()  # anchors are per document
        return node

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        """PyYAML's ``Composer.compose_node``, counting. (No path resolvers are registered,
        so ``descend_resolver`` / ``ascend_resolver`` would do nothing and are not called.)"""
        event = self.get_event()
        mark: Any = event.start_mark
        if isinstance(event, AliasEvent):
            anchored: yaml.Node | None = self.anchors.get(event.anchor)
            if anchored is None:
                raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}", mark)
            measure = self._measure.get(id(anchored))
            if measure is None:
                raise self._refuse(
                    f"the alias *{event.anchor} is inside the node it repeats (a recursive alias)", mark
                )
            self.nodes += measure[0]
            if self.nodes > self._max_nodes:
                raise self._refuse(self._too_many, mark)
            if self._depth + measure[1] > MAX_DEPTH:
                raise self._deep(mark, event.anchor)
            self._last = measure
            return anchored
        anchor = event.anchor
        if anchor is not None and anchor in self.anchors:
            raise yaml.composer.ComposerError(
                f"found duplicate anchor {anchor!r}; first occurrence",
                self.anchors[anchor].start_mark,
                "second occurrence",
                mark,
            )
        self.nodes += 1
        if self.nodes > self._max_nodes:
            raise self._refuse(self._too_many, mark)
        node: yaml.Node
        tag = event.tag
        if isinstance(event, ScalarEvent):
            if tag is None or tag == "!":
                tag = self.resolve(yaml.ScalarNode, event.value, event.implicit)
            if tag in _NUMBER_TAGS and len(event.value) > MAX_NUMBER_CHARS:
                raise self._refuse(
                    f"a number of {len(event.value):,} characters is too long "
                    f"(at most {MAX_NUMBER_CHARS}); quote it if it is text",
                    mark,
                )
            end: Any = event.end_mark
            node = yaml.ScalarNode(tag, event.value, mark, end, style=event.style)
            if anchor is not None:
                self.anchors[anchor] = node
                self._measure[id(node)] = (1, 0)
            self._last = (1, 0)
            return node
        if self._depth + 1 > MAX_DEPTH:
            raise self._deep(mark)
        mapping = isinstance(event, MappingStartEvent)
        if tag is None or tag == "!":
            tag = self.resolve(yaml.MappingNode if mapping else yaml.SequenceNode, None, event.implicit)
        node_class = yaml.MappingNode if mapping else yaml.SequenceNode
        node = node_class(tag, [], mark, None, flow_style=event.flow_style)
        if anchor is not None:
            self.anchors[anchor] = node
        size, height = 1, 0
        self._depth += 1
        end_event = MappingEndEvent if mapping else SequenceEndEvent
        index = 0
        while not self.check_event(end_event):
            if mapping:
                key = self.compose_node(node, None)
                size, height = size + self._last[0], max(height, self._last[1])
                self._path.append(str(key.value) if isinstance(key, yaml.ScalarNode) else "?")
                value = self.compose_node(node, key)
                node.value.append((key, value))
            else:
                self._path.append(index)
                node.value.append(self.compose_node(node, index))
                index += 1
            self._path.pop()
            size, height = size + self._last[0], max(height, self._last[1])
        node.end_mark = self.get_event().end_mark
        self._depth -= 1
        self._last = (size, height + 1)
        if anchor is not None:
            self._measure[id(node)] = self._last
        return node


# One JSON token: a string, a bracket, or a separator; anything else (numbers, literals,
# whitespace) only sits between them.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]', re.DOTALL)


def scan_json(text: str, max_nodes: int) -> tuple[int, tuple[int, str] | None]:
    """The values counted in JSON text, and the (1-based line, message) of the first bound it
    crosses, or None; the message is empty for "more than ``max_nodes`` values".

    Counts nesting and values (an upper bound: every opening bracket, comma and colon starts
    at most one) without recursion, so that ``json.loads`` never meets a deep document.
    """
    depth = 0
    nodes = 1
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            nodes += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                return nodes, (line, f"is nested more than {MAX_DEPTH} levels deep; flatten it")
        elif token in ("]", "}"):
            depth -= 1
        elif token in (",", ":"):
            nodes += 1
        if nodes > max_nodes:
            return nodes, (text.count("\n", 0, match.start()) + 1, "")
    return nodes, None
