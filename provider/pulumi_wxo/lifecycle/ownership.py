"""Evidence of ownership: a tag on each object this provider creates, naming the resource it serves.

A run killed between the POST and the engine's checkpoint leaves a model on the server that no
state knows about. The next ``pulumi up`` must take it back (no duplicate, nothing orphaned) and
must never take over a model that another stack or a person manages. So each create sends one
tag, ``pulumi-wxo-owner:<owner>:<nonce>``:

* ``owner`` — 16 hex digits of SHA-256 over the project, the stack, the type token and the
  resource name: the same for every run of the same resource, different for any other stack or
  resource. The program computes it (the dynamic host's provider never sees a URN).
* ``nonce`` — 8 hex digits, new for every POST: after an ambiguous POST, or when two processes
  race to create the same name, the object carrying our nonce is the one *we* made.

A second tag, ``pulumi-wxo-owner:stack:<project>/<stack>``, names the stack that owns the model,
so that another stack's refusal can say whose model it is (lifecycle/claims.py). It lives in the
owner namespace, so releases that predate it never count it as a user's tag (they drop it on
their next PUT: the message then names the owner id alone). A project or stack name that
would make the tag longer than :data:`MAX_STACK_TAG` characters is not recorded.

The tag is provider-owned: it is never part of ``tags`` in inputs, outputs or diffs, and every
PUT sends it back. It is a claim, not a proof: anyone who can write to the tenant can copy it,
just as they could delete or rename the model. docs/dev/lifecycle.md ("Ownership") has the trade-offs.

The same rule covers the tags the *platform* sets (``wxo-reserved-tag-...``, an administrator's
deny; schema/model.py ``is_platform_tag``, api-contract §12.7): :func:`split_tags` never counts
them as the user's, and :func:`platform_tags` picks them out of the server's object so that a
full PUT sends them back as the server has them.

Before an update, a delete or a refresh acts on the id a state records, :func:`verify_at_id`
checks that the object there is the one the state describes: its name is the recorded one and
its owner tag is the recorded owner's (or absent, as recorded). An edited, merged or restored
state whose id points at another object is refused (:class:`ForeignObjectError`), never acted
on: docs/guide/recovery.md ("The object at the state's id is not this resource").
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_wxo.api.errors import WxoError
from pulumi_wxo.schema.model import OWNER_TAG_PREFIX as PREFIX
from pulumi_wxo.schema.model import is_platform_tag, is_server_owned_tag

_TAG = re.compile(rf"^{re.escape(PREFIX)}([0-9a-f]{{16}}):([0-9a-f]{{8}})$")
_OWNER = re.compile(r"^[0-9a-f]{16}$")
STACK_PREFIX = f"{PREFIX}stack:"
#: The longest stack tag written (a project and a stack name may each be 100 characters).
MAX_STACK_TAG = 240
_STACK = re.compile(r"^[A-Za-z0-9_.\-]+/[A-Za-z0-9_.\-]+$")


def stack_tag(stack: Any) -> str | None:
    """The tag naming ``stack`` (``<project>/<stack>``), or None when it cannot be written."""
    if not isinstance(stack, str) or not _STACK.match(stack):
        return None
    tag = f"{STACK_PREFIX}{stack}"
    return tag if len(tag) <= MAX_STACK_TAG else None


def stack_of(obj: Any) -> str | None:
    """The ``<project>/<stack>`` a server object's stack tag names, if it carries one."""
    tags = obj.get("tags") if isinstance(obj, dict) else None
    for tag in tags if isinstance(tags, list) else ():
        if isinstance(tag, str) and tag.startswith(STACK_PREFIX) and _STACK.match(tag[len(STACK_PREFIX) :]):
            return tag[len(STACK_PREFIX) :]
    return None


def owner_id(*, project: str, stack: str, type_token: str, resource_name: str) -> str:
    """The owner of one resource of one stack: stable across runs, distinct across stacks."""
    raw = "\x1f".join((project, stack, type_token, resource_name)).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def is_owner_id(value: Any) -> bool:
    return isinstance(value, str) and bool(_OWNER.match(value))


