"""Exported specs -> OpenTofu / Terraform configuration (:func:`hcl_config`, ``pulumi-wxo export
--format hcl``): one ``resource`` block and one ``import`` block per connection, model and policy,
so that ``tofu plan`` shows imports only and an existing tenant comes under management without a
recreate.

What the file says is what the server holds, and nothing else:

* **Names.** A resource is named by the rule of every export format (``specs.names.
  resource_name``: ``virtual-model/openai/gpt-4.1`` -> ``openai-gpt-4.1``), made an HCL
  identifier: a ``.`` becomes ``_``, one that does not start with a letter or ``_`` gets a ``_``
  in front, and a second one of the same identifier gets ``_2``.
* **Shapes.** Which field is a nested block (``provider_config { ... }``) or an attribute, and its
  type, come from the Terraform host's own schema (``terraform.schema``), the one the plugin
  serves. A field the schema does not know is left out with a note (``tofu validate`` would
  refuse it).
* **References.** A model on an exported connection takes ``wxo_connection.<name>.connection_id``;
  a policy's target on an exported model takes ``wxo_model.<name>.name``: the dependency is
  explicit, and OpenTofu orders the imports and later changes by it.
* **Secrets.** A credential is never written: each becomes a ``variable`` block with
  ``sensitive = true``, referenced as ``var.<name>`` (the snake_case of the stack config key the
  other formats name, ``openaiApiKey`` -> ``openai_api_key``).
* **Strings.** Every string from the server is a quoted HCL string that reads back as the same
  text: ``"`` and ``\\`` escaped, controls as ``\\uNNNN``, ``${`` and ``%{`` as ``$${`` and
  ``%%{`` (so ``$${`` as ``$$${``), and the ``#`` that would start a CI workflow command
  (``##[``) as ``\\u0023``. A lone surrogate cannot be written
  in HCL: its object is left out with a note. OpenTofu reads every string in Unicode normal form
  C, the server's as well as the file's, so the plan shows no change for a text in another form;
  the next update of that object writes the normalised text: such an object is written, with a
  note that says so.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi_wxo._text import CONTROLS, inert
from pulumi_wxo.resources import CONNECTION, MODEL, POLICY, Resource
from pulumi_wxo.schema.targets import fold_targets
from pulumi_wxo.specs.export import ExportedSpec, ExportKind
from pulumi_wxo.specs.syntax import AUDIENCE_KEY
from pulumi_wxo.terraform.schema import SOURCE, Attr, resource_attrs, type_name

__all__ = ["DEFAULT_FILE", "HclExport", "hcl_config", "hcl_identifier", "hcl_string", "variable_name"]

#: The file ``-o DIR`` writes into DIR.
DEFAULT_FILE = "wxo.tf"

_RESOURCES: dict[ExportKind, Resource] = {"connection": CONNECTION, "model": MODEL, "policy": POLICY}
# Names a variable may not have (OpenTofu reserves them).
_RESERVED_VARIABLES = frozenset(
    {"source", "version", "providers", "count", "for_each", "lifecycle", "depends_on", "locals"}
)
_SIMPLE_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_COMMAND = re.compile(r"#(?=#(?:vso)?\[)", re.IGNORECASE)
_SURROGATE = re.compile("[\ud800-\udfff]")
# An object key written bare (HCL reads it as the same string); a keyword is quoted all the same.
_BARE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_KEYWORDS = frozenset({"for", "in", "if", "null", "true", "false"})
# Between an attribute's name and its value until :func:`_align` (a NUL: every control in a value
# is escaped, so it marks nothing else).
_ASSIGN = "\x00"


class _Ref(str):
    """An HCL expression written as is (a reference), not as a string literal."""

    __slots__ = ()


@dataclass(frozen=True)
class HclExport:
    """The configuration's text; ``variables``: (variable, what uses it) for each secret;
    ``imports``: how many import blocks; ``notes``: what the user should know."""

    text: str
    variables: tuple[tuple[str, str], ...] = ()
    imports: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)


def hcl_string(text: str) -> str:
    """``text`` as a quoted HCL string that reads back as ``text`` (see the module's notes).

    Raises ``ValueError`` for a lone surrogate, which no HCL file can hold."""
    if _SURROGATE.search(text):
        raise ValueError("a lone surrogate cannot be written in HCL")
    out = "".join(
        _SIMPLE_ESCAPES.get(ch) or (f"\\u{ord(ch):04x}" if CONTROLS.match(ch) else ch) for ch in text
    )
    # The HCL spec's escapes of an interpolation and a directive: their first character doubled.
    out = out.replace("${", "$${").replace("%{", "%%{")
    return '"' + _COMMAND.sub(r"\\u0023", out) + '"'


def hcl_identifier(resource_name: str) -> str:
    """A resource name (``specs.names.resource_name``: letters, digits, ``.``, ``_``, ``-``) as
    an HCL identifier: ``.`` -> ``_``, and a ``_`` in front unless it starts with a letter or ``_``."""
    ident = re.sub(r"[^A-Za-z0-9_-]", "_", resource_name) or "_"
    return ident if re.match(r"[A-Za-z_]", ident) else f"_{ident}"


def variable_name(config_key: str) -> str:
    """The variable of a secret: the snake_case of its stack config key (``openaiApiKey`` ->
    ``openai_api_key``), a valid name that OpenTofu does not reserve."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", config_key).lower()
    snake = re.sub(r"[^a-z0-9_]+", "_", snake).strip("_") or "secret"
    if not snake[0].isalpha():
        snake = f"secret_{snake}"
    return f"{snake}_secret" if snake in _RESERVED_VARIABLES else snake


