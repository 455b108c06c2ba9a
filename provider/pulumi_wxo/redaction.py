"""Process-wide secret redaction, and the one logger of the package.

Credentials (the wxO API key, passwords, minted tokens, secret ``provider_config`` values) are
registered with :func:`register_secret` as soon as they are known; every error message (see
:mod:`pulumi_wxo.errors`) and every log line of the ``pulumi_wxo`` logger passes through
:func:`redact`. The design promise (README.md, "secrets") is that no secret appears in an
exception message or a log.
"""

from __future__ import annotations

import json
import logging
import threading
from urllib.parse import quote

__all__ = ["SECRET_NAME", "RedactingFilter", "logger", "redact", "register_secret", "register_secret_name"]

_MIN_SECRET_LEN = 4
_MASK = "***"
_secrets_lock = threading.Lock()
SECRET_NAME = "a secret name"
# (text, what replaces it), kept sorted longest first so that a secret containing another
# secret is masked whole.
_secrets: tuple[tuple[str, str], ...] = ()


def register_secret(value: str, *, mask: str = _MASK) -> None:
    """Remember ``value`` so that :func:`redact` masks it from now on (as ``mask``).

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
        known = dict(_secrets)
        for v in variants:
            if len(v) >= _MIN_SECRET_LEN:
                known.setdefault(v, mask)
        _secrets = tuple(sorted(known.items(), key=lambda s: (-len(s[0]), s[0])))


def register_secret_name(name: str) -> None:
    """A resource name given as a secret: messages say "a secret name" where it was quoted,
    and ``***`` wherever else it appears."""
    register_secret(f"'{name}'", mask=SECRET_NAME)
    register_secret(name)


def redact(text: str) -> str:
    """Return ``text`` with every registered secret replaced by its mask (``***``)."""
    for secret, mask in _secrets:  # reading a tuple reference is atomic; no lock needed
        if secret in text:
            text = text.replace(secret, mask)
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