@dataclass(frozen=True)
class OwnerTag:
    owner: str
    nonce: str

    def __str__(self) -> str:
        return f"{PREFIX}{self.owner}:{self.nonce}"

    @classmethod
    def new(cls, owner: str) -> OwnerTag:
        return cls(owner, secrets.token_hex(4))

    @classmethod
    def parse(cls, tag: Any) -> OwnerTag | None:
        match = _TAG.match(tag) if isinstance(tag, str) else None
        return cls(match.group(1), match.group(2)) if match else None


def is_owner_tag(tag: Any) -> bool:
    """Any tag in our namespace (well-formed or not): never a user's tag."""
    return isinstance(tag, str) and tag.startswith(PREFIX)


def split_tags(tags: Iterable[Any]) -> tuple[list[Any], OwnerTag | None]:
    """The user's tags (no server-owned ones), and the first well-formed owner tag among ``tags``."""
    user: list[Any] = []
    found: OwnerTag | None = None
    for tag in tags:
        if is_owner_tag(tag):
            found = found or OwnerTag.parse(tag)
        elif not is_server_owned_tag(tag):
            user.append(tag)
    return user, found


def platform_tags(obj: Any) -> list[str]:
    """The platform's tags on a server object, in its order, each once: what a PUT keeps."""
    tags = obj.get("tags") if isinstance(obj, dict) else None
    if not isinstance(tags, list):
        return []
    return list(dict.fromkeys(t for t in tags if is_platform_tag(t)))


def owner_of(obj: Any) -> OwnerTag | None:
    """The owner tag a server object carries, if any."""
    tags = obj.get("tags") if isinstance(obj, dict) else None
    if not isinstance(tags, list):
        return None
    return split_tags(tags)[1]


class ForeignObjectError(WxoError):
    """The object at the state's id is not the one the state recorded: nothing was done."""

    def __init__(self, *, action: str, kind: str, id_: str, recorded: str, found: str) -> None:
        self.id = id_
        super().__init__(
            f"{action}: the state records {kind} id {id_} as {recorded}, but the {kind} with that id "
            f"on the server is {found}; nothing was changed or deleted. The state's id is not this "
            f"resource's (an edited, merged or restored state), or the {kind} was replaced outside "
            "Pulumi. Repair the state: remove the resource from it with `pulumi state delete <urn>` "
            f"and run `pulumi up` again (adopt=True takes over an existing {kind} of the recorded "
            "name), or put the right id back with `pulumi stack export`, an edit and `pulumi stack "
            'import` (docs/guide/recovery.md, "The object at the state\'s id is not this resource")'
        )


def _shown(name: Any, tag: OwnerTag | None, *, tagged: bool, secret: bool = False) -> str:
    from pulumi_wxo.schema.server_objects import shown_text

    if secret:
        text = "a secret name"
    else:
        text = f"'{shown_text(name)}'" if isinstance(name, str) and name else "(no name)"
    if not tagged:
        return text
    return f"{text} with owner tag {tag}" if tag is not None else f"{text} without an owner tag"


def verify_at_id(
    *,
    kind: str,
    id_: str,
    server: Mapping[str, Any],
    recorded: Mapping[str, Any],
    action: str,
    owner: str | None = None,
    tagged: bool = True,
    secret_name: bool = False,
) -> None:
    """Raise :class:`ForeignObjectError` unless ``server`` (the object at ``id_``) is the one
    ``recorded`` (the state's outputs) describes.

    * The name must be the recorded one (when the state records one: a read without state,
      ``Model.get`` or an import, has nothing to compare).
    * With ``tagged`` (models): an owner tag on the server must name the recorded tag's owner
      or ``owner`` (this resource's, when the caller knows it); a state that recorded a tag
      needs one on the server; a state that recorded none accepts an untagged object.
    """
    name = recorded.get("name")
    name_ok = not isinstance(name, str) or server.get("name") == name
    tag_ok = True
    want = OwnerTag.parse(recorded.get("owner_tag")) if tagged else None
    found = owner_of(dict(server)) if tagged else None
    if tagged:
        if found is None:
            tag_ok = want is None
        else:
            tag_ok = found.owner in {t for t in (want.owner if want else None, owner) if t}
    if name_ok and tag_ok:
        return
    raise ForeignObjectError(
        action=action,
        kind=kind,
        id_=id_,
        recorded=_shown(name, want, tagged=tagged, secret=secret_name),
        found=_shown(server.get("name"), found, tagged=tagged),
    )