def _number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _expr(value: Any, ty: Any, indent: int) -> str:
    """``value`` as an HCL expression of cty type ``ty`` (``dynamic``: as HCL infers it)."""
    pad = "  " * indent
    if isinstance(value, _Ref):
        return str(value)
    if value is None:
        return "null"
    if ty == "string" and not isinstance(value, str):
        value = json.dumps(value)  # as the plugin writes a non-string into a string attribute
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, str):
        return hcl_string(value)
    inner = ty[1] if isinstance(ty, list) and ty[0] in ("list", "map") else "dynamic"
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = [f"{pad}  {_key(str(k))}{_ASSIGN}{_expr(v, inner, indent + 1)}" for k, v in value.items()]
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list | tuple):
        parts = [_expr(v, inner, indent + 1) for v in value]
        one_line = "[" + ", ".join(parts) + "]"
        if "\n" not in one_line and len(one_line) + len(pad) < 90:
            return one_line
        return "[\n" + "".join(f"{pad}  {p},\n" for p in parts) + f"{pad}]"
    return hcl_string(str(value))


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) and key not in _KEYWORDS else hcl_string(key)


def _align(text: str) -> str:
    """Each run of consecutive ``name = value`` lines with its ``=`` in one column, as
    ``tofu fmt`` writes it (hclwrite's ``formatCells``): a value that opens on its line and
    closes on a later one is in no run."""
    lines = text.split("\n")
    out: list[str] = []
    run: list[tuple[str, str]] = []

    def close() -> None:
        width = max((len(lead.lstrip(" ")) for lead, _ in run), default=0)
        out.extend(f"{lead}{' ' * (width - len(lead.lstrip(' ')))} = {value}" for lead, value in run)
        run.clear()

    for line in lines:
        lead, assign, value = line.partition(_ASSIGN)
        if assign and value in ("[", "{"):  # a value over several lines stands alone
            close()
            out.append(f"{lead} = {value}")
        elif assign:
            run.append((lead, value))
        else:
            close()
            out.append(line)
    close()
    return "\n".join(out)


def _body(
    attrs: Sequence[Attr], values: Mapping[str, Any], indent: int, where: str, notes: list[str]
) -> list[str]:
    """The lines of a block body: ``values`` in the schema's order, blocks as blocks."""
    pad = "  " * indent
    known = {a.name: a for a in attrs}
    for key in values:
        if key not in known:
            notes.append(
                f"{where}: {key} is not in the Terraform schema; left out (tofu validate would refuse it)"
            )
    lines: list[str] = []
    for a in attrs:
        value = values.get(a.name)
        if value is None or (a.block and not value):
            continue
        if a.block and a.nested is not None:
            blocks = value.items() if a.nesting == "map" else [(None, value)]
            for label, item in blocks:
                head = f"{a.name} {hcl_string(str(label))}" if label is not None else a.name
                inner = _body(a.nested, item or {}, indent + 1, f"{where}.{a.name}", notes)
                lines += [f"{pad}{head} {{", *inner, f"{pad}}}"]
            continue
        lines.append(f"{pad}{a.name}{_ASSIGN}{_expr(value, a.type, indent)}")
    return lines


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


class _Writer:
    def __init__(self, ids: Mapping[tuple[str, str], str]) -> None:
        self.ids = ids
        self.taken: dict[str, set[str]] = {}
        self.addresses: dict[tuple[str, str], str] = {}  # (kind, object name) -> address
        self.variables: dict[str, list[str]] = {}  # variable -> what uses it
        self.blocks: list[str] = []
        self.notes: list[str] = []
        self.imports = 0

    def variable(self, key: str, used_by: str) -> _Ref:
        name = variable_name(key)
        self.variables.setdefault(name, []).append(used_by)
        return _Ref(f"var.{name}")

    def add(self, e: ExportedSpec, values: dict[str, Any]) -> None:
        """One resource block and its import block, or a note saying why the object is left out."""
        resource = _RESOURCES[e.kind]
        tf_type = type_name(resource)
        import_id = self.ids.get((e.kind, e.name))
        if import_id is None:
            self.notes.append(f"left out {e.kind} '{e.name}': no id to import it by")
            return
        strings = [*_strings(values), import_id]
        if any(_SURROGATE.search(s) for s in strings):
            self.notes.append(
                f"left out {e.kind} '{e.name}': it holds a lone surrogate, which no HCL file can hold"
            )
            return
        if any(not unicodedata.is_normalized("NFC", s) for s in strings):
            self.notes.append(
                f"{e.kind} '{e.name}': a text is not in Unicode normal form C; OpenTofu reads it "
                "normalised, without showing a change, and the next update of this object writes it so"
            )
        taken = self.taken.setdefault(tf_type, set())
        base = ident = hcl_identifier(e.resource_name)
        n = 2
        while ident in taken:
            ident, n = f"{base}_{n}", n + 1
        taken.add(ident)
        address = f"{tf_type}.{ident}"
        self.addresses[(e.kind, e.name)] = address
        body = _body(resource_attrs(resource), values, 1, f"{e.kind} '{e.name}'", self.notes)
        self.blocks.append("\n".join([f'resource "{tf_type}" "{ident}" {{', *body, "}"]))
        self.blocks.append(f"import {{\n  to{_ASSIGN}{address}\n  id{_ASSIGN}{hcl_string(import_id)}\n}}")
        self.imports += 1

    def ref(self, kind: str, name: Any, attribute: str) -> Any:
        address = self.addresses.get((kind, str(name)))
        return _Ref(f"{address}.{attribute}") if address else name


