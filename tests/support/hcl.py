"""A reader of the HCL that ``pulumi-wxo export --format hcl`` writes, from the HCL native syntax
specification (not from the writer): quoted templates with their escapes (``\\n``, ``\\"``,
``\\uNNNN``, ``\\UNNNNNNNN``, ``$${``, ``%%{``), lists, objects, numbers, ``true``/``false``/
``null``, references, blocks with labels. A ``${`` or ``%{`` that would start an interpolation or
a directive, a raw newline or a control character in a string is an error: a value the writer
meant as text must never be read as a template.

:func:`parse` answers the body as a list of ``(kind, name, labels_or_None, value)`` items:
``("attr", name, None, value)`` or ``("block", type, labels, items)``; a reference is a
:class:`Ref`.
"""

from __future__ import annotations

import re
from typing import Any

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


class Ref(str):
    """A reference (``var.x``, ``wxo_model.a.name``)."""


class HclError(ValueError):
    pass


class _Reader:
    def __init__(self, text: str) -> None:
        self.text, self.i = text, 0

    def skip(self, newlines: bool = True) -> None:
        while self.i < len(self.text):
            ch = self.text[self.i]
            if ch == "#":
                while self.i < len(self.text) and self.text[self.i] != "\n":
                    self.i += 1
            elif ch in " \t" or (newlines and ch == "\n"):
                self.i += 1
            else:
                return

    def expect(self, token: str) -> None:
        self.skip()
        if not self.text.startswith(token, self.i):
            raise HclError(f"expected {token!r} at {self.i}: {self.text[self.i : self.i + 30]!r}")
        self.i += len(token)

    def ident(self) -> str:
        self.skip()
        m = _IDENT.match(self.text, self.i)
        if not m:
            raise HclError(f"expected a name at {self.i}: {self.text[self.i : self.i + 30]!r}")
        self.i = m.end()
        return m.group()

    def string(self) -> str:
        self.expect('"')
        out: list[str] = []
        t = self.text
        while True:
            if self.i >= len(t):
                raise HclError("unterminated string")
            ch = t[self.i]
            if ch == '"':
                self.i += 1
                return "".join(out)
            if ch == "\n" or (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F):
                raise HclError(f"raw control {ch!r} in a string")
            if ch == "\\":
                sel = t[self.i + 1 : self.i + 2]
                if sel in _ESCAPES:
                    out.append(_ESCAPES[sel])
                    self.i += 2
                elif sel in ("u", "U"):
                    n = 4 if sel == "u" else 8
                    digits = t[self.i + 2 : self.i + 2 + n]
                    if not re.fullmatch(f"[0-9A-Fa-f]{{{n}}}", digits):
                        raise HclError(f"bad \\{sel} escape")
                    code = int(digits, 16)
                    if 0xD800 <= code <= 0xDFFF:
                        raise HclError("a surrogate cannot be encoded in UTF-8")
                    out.append(chr(code))
                    self.i += 2 + n
                else:
                    raise HclError(f"invalid escape \\{sel}")
                continue
            if ch in "$%":
                if t.startswith(ch + ch + "{", self.i):  # the escape of "${" / "%{"
                    out.append(ch + "{")
                    self.i += 3
                    continue
                if t.startswith(ch + "{", self.i):
                    raise HclError(f"a template sequence {ch}{{ in a string")
            out.append(ch)
            self.i += 1

    def expr(self) -> Any:
        self.skip()
        t = self.text
        ch = t[self.i : self.i + 1]
        if ch == '"':
            return self.string()
        if ch == "[":
            self.i += 1
            items: list[Any] = []
            while True:
                self.skip()
                if t.startswith("]", self.i):
                    self.i += 1
                    return items
                items.append(self.expr())
                self.skip()
                if t.startswith(",", self.i):
                    self.i += 1
        if ch == "{":
            self.i += 1
            obj: dict[str, Any] = {}
            while True:
                self.skip()
                if t.startswith("}", self.i):
                    self.i += 1
                    return obj
                key = self.string() if t.startswith('"', self.i) else self.ident()
                self.expect("=")
                if key in obj:
                    raise HclError(f"duplicate key {key!r}")
                obj[key] = self.expr()
                self.skip()
                if t.startswith(",", self.i):
                    self.i += 1
        m = _NUMBER.match(t, self.i)
        if m:
            self.i = m.end()
            return float(m.group()) if m.group(1) or m.group(2) else int(m.group())
        name = self.ident()
        if name in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[name]
        parts = [name]
        while t.startswith(".", self.i):
            self.i += 1
            parts.append(self.ident())
        return Ref(".".join(parts))

    def body(self, closing: str | None) -> list[tuple[str, str, Any, Any]]:
        items: list[tuple[str, str, Any, Any]] = []
        while True:
            self.skip()
            if self.i >= len(self.text):
                if closing is not None:
                    raise HclError("unclosed block")
                return items
            if closing is not None and self.text.startswith(closing, self.i):
                self.i += 1
                return items
            name = self.ident()
            self.skip(newlines=False)
            if self.text.startswith("=", self.i):
                self.i += 1
                items.append(("attr", name, None, self.expr()))
                continue
            labels: list[str] = []
            while True:
                self.skip(newlines=False)
                if self.text.startswith('"', self.i):
                    labels.append(self.string())
                elif self.text.startswith("{", self.i):
                    self.i += 1
                    break
                else:
                    labels.append(self.ident())
            items.append(("block", name, labels, self.body("}")))


def parse(text: str) -> list[tuple[str, str, Any, Any]]:
    """The body of an HCL file (the subset ``export --format hcl`` writes)."""
    return _Reader(text).body(None)


def attributes(items: list[tuple[str, str, Any, Any]]) -> dict[str, Any]:
    """A body's attributes and blocks as one mapping: a block as its body's mapping, blocks with
    a label (``environments "draft"``) as a mapping by label."""
    out: dict[str, Any] = {}
    for kind, name, labels, value in items:
        if kind == "attr":
            out[name] = value
        elif labels:
            out.setdefault(name, {})[labels[-1]] = attributes(value)
        else:
            out[name] = attributes(value)
    return out


def resources(text: str) -> dict[str, dict[str, Any]]:
    """Each ``resource`` block of ``text`` by its address (``wxo_model.gpt``), as a mapping."""
    return {
        f"{labels[0]}.{labels[1]}": attributes(body)
        for kind, name, labels, body in parse(text)
        if kind == "block" and name == "resource"
    }


def imports(text: str) -> dict[str, str]:
    """Each ``import`` block of ``text``: its ``to`` address -> its ``id``."""
    out: dict[str, str] = {}
    for kind, name, _labels, body in parse(text):
        if kind == "block" and name == "import":
            found = attributes(body)
            out[str(found["to"])] = found["id"]
    return out
