"""Names a reviewer can mistake for each other: look-alike characters and case-only twins.

``openai/gpt-4o``, the same with U+043E CYRILLIC SMALL LETTER O for its last letter, and
``openai/GPT-4o`` are three names, so three models, and a pull request that adds the second
one looks like a no-op in review. The rule (docs/guide/specs.md, "Look-alike names") is a
**warning** at each later name, naming the earlier one's file and line:

* **look-alike**: two names whose *skeletons* match: each name in Unicode NFKC (full-width and
  compatibility forms folded), invisible format characters dropped, then every non-ASCII
  character that Unicode lists as confusable with an ASCII one (or, for another script, with a
  Latin one) replaced by it (Unicode's confusables data, through the ``confusable-homoglyphs``
  package), then case-folded;
* **case-only twins**: names equal once case-folded;
* a name alone that holds such a look-alike character, or an
  invisible format character (a zero-width space, a direction mark), is warned about too: it
  has no twin yet, but it is the next pull request's trap.

The confusables data is only loaded when a name holds a non-ASCII character, so a pre-commit
hook over ASCII names does not pay for it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import Any

from pulumi_wxo.specs.document import Built
from pulumi_wxo.specs.results import Problem

__all__ = ["lookalike_problems", "skeleton"]

_BASE_SCRIPTS = ("LATIN", "COMMON")


@cache
def _confusable(char: str) -> str | None:
    """What a non-ASCII ``char`` looks like: an ASCII look-alike (U+043E CYRILLIC SMALL LETTER O
    -> ``o``, U+0261 LATIN SMALL LETTER SCRIPT G -> ``g``, U+2113 SCRIPT SMALL L -> ``l``), else
    a Latin / common one for a character of another script; None when Unicode lists none."""
    from confusable_homoglyphs import categories, confusables  # type: ignore[import-untyped]

    found: Any = confusables.is_confusable(char, preferred_aliases=[])
    if not found:
        return None
    glyphs = sorted((str(h["c"]) for h in found[0]["homoglyphs"]), key=lambda g: (len(g), g))
    ascii_glyphs = [g for g in glyphs if g.isascii()]
    if ascii_glyphs:
        return ascii_glyphs[0]
    if categories.alias(char) in _BASE_SCRIPTS:
        return None  # a Latin letter of its own (ß), not a disguise of another
    latin = [g for g in glyphs if all(categories.alias(c) in _BASE_SCRIPTS for c in g)]
    return latin[0] if latin else None


def _invisible(char: str) -> bool:
    return unicodedata.category(char) == "Cf"  # zero-width space, joiners, direction marks


def skeleton(name: str) -> str:
    """What ``name`` looks like: NFKC, invisible format characters dropped, look-alikes
    replaced by their Latin letter, case-folded."""
    text = unicodedata.normalize("NFKC", name)
    if not text.isascii():
        text = "".join(c if c.isascii() else (_confusable(c) or c) for c in text if not _invisible(c))
    return text.casefold()


def _foreign(name: str) -> list[str]:
    """The characters of ``name`` that look like a Latin / common one, described."""
    if name.isascii():
        return []
    out = []
    for c in dict.fromkeys(unicodedata.normalize("NFKC", name)):
        label = unicodedata.name(c, "unnamed")
        if _invisible(c):
            out.append(f"U+{ord(c):04X} {label} is invisible")
            continue
        latin = None if c.isascii() else _confusable(c)
        if latin is not None:
            out.append(f"'{c}' (U+{ord(c):04X} {label}) looks like '{latin}'")
    return out


def _at(b: Built) -> tuple[str, int]:
    return b.doc.file, b.doc.lines.get(("name",), b.doc.line)


def lookalike_problems(built: Iterable[Built]) -> list[Problem]:
    """A warning for every name that looks like an earlier one, or holds look-alike letters."""
    problems: list[Problem] = []
    first: dict[str, Built] = {}
    seen: set[str] = set()
    for b in built:
        if b.name is None or b.name in seen:
            continue  # the same name twice is an error of its own (rules.set_rules)
        seen.add(b.name)
        foreign = _foreign(b.name)
        key = skeleton(b.name)
        other = first.setdefault(key, b)
        if other is b:
            if foreign:
                problems.append(
                    Problem(
                        *_at(b),
                        "name",
                        f"'{b.name}' holds characters a reviewer cannot see as they are: "
                        f"{'; '.join(foreign)}; write the name in Latin letters",
                        "warning",
                    )
                )
            continue
        assert other.name is not None
        file, line = _at(other)
        if b.name.casefold() == other.name.casefold():
            why = f"differs only in case from '{other.name}' ({file}:{line})"
        else:
            differs = _foreign(b.name) + _foreign(other.name) or ["a compatibility form of a letter"]
            why = f"looks the same as '{other.name}' ({file}:{line}): {'; '.join(differs)}"
        problems.append(
            Problem(
                *_at(b),
                "name",
                f"'{b.name}' {why}; a reviewer cannot tell the two apart: rename or remove one",
                "warning",
            )
        )
    return problems
