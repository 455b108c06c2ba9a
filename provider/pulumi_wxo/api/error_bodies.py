"""The parsing of error bodies (api-contract §8): what the server said, redacted and bounded.

Re-exported by :mod:`pulumi_wxo.api.errors`, whose errors carry the result as ``detail``.
"""

from __future__ import annotations

import json

from pulumi_wxo.api.redaction import redact

__all__ = ["parse_detail"]

_TEXT_LIMIT = 200  # non-JSON bodies (HTML error pages, proxies): first 200 characters
_DETAIL_LIMIT = 500
# Members of a FastAPI 422 item that echo the submitted value (possibly a secret): never shown.
_ECHO_KEYS = frozenset({"input", "ctx"})


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _validation_item(item: object) -> str:
    if not isinstance(item, dict):
        return str(item)
    loc = item.get("loc")
    parts = [str(p) for p in loc] if isinstance(loc, list | tuple) else []
    if parts and parts[0] == "body":  # FastAPI prefixes body fields with "body"
        parts = parts[1:]
    msg = item.get("msg")
    msg_text = msg if isinstance(msg, str) else "invalid"
    return f"{'.'.join(parts)}: {msg_text}" if parts else msg_text


def _without_echo(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_echo(v) for k, v in value.items() if k not in _ECHO_KEYS}
    if isinstance(value, list):
        return [_without_echo(v) for v in value]
    return value


def parse_detail(body: str) -> tuple[str, str | None]:
    """Explain an error body: ``(detail, code)``, redacted and bounded.

    FastAPI shapes (api-contract §8): ``{"detail": "..."}``; ``{"detail": [{"loc", "msg",
    "type"}]}`` rendered ``"provider_config.foo: Extra inputs are not permitted; ..."`` without the
    ``input``/``ctx`` members (they echo submitted values); ``{"detail": {"code", "message"}}``.
    Token services answer ``{"errorMessage": ...}`` (IAM) or ``{"message": ...}``. Anything else
    that is not JSON is cut to its first 200 characters. Redaction happens before clipping, so a
    secret cut in half cannot slip through.
    """
    try:
        data = json.loads(body)
        return _explain(data)
    except (ValueError, RecursionError):  # not JSON, or JSON nested past the parser's depth limit
        return _clip(redact(body), _TEXT_LIMIT), None


def _explain(data: object) -> tuple[str, str | None]:
    code: str | None = None
    text: str
    if isinstance(data, dict) and "detail" in data:
        detail = data["detail"]
        if isinstance(detail, str):
            text = detail
        elif isinstance(detail, list):
            text = "; ".join(_validation_item(item) for item in detail)
        elif isinstance(detail, dict):
            raw_code = detail.get("code")
            code = raw_code if isinstance(raw_code, str) else None
            message = detail.get("message") or detail.get("msg")
            if isinstance(message, str):
                text = f"{message} ({code})" if code else message
            else:
                text = json.dumps(_without_echo(detail), separators=(",", ":"))
        else:
            text = json.dumps(_without_echo(detail), separators=(",", ":"))
    elif isinstance(data, dict):
        for key in ("errorMessage", "message", "error_description", "error"):
            if isinstance(data.get(key), str):
                text = data[key]
                break
        else:
            text = json.dumps(_without_echo(data), separators=(",", ":"))
        for key in ("code", "errorCode"):
            if isinstance(data.get(key), str):
                code = data[key]
                break
    else:
        text = json.dumps(_without_echo(data), separators=(",", ":"))
    return _clip(redact(text), _DETAIL_LIMIT), code
