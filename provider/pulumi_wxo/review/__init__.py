"""``pulumi preview --json`` documents into a pull-request comment (``pulumi-wxo review``).

Pure: JSON values in, Markdown text out; the command (``pulumi_wxo.cli.review``) reads the
files. :func:`parse_preview` reads one document (either host, the digest or the event stream)
into a :class:`StackPreview`; :func:`render` writes the comment of several, split into parts
that fit GitHub's comment limit. See docs/guide/cli.md, "review".

Modules:

``_document``  a preview document (either host, digest or event stream) -> ``StackPreview``
``_render``    stack previews into the Markdown of the comment
``_values``    values made safe to show: secrets hidden, unknowns named, text escaped
``_targets``   a policy's targets as a table and a Mermaid diagram
``_split``     the comment cut into parts that fit GitHub's limit
"""

from __future__ import annotations

from pulumi_wxo.review._document import Diagnostic, ReviewError, StackPreview, Step, Violation, parse_preview
from pulumi_wxo.review._render import ACTIONS, Review, render
from pulumi_wxo.review._split import MIN_PART_BYTES, Block, split_parts
from pulumi_wxo.review._values import SECRET_TEXT

__all__ = [
    "ACTIONS",
    "MIN_PART_BYTES",
    "SECRET_TEXT",
    "Block",
    "Diagnostic",
    "Review",
    "ReviewError",
    "StackPreview",
    "Step",
    "Violation",
    "parse_preview",
    "render",
    "split_parts",
]
