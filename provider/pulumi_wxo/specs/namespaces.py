"""Which stack config namespaces a ``${secret:NS:NAME}`` in a spec file may read.

Spec files come in pull requests; the stack's config holds more than their secrets: the
provider's own connection settings (``wxo:token``, ``wxo:apiKey``) and other providers'
credentials (``aws:secretKey``). A spec that could name any namespace could send the
pipeline's own token to a host of its author's choosing (``custom_host``). So (docs/guide/specs.md,
"Which config a reference reads"):

* ``${secret:NAME}`` reads the project's own namespace, always allowed;
* ``${secret:NS:NAME}`` reads ``NS`` only when the stack lists it in
  ``wxo-specs:secretNamespaces`` (``pulumi-wxo validate --secret-namespace NS`` offline);
* the provider's own namespaces (:data:`PROVIDER_NAMESPACES`) are never readable, listed or
  not, and a project named like one of them cannot use ``${secret:NAME}`` either.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from pulumi_wxo.specs.results import SecretRef
from pulumi_wxo.specs.syntax import OVERRIDES_NAMESPACE, SECRET_NAMESPACES_KEY

__all__ = [
    "PROVIDER_NAMESPACES",
    "allow_hint",
    "namespace_problem",
    "parse_allowed",
    "project_problem",
]

# The provider's own settings: `wxo:*` (connection, token, credentials; docs/guide/client.md) and
# `wxo-specs:*` (overrides, adopt, this allow-list).
PROVIDER_NAMESPACES: frozenset[str] = frozenset({"wxo", OVERRIDES_NAMESPACE})

_SETTING = f"{OVERRIDES_NAMESPACE}:{SECRET_NAMESPACES_KEY}"


def _own(namespace: str) -> bool:
    return namespace.lower() in PROVIDER_NAMESPACES


def allow_hint(namespace: str) -> str:
    return f"`pulumi config set --path '{_SETTING}[0]' {namespace}`"


def namespace_problem(ref: SecretRef, allowed: frozenset[str]) -> str | None:
    """Why ``ref`` may not be read from the stack's config, or None when it may."""
    ns = ref.namespace
    if ns is None or (ns in allowed and not _own(ns)):
        return None
    if _own(ns):
        return (
            f"'{ns}' is the provider's own configuration (its credentials); a spec file cannot "
            f"read it. Store the value in the project's namespace with `pulumi config set "
            f"--secret {ref.name} <value>` and write ${{secret:{ref.name}}}"
        )
    return (
        f"reads the stack config namespace '{ns}', which this stack does not allow for spec "
        f"files; write ${{secret:{ref.name}}} (the project's own namespace), or allow '{ns}' "
        f"with {allow_hint(ns)} (`pulumi-wxo validate --secret-namespace {ns}` offline)"
    )


def project_problem(project: str) -> str | None:
    """Why ``${secret:NAME}`` cannot read the project's namespace, or None when it can."""
    if not _own(project):
        return None
    return (
        f"the project is named '{project}', so its config namespace is the provider's own; a "
        f"spec file cannot read it. Rename the project, or list another namespace in {_SETTING} "
        f"and write ${{secret:NAMESPACE:NAME}}"
    )


def parse_allowed(raw: Any) -> tuple[frozenset[str], list[str]]:
    """The namespaces a stack allows, from ``wxo-specs:secretNamespaces`` as it arrives (a list,
    the JSON text of one, or one comma-separated string), and what is wrong with the value."""
    if raw is None:
        return frozenset(), []
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("["):
            try:
                raw = json.loads(text)
            except ValueError:
                return frozenset(), ["must be a list of namespace names (invalid JSON)"]
        else:
            raw = [part.strip() for part in text.split(",") if part.strip()]
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        return frozenset(), ["must be a list of namespace names, such as [team, shared]"]
    return _checked(raw)


def _checked(names: Iterable[str]) -> tuple[frozenset[str], list[str]]:
    problems = [
        f"'{name}' cannot be allowed: it is the provider's own configuration" for name in names if _own(name)
    ]
    return frozenset(n for n in names if not _own(n)), problems
