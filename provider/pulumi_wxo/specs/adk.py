"""Where IBM's ADK (``orchestrate models import`` / ``models policy import``, 2.19) is stricter
than pulumi-wxo: rules that make a file which passes ``pulumi-wxo validate --adk`` import there.

By default each is a warning; with ``adk=True`` (``validate --adk``) an error. Rules that only
say how to invoke the ADK (``--app-id``) or what it adds on its own stay warnings, and appear
under ``--adk`` only. A document for pulumi-wxo (``${secret:NAME}`` references or the
``secrets_resolved_by`` marker) cannot go to the ADK anyway: it is checked under ``--adk``
only. The ADK's own rules are read from its code (``parse_model_file``,
``validate_ProviderConfig``, ``ModelPolicy``); tests/unit/specs/test_adk.py runs the ADK's
parser on the same files to keep this list honest. See docs/guide/specs.md, "Two audiences".
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_wxo.resources import POLICY
from pulumi_wxo.schema import provider_of, secret_field_of, to_snake_key
from pulumi_wxo.schema.targets import iter_targets
from pulumi_wxo.specs.document import Built
from pulumi_wxo.specs.paths import join_path, split_path
from pulumi_wxo.specs.results import Doc, Problem
from pulumi_wxo.specs.syntax import (
    ANTHROPIC_DEFAULT_MAX_TOKENS,
    AUDIENCE_KEY,
    POLICY_BODY,
    REF_LIKE,
    Path_,
    Severity,
)

__all__ = ["adk_credentials_missing", "adk_document_rules", "adk_file_rules", "for_pulumi"]

# The credentials the ADK requires in provider_config unless `--app-id` names a key_value
# connection (ADK `PROVIDER_REQUIRED_FIELDS`): alternatives, each a set of fields that must
# all be there. Providers not listed need `api_key`. openai-oauth2-client-creds always needs
# `--app-id` (an oauth2 connection), whatever the file holds.
_ADK_CREDENTIALS: dict[str, tuple[tuple[str, ...], ...]] = {
    "bedrock": (("api_key",), ("aws_access_key_id", "aws_secret_access_key")),
    "vertex-ai": (("api_key",), ("vertex_service_account_json",)),
    "openai-oauth2-client-creds": (),
}
_API_KEY: tuple[tuple[str, ...], ...] = (("api_key",),)


def adk_credentials_missing(provider: str, present: set[str]) -> str | None:
    """What the ADK asks for when ``present`` (snake_case keys) lacks it, or None."""
    need = _ADK_CREDENTIALS.get(provider, _API_KEY)
    if need and any(all(f in present for f in alt) for alt in need):
        return None
    return " or ".join(" and ".join(alt) for alt in need) or "an oauth2 connection"


def for_pulumi(doc: Doc) -> bool:
    """A document meant for pulumi-wxo: its provider_config holds ``${secret:...}`` references
    or the marker (which the ADK refuses, or would store as the credential)."""
    data = doc.data
    pc = data.get("provider_config") if isinstance(data, Mapping) else None
    if not isinstance(pc, Mapping):
        return False
    return AUDIENCE_KEY in pc or any(isinstance(v, str) and v.startswith(REF_LIKE) for v in pc.values())


def adk_file_rules(file: str, docs: Sequence[Doc], *, adk: bool) -> list[Problem]:
    """One document per file: the ADK reads a file with ``yaml.load`` / ``json.load`` as one
    mapping, so a second ``---`` document is a YAML error there and a list is no spec."""
    severity: Severity = "error" if adk else "warning"
    if not adk and all(for_pulumi(d) for d in docs):
        return []
    listed = [d for d in docs if d.in_list]
    if listed:
        return [
            Problem(
                file,
                listed[0].line,
                "",
                "the ADK reads one spec (a mapping) per file, not a list: put each spec in a file of its own",
                severity,
            )
        ]
    if len(docs) > 1:
        return [
            Problem(
                file,
                docs[1].line,
                "",
                f"the ADK reads one document per file ({len(docs)} here, separated by ---): "
                "put each spec in a file of its own",
                severity,
            )
        ]
    return []


def adk_document_rules(b: Built, *, adk: bool) -> list[Problem]:
    """The ADK's rules for one document, on the file as written (before stack overrides: the
    ADK reads the file)."""
    data = b.doc.data
    if b.kind is None or not isinstance(data, Mapping) or (not adk and for_pulumi(b.doc)):
        return []
    rules = _Rules(b, adk)
    if b.kind == "model":
        rules.model(data)
    else:
        rules.policy(data)
    return rules.found


class _Rules:
    def __init__(self, b: Built, adk: bool) -> None:
        self.b, self.adk = b, adk
        self.found: list[Problem] = []

    def add(self, path: Path_, message: str, *, hint: bool = False) -> None:
        """A problem at ``path``. ``hint``: how to run the ADK, a warning shown under --adk only."""
        if hint and not self.adk:
            return
        severity: Severity = "warning" if hint or not self.adk else "error"
        line = self.b.doc.lines.get(path) or self._closest(path)
        self.found.append(Problem(self.b.doc.file, line, join_path(path), message, severity))

    def _closest(self, path: Path_) -> int:
        while path:
            path = path[:-1]
            if path in self.b.doc.lines:
                return self.b.doc.lines[path]
        return self.b.doc.lines.get(("name",), self.b.doc.line)

    # ------------------------------------------------------------------ models

    def model(self, data: Mapping[str, Any]) -> None:
        raw_pc = data.get("provider_config")
        pc = {str(k): v for k, v in raw_pc.items()} if isinstance(raw_pc, Mapping) else {}
        if AUDIENCE_KEY in pc and self.adk:
            # By design (docs/guide/specs.md): only under --adk, where the file is meant for the ADK.
            self.add(
                ("provider_config", AUDIENCE_KEY),
                "the ADK refuses this key: the file is for pulumi-wxo (its secrets are "
                "${secret:NAME} references); write the ADK's file with `pulumi-wxo export --for adk`",
            )
        for key, value in pc.items():
            if isinstance(value, str) and value.startswith(REF_LIKE) and self.adk:
                snake = to_snake_key(key)
                shape = (
                    " (and it wants the service-account JSON as a mapping here)"
                    if snake == "vertex_service_account_json"
                    else ""
                )
                # Never the value: a malformed reference may hold a credential.
                self.add(
                    ("provider_config", key),
                    f"the ADK would store the text ${{secret:...}} as the credential{shape}: "
                    "leave credentials out and import with `--app-id` (a key_value connection)",
                )
        cert = pc.get("server_cert_file")
        if isinstance(cert, str) and cert and not os.path.isabs(cert):
            self._cert(cert)
        name = data.get("name")
        provider = provider_of(name) if isinstance(name, str) else ""
        present = {f for k, v in pc.items() if v is not None and (f := secret_field_of(str(k))) is not None}
        missing = adk_credentials_missing(provider, present) if provider else None
        if missing and data.get("connection_id"):
            # connection_id is how pulumi-wxo (and the API) binds a connection, the form
            # docs/guide/specs.md recommends: only a file meant for the ADK must not rely on it.
            if self.adk:
                self.add(
                    ("connection_id",),
                    f"the ADK refuses a model of provider {provider!r} without {missing} unless "
                    "`--app-id` is given, and `--app-id` replaces connection_id: leave it out and "
                    "import with `orchestrate models import -f FILE --app-id <the connection's app id>`",
                )
        elif missing:
            self.add(
                ("provider_config",) if raw_pc is not None else ("name",),
                f"the ADK imports this model (provider {provider!r}) only with `--app-id`: a "
                f"key_value connection holding {missing} (`orchestrate connections list`)",
                hint=True,
            )
        config = data.get("config")
        # The ADK tests the whole name ("anthropic" in name), so bedrock/anthropic.* counts too.
        anthropic = isinstance(name, str) and "anthropic" in name
        if anthropic and not (isinstance(config, Mapping) and config.get("max_tokens")):
            self.add(
                ("config",) if config is not None else ("name",),
                f"the ADK adds config.max_tokens: {ANTHROPIC_DEFAULT_MAX_TOKENS} to a model whose name "
                "holds 'anthropic' and that has none; write it to get the same model from both tools",
                hint=True,
            )

    def _cert(self, cert: str) -> None:
        # The ADK opens server_cert_file from the directory `orchestrate` runs in; pulumi-wxo
        # from the spec's folder (docs/guide/specs.md). Same file both ways, or a problem.
        folder = os.path.dirname(os.path.abspath(self.b.doc.file))
        if os.path.realpath(os.path.join(folder, cert)) != os.path.realpath(cert):
            self.add(
                ("provider_config", "server_cert_file"),
                "the ADK reads this path from the directory `orchestrate` runs in, pulumi-wxo from "
                "the spec's folder, and from here they name different files: run both from the "
                "spec's folder, or write the certificate into server_cert",
            )

    # ------------------------------------------------------------------ policies

    def policy(self, data: Mapping[str, Any]) -> None:
        # The ADK's policy type requires the texts pulumi-wxo defaults to the name.
        for key in POLICY.defaults_to_name:
            if not isinstance(data.get(key), str):
                self.add(
                    (key,) if key in data else ("name",),
                    f"the ADK requires {key} for a policy (`models policy import` fails with "
                    f"'{key} Field required'); write it",
                )
        inner = data.get("policy")
        if not isinstance(inner, Mapping):
            flat = [k for k in POLICY_BODY if k in data]
            if flat:
                self.add(
                    (flat[0],),
                    "the ADK reads a policy only in its form, under policy: (strategy, retry, "
                    "targets); move these keys there",
                )
            return
        self._strategy(inner.get("strategy"), ("policy", "strategy"))
        for visit in iter_targets(inner.get("targets")):
            if visit.targets is not None and isinstance(visit.item, Mapping):
                path = ("policy", *split_path(visit.path))
                self._strategy(visit.item.get("strategy"), (*path, "strategy"))
        if "cache" in inner:
            self.add(
                ("policy", "cache"),
                "the ADK drops policy.cache (its policy type has none): imported with the ADK, "
                "the policy would have no cache",
            )

    def _strategy(self, value: Any, path: Path_) -> None:
        if isinstance(value, str):
            self.add(path, f"the ADK wants a mapping here: strategy: {{mode: {value}}}")
