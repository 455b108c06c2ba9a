"""Process-wide secret redaction, and the one logger of the package.

Credentials (the wxO API key, passwords, minted tokens, secret ``provider_config`` values) are
registered with :func:`register_secret` as soon as they are known; every error message (see
:mod:`pulumi_wxo.api.errors`) and every log line of the ``pulumi_wxo`` logger passes through
:func:`redact`. The design promise (README.md, "secrets") is that no secret appears in an
exception message or a log.
"""

from __future__ import annotations

import json
import logging
import threading
from urllib.parse import quote

__all__ = ["RedactingFilter", "logger", "redact", "register_secret"]

_MIN_SECRET_LEN = 4
_MASK = "***"
_secrets_lock = threading.Lock()
# Kept sorted longest first so that a secret containing another secret is masked whole.
_secrets: tuple[str, ...] = ()


def register_secret(value: str) -> None:
    """Remember ``value`` so that :func:`redact` masks it from now on.

    Values shorter than 4 characters are ignored: masking "on" or "1" would mangle every
    message while protecting nothing. Besides the value itself, its JSON-escaped and
    URL-encoded spellings are registered, because a server may echo a secret inside a JSON
    string (a service-account key with ``\\n``) or a form body.
    """
    global _secrets  # noqa: PLW0603 - one registry per process, by design
    if not isinstance(value, str) or len(value) < _MIN_SECRET_LEN:
        return
    variants = {value, json.dumps(value)[1:-1], quote(value, safe="")}
    with _secrets_lock:
        merged = set(_secrets) | {v for v in variants if len(v) >= _MIN_SECRET_LEN}
        _secrets = tuple(sorted(merged, key=lambda s: (-len(s), s)))


def redact(text: str) -> str:
    """Return ``text`` with every registered secret replaced by ``***``."""
    for secret in _secrets:  # reading a tuple reference is atomic; no lock needed
        if secret in text:
            text = text.replace(secret, _MASK)
    return text


class RedactingFilter(logging.Filter):
    """Rewrite each record's message through :func:`redact` and drop its args.

    Attached to the ``pulumi_wxo`` logger, so that handlers (Pulumi's stderr capture, pytest's
    caplog) only ever see the redacted text, even if a caller formats a secret into a message.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True


def _install_filter(target: logging.Logger) -> logging.Logger:
    if not any(isinstance(f, RedactingFilter) for f in target.filters):
        target.addFilter(RedactingFilter())
    return target


#: The one logger of the package. Logger filters apply only to records created on that logger
#: (not to children's records), so every module logs through this object.
logger: logging.Logger = _install_filter(logging.getLogger("pulumi_wxo"))
