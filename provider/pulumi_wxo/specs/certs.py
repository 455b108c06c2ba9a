"""``provider_config.server_cert_file`` (ADK 2.19, api-contract §3.1): a PEM file read into
``server_cert``, confined to the spec's folder.

The field names a file on the machine that reads the spec, and ``server_cert`` is not a secret
field: its text is sent to the server and kept in state. A pull request could otherwise point
it at ``/proc/self/environ`` (the CI job's credentials) or at a sibling ``.env``. So the path
must be relative, must lead (symlinks resolved) into the spec's own folder or an explicitly
given base directory, must be a regular file of at most ``MAX_CERT_BYTES``, and must hold
certificates. Only the certificate blocks, re-encoded from their decoded bytes, become
``server_cert``; nothing else of the file, and no part of it ever appears in a message.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from pathlib import Path, PurePosixPath, PureWindowsPath

from pulumi_wxo.specs.files import Unreadable, decode_text, read_bounded
from pulumi_wxo.specs.limits import MAX_CERT_BYTES

__all__ = ["read_server_cert"]

_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]{1,64})-----")
_BLOCK = re.compile(r"-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*?)-----END CERTIFICATE-----")
_WRAP = 64  # RFC 7468 lines
_WANTED = "server_cert_file must name a PEM file of certificates"
_ASN1_SEQUENCE = 0x30  # a DER certificate is an ASN.1 SEQUENCE


def _confined(raw: str, spec_file: str, base_dir: str | None) -> str | Unreadable:
    """The resolved path of ``raw``, or why it is refused."""
    where = "the base directory" if base_dir is not None else "the spec's folder"
    fix = f"put the certificate in {where}" + (
        "" if base_dir is not None else " (or pass --base-dir / base_dir=)"
    )
    if not raw.strip():
        return Unreadable("is empty; write the path of a PEM file next to the spec")
    if "\0" in raw:
        return Unreadable("holds a NUL character; write the path of a PEM file next to the spec")
    if PurePosixPath(raw).is_absolute() or PureWindowsPath(raw).is_absolute() or raw.startswith("~"):
        return Unreadable(
            f"must be a path relative to the spec file, not an absolute one; {fix} "
            "and write its path from the spec's folder"
        )
    spec_dir = Path(spec_file).parent
    root = os.path.realpath(base_dir if base_dir is not None else spec_dir)
    try:
        # Resolve symlinks first, then check containment: a link inside the folder may lead out.
        target = os.path.realpath(spec_dir / raw)
        inside = os.path.commonpath([root, target]) == root
    except (OSError, ValueError):
        inside = False
    if not inside:
        how = "through .." if ".." in PurePosixPath(raw.replace("\\", "/")).parts else "through a symlink"
        return Unreadable(f"leads outside {where} ({how}); {fix}")
    return target


def _certificates(text: str) -> str | Unreadable:
    """The certificate blocks of ``text``, re-encoded; or why it is not a certificate file."""
    others = sorted({m.group(1) for m in _BEGIN.finditer(text)} - {"CERTIFICATE"})
    if others:
        # A key next to the certificate must not be sent (or kept in state) as server_cert.
        return Unreadable(f"holds a {others[0]} block; {_WANTED} only")
    matches = list(_BLOCK.finditer(text))
    if len(matches) != text.count("-----BEGIN CERTIFICATE-----"):
        return Unreadable(f"holds a CERTIFICATE block that is not base64 of a DER certificate; {_WANTED}")
    blocks: list[str] = []
    for match in matches:
        body = "".join(match.group(1).split())
        try:
            der = binascii.a2b_base64(body, strict_mode=True)
        except binascii.Error:
            der = b""
        if not der or der[0] != _ASN1_SEQUENCE:
            return Unreadable(f"holds a CERTIFICATE block that is not base64 of a DER certificate; {_WANTED}")
        b64 = base64.b64encode(der).decode("ascii")
        lines = [b64[i : i + _WRAP] for i in range(0, len(b64), _WRAP)]
        blocks.append("\n".join(["-----BEGIN CERTIFICATE-----", *lines, "-----END CERTIFICATE-----"]))
    if not blocks:
        return Unreadable(f"is not a PEM certificate file (no -----BEGIN CERTIFICATE----- block); {_WANTED}")
    return "\n".join(blocks) + "\n"


def read_server_cert(raw: object, spec_file: str, base_dir: str | None) -> str | Unreadable:
    """The PEM text for ``server_cert`` from a ``server_cert_file`` value, or why not.

    ``raw`` is taken relative to the folder of ``spec_file``; it must lead into that folder, or
    into ``base_dir`` when one is given (then ``../certs/ca.pem`` may reach a sibling folder).
    """
    if not isinstance(raw, str):
        return Unreadable("must be a path (text) relative to the spec file")
    target = _confined(raw, spec_file, base_dir)
    if isinstance(target, Unreadable):
        return target
    data = read_bounded(target, MAX_CERT_BYTES, follow_symlinks=False)
    if isinstance(data, Unreadable):
        shown = Path(spec_file).parent / raw
        if data.cause == "os":
            return Unreadable(f"cannot read {shown}: {data.reason}")
        if data.cause == "size":
            return Unreadable(f"{shown} {data.reason}, the limit for a certificate file")
        return Unreadable(f"{shown} {data.reason}; {_WANTED}")
    text = decode_text(data)
    if isinstance(text, Unreadable):
        return Unreadable(f"is not a PEM certificate file (not text); {_WANTED}")
    return _certificates(text)
