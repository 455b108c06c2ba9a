"""A model's values: outputs from a server object, the fields a diff compares, the known part
of inputs at preview. Plain functions over plain data, for :mod:`pulumi_wxo.lifecycle.model`.

The fields are the declaration's (``MODEL.api_fields``) as :func:`normalize_model` reads them;
only the mappings and lists that need more than a copy are named here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_wxo.lifecycle.common import declared_fields, validated_or_raise
from pulumi_wxo.lifecycle.ownership import split_tags
from pulumi_wxo.lifecycle.values import is_unknown
from pulumi_wxo.resources import MODEL
from pulumi_wxo.schema import (
    SECRET_FIELDS,
    ModelSpec,
    canonical,
    is_masked,
    is_secret_key,
    normalize_model,
    validate_model,
)
from pulumi_wxo.schema.bounds import readable, refused_fields


def after_put(current: Mapping[str, Any] | None, body: Mapping[str, Any], id_: str) -> dict[str, Any]:
    """The model as a full PUT leaves it: the body, and from ``current`` only what the body cannot
    carry (server-owned fields, api-contract §2.2). A field the body omits (an empty ``config``,
    no connection) is reset by the PUT (api-contract §2), so it is empty now, not ``current``'s."""
    reset = dict.fromkeys(k for k in MODEL.api_fields if k not in body)
    return {**(current or {}), **reset, **body, "id": id_}


def declared(props: Mapping[str, Any]) -> dict[str, Any]:
    return declared_fields(props, MODEL.api_fields)


def spec_or_raise(props: Mapping[str, Any], *, verb: str) -> ModelSpec:
    return validated_or_raise(
        props, fields=MODEL.api_fields, validate=validate_model, kind=MODEL.kind, verb=verb
    )


# What state records for a secret the server holds and the program does not declare: its
# presence (drift, removed by the next full PUT), never its value.
UNDECLARED_SECRET = "(a secret set outside Pulumi)"


def _merge_secret(reference: Any, server: Any) -> Any:
    """A secret's value for state: the server's when it echoes one, else the one we sent.

    Whether the API returns secrets is unknown (api-contract §2.1, §11): omitted and masked
    values say nothing about drift, so the declared value is kept.
    """
    if server is None or is_masked(server):
        return reference
    return server


def model_outputs(
    reference: Mapping[str, Any],
    server: Mapping[str, Any],
    *,
    adopt: bool | str,
    force_delete: bool = False,
    undeclared_secrets: bool = True,
) -> dict[str, Any]:
    """Outputs for state from a server object: every key it holds, secrets as ``reference`` has them.

    ``reference`` is the desired view (create/update) or the old outputs (read). Top-level
    fields hold the server's effective values (a text field defaults to the name, ...). Inside
    ``provider_config`` and ``config`` every key the server shows is tracked, declared or not
    (the server-owned ``provider`` excepted, api-contract §2.2): a full PUT removes what the
    program does not declare, so a key added out of band is drift, shown on refresh and removed
    by the next ``up``. A secret keeps the declared value when the server omits or masks it; one
    the program does not declare is recorded as :data:`UNDECLARED_SECRET`, never by its value
    (``undeclared_secrets=False``, for a read without state, leaves it out).
    """
    ref_pc = dict(reference.get("provider_config") or {})
    norm = normalize_model(server, prefer_keys=ref_pc)
    pc: dict[str, Any] = {}
    for key in [*ref_pc, *(k for k in norm["provider_config"] if k not in ref_pc)]:
        value = norm["provider_config"].get(key)
        if key in ref_pc and key in SECRET_FIELDS:
            pc[key] = _merge_secret(ref_pc[key], value)
        elif value is None:
            continue  # declared, gone from the server: the diff shows it
        elif key in ref_pc or not is_secret_key(key):
            pc[key] = value
        elif undeclared_secrets:
            pc[key] = UNDECLARED_SECRET
    # The owner tag is the provider's, not the user's: never in ``tags``, never in a diff.
    tags, tag = split_tags(norm["tags"])
    outs = {
        **{k: norm[k] for k in MODEL.api_fields},
        "tags": tags,
        "provider_config": pc,
        "config": dict(norm["config"]),
        "adopt": adopt,
        "force_delete": force_delete,
        "model_id": norm["id"],
        "provider": norm["provider"],
    }
    if tag is not None:
        outs["owner_tag"] = str(tag)
    return outs


def diff_fields(olds: Mapping[str, Any], news: Mapping[str, Any]) -> tuple[list[str], bool]:
    """Fields whose desired server state (from ``news``) differs from ``olds`` (outputs).

    Returns the changed fields and whether the comparison was complete (no unknowns).
    Server defaults are applied to ``news`` first (an unset text field means the name),
    because a full PUT would reset the field to that default. Nothing out of bounds
    (schema/bounds.py) is walked: such a new value counts as changed (check refuses it), such
    an old one compares as different (the next update replaces what the state holds).
    """
    refused = refused_fields(news, MODEL.api_fields)
    news = {k: v for k, v in news.items() if k not in refused}
    changed, complete = _diff_bounded(readable(olds), news)
    return changed + [k for k in MODEL.api_fields if k in refused and k not in changed], complete


def _diff_bounded(olds: Mapping[str, Any], news: Mapping[str, Any]) -> tuple[list[str], bool]:
    unknown = [k for k in MODEL.api_fields if is_unknown(news.get(k))]
    known = {k: v for k, v in declared(news).items() if k not in unknown}
    if "name" in unknown:
        return unknown, False
    spec, _ = validate_model(known)
    if spec is None:
        # check() already reported the problem; show a change so up reaches check's error.
        return [k for k in MODEL.api_fields if canonical(known.get(k)) != canonical(olds.get(k))], True
    desired = spec.effective()
    changed = list(unknown)
    for key in MODEL.api_fields:
        if key in unknown:
            continue
        old = olds.get(key)
        # Old outputs are whatever the state holds (hand edits, older releases): a value of
        # another shape compares as different, never raises.
        if key in ("provider_config", "config") and (old is None or isinstance(old, Mapping)):
            old = {k: v for k, v in (old or {}).items() if v is not None}
        if key == "tags" and (old is None or isinstance(old, list | tuple)):
            old = split_tags(old or [])[0]
        if canonical(desired[key]) != canonical(old):
            changed.append(key)
    return changed, not unknown