def _connection_values(w: _Writer, e: ExportedSpec) -> dict[str, Any]:
    secrets = dict(e.secrets)
    environments: dict[str, Any] = {}
    for env, block in (e.document.get("environments") or {}).items():
        # The spec leaves a false ``sso`` out (as the ADK's export does), but an import reads it
        # as ``false`` and the block's attribute is not computed: written, the plan shows no change.
        settings = {"sso": False, **block}
        if settings.get("credentials"):
            used = f"connection '{e.name}' environments.{env}.credentials"
            settings["credentials"] = {
                k: w.variable(secrets[k], f"{used}.{k}") if k in secrets else None
                for k in settings["credentials"]
            }
        environments[env] = settings
    return {"app_id": e.name, "environments": environments}


def _model_values(w: _Writer, e: ExportedSpec) -> dict[str, Any]:
    values = {k: v for k, v in e.document.items() if k in MODEL.api_fields}
    if e.app_id is not None:
        values["connection_id"] = w.ref("connection", e.app_id, "connection_id")
        if not isinstance(values["connection_id"], _Ref):  # the connection could not be written
            values["connection_id"] = None
            w.notes.append(
                f"model '{e.name}': its connection '{e.app_id}' is not in the file; set connection_id"
            )
    secrets = dict(e.secrets)
    if values.get("provider_config"):
        values["provider_config"] = {
            k: (w.variable(secrets[k], f"model '{e.name}' provider_config.{k}") if k in secrets else v)
            for k, v in values["provider_config"].items()
            if k != AUDIENCE_KEY
        }
    return values


def _policy_values(w: _Writer, e: ExportedSpec) -> dict[str, Any]:
    values = {k: v for k, v in e.document.items() if k in POLICY.api_fields}
    body = dict(e.document.get("policy") or {})

    def leaf(_path: str, target: Any) -> Any:
        if not isinstance(target, Mapping):
            return target
        return {**target, "model_name": w.ref("model", target.get("model_name"), "name")}

    def rule(_path: str, target: Mapping[str, Any], nested: list[Any]) -> Any:
        return {**target, "targets": nested}

    values |= {k: v for k, v in body.items() if k != "targets"}
    values["targets"] = fold_targets(body.get("targets") or [], leaf, rule)
    return values


def hcl_config(
    exported: Sequence[ExportedSpec], ids: Mapping[tuple[str, str], str], *, source: str = ""
) -> HclExport:
    """The configuration for ``exported`` (``export_objects``, audience ``pulumi``): connections,
    models, policies, each a resource and an ``import`` block with its id from ``ids`` ((kind,
    object name) -> the id ``tofu import`` takes), the variables of its secrets first."""
    w = _Writer(ids)
    fill = {"connection": _connection_values, "model": _model_values, "policy": _policy_values}
    for kind in ("connection", "model", "policy"):
        for e in exported:
            if e.kind == kind:
                w.add(e, fill[kind](w, e))
    where = f" from {source}" if source else ""
    head = [
        f"Exported by `pulumi-wxo export --format hcl`{where}.",
        "`tofu plan` imports each object below (`import` blocks: OpenTofu 1.6, Terraform 1.5 and later);",
        "set the provider's url and credentials with WXO_* variables (WXO_URL, WXO_API_KEY, ...).",
    ]
    if w.variables:
        head.append("Secrets are never exported: set each variable (TF_VAR_<name>) before planning.")
    lines = [f"# {inert(line)}" for line in head]
    lines += ["", "terraform {", "  required_providers {", f'    wxo = {{ source = "{SOURCE}" }}', "  }", "}"]
    lines += ["", 'provider "wxo" {}']
    for name, used in sorted(w.variables.items()):
        lines += ["", f'variable "{name}" {{', f"  type{_ASSIGN}string", f"  sensitive{_ASSIGN}true"]
        lines += [f"  description{_ASSIGN}{hcl_string('; '.join(used))}", "}"]
    for block in w.blocks:
        lines += ["", block]
    variables = tuple((name, "; ".join(used)) for name, used in sorted(w.variables.items()))
    return HclExport(_align("\n".join(lines)) + "\n", variables, w.imports, tuple(w.notes))
