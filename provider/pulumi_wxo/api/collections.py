"""One object per API collection (``/models``, ``/model_policy``): list, find, get, create,
update and delete, the same six verbs for every resource.

A :class:`Collection` holds no state of its own: it names its path and the word its messages
use, and sends through its client (:class:`~pulumi_wxo.api.client.WxoClient`), which owns the
retries, the limits and the mapping of statuses to errors. A resource the client gains is one
more ``Collection(...)`` line in ``WxoClient.__init__`` (docs/dev/lifecycle.md, "Adding a
resource").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

import httpx

from pulumi_wxo.api.errors import ServerObjectError
from pulumi_wxo.api.listing import base_collection_404, check_404, objects_of, still_listed
from pulumi_wxo.schema.server_objects import id_problem, object_id, shown_text

JsonObject = dict[str, Any]
#: A list answer (named here: ``Collection.list`` shadows the builtin in the class body).
Objects = list[JsonObject]


class Sender(Protocol):
    """What a collection needs of its client: one bounded, retried exchange, and its JSON."""

    base_url: str

    @property
    def _send(self) -> Callable[..., httpx.Response]:
        """``WxoClient._send``: method, path, then action, params, body and tolerate_404."""

    @staticmethod
    def _json(response: httpx.Response, method: str, *, action: str) -> Any: ...


class Collection:
    """The verbs of one API collection (api-contract §2 for models, §6 for policies)."""

    def __init__(self, client: Sender, path: str, *, kind: str, plural: str) -> None:
        self._client = client
        #: The collection's path under the base URL (``/models``).
        self.path = path
        #: The word in messages (``model``), and its plural (``models``).
        self.kind = kind
        self.plural = plural

    def __repr__(self) -> str:
        return f"Collection({self.path!r})"

    def list(self, *, names: Sequence[str] = (), ids: Sequence[str] = (), **more: Sequence[str]) -> Objects:
        """The objects, optionally filtered (repeatable ``?name=a&name=b``, §2); ``more`` holds
        further filters under the API's own query names."""
        return self._list(names=names, ids=ids, more=more, action=f"list {self.plural}")

    def find(self, name: str) -> Objects:
        """Objects whose name is exactly ``name`` (the server may ignore or loosen the filter).

        Each has a usable ``id`` (else ServerObjectError): the caller adopts or deletes by it.
        """
        action = f"find {self.kind} '{name}'"
        found = [item for item in self._list(names=(name,), action=action) if item.get("name") == name]
        for item in found:
            object_id(self.kind, item, action=action)  # an object without a usable id cannot be managed
        return found

    def get(self, id_: str, *, name: str | None = None) -> JsonObject | None:
        """The object with id ``id_`` via ``GET <path>?id=`` (§2: no GET by path), or None."""
        return self._get(id_, action=f"read {self.kind} '{name or id_}'")

    def create(self, body: JsonObject) -> Any:
        """POST; §2/§11: the create body is undocumented (object, id string or empty)."""
        response = self._client._send(
            "POST", self.path, body=body, action=self._action("create", body.get("name"))
        )
        if not response.content.strip():
            return None
        try:
            return response.json()
        except (ValueError, RecursionError):
            return response.text.strip()

    def update(self, id_: str, body: JsonObject, *, name: str | None = None) -> None:
        """A full PUT to ``<path>/<id>``."""
        label = name or body.get("name") or id_
        action = self._action("update", label)
        self._client._send(
            "PUT", self._object_path(id_, label=label, action=action), body=body, action=action
        )

    def delete(self, id_: str, *, name: str | None = None) -> bool:
        """Delete; False when the object was already gone (404)."""
        label = name or id_
        action = self._action("delete", label)
        path = self._object_path(id_, label=label, action=action)
        response = self._client._send("DELETE", path, action=action, tolerate_404=True)
        if response.status_code != 404:
            return True
        # "Already deleted" only when the 404 is the API's and the object is not listed (§8).
        check_404(response, action=action)
        if self._get(id_, action=action, first=f"DELETE {response.request.url.path}"):
            raise still_listed(response, action=action)
        return False

    # ------------------------------------------------------------------ shared steps

    def _list(
        self,
        *,
        names: Iterable[str] = (),
        ids: Iterable[str] = (),
        more: Mapping[str, Iterable[str]] | None = None,
        action: str,
    ) -> Objects:
        # Repeatable filters: ?name=a&name=b (§2). Names contain "/"; httpx encodes values safely.
        pairs = [("name", n) for n in names] + [("id", i) for i in ids]
        pairs += [(key, v) for key, values in (more or {}).items() for v in values]
        params = httpx.QueryParams(tuple(pairs))  # a tuple: covariant, so mypy accepts str pairs
        return self._answer(params, action=action)[0]

    def _answer(self, params: httpx.QueryParams, *, action: str) -> tuple[Objects, bool]:
        """The objects of a list GET, and whether it answered 404 (§8, :mod:`pulumi_wxo.api.listing`)."""
        response = self._client._send("GET", self.path, params=params, action=action, tolerate_404=True)
        if response.status_code != 404:
            body = self._client._json(response, "GET", action=action)
            return objects_of(body, response, action=action), False
        body = check_404(response, action=action)
        return (objects_of(body, response, action=action) if isinstance(body, list) else []), True

    def _get(self, id_: str, *, action: str, first: str = "") -> JsonObject | None:
        """The object, or None once its absence is shown (:mod:`pulumi_wxo.api.listing`)."""
        items, answered_404 = self._answer(httpx.QueryParams({"id": id_}), action=action)
        found = next((item for item in items if item.get("id") == id_), None)
        if found is not None or not answered_404:
            return found
        # A 404 may be a gateway's: "gone" holds only if the whole collection answers.
        items, answered_404 = self._answer(httpx.QueryParams(), action=action)
        if answered_404:
            path = urlsplit(self._client.base_url + self.path).path
            raise base_collection_404(path, first=first or f"GET {path}?id={id_}", action=action)
        return next((item for item in items if item.get("id") == id_), None)

    def _object_path(self, id_: object, *, label: object, action: str) -> str:
        """``<path>/<id>`` with the id as one percent-encoded segment, once it is usable.

        ``.`` and ``..`` would be resolved away (the DELETE would reach the collection or the
        base path, and a 404 there would count as "already deleted"), ``/`` would name another path.
        """
        problem = id_problem(id_)
        if problem is not None:
            raise ServerObjectError(
                kind=self.kind,
                name=shown_text(str(label)),
                field="id",
                reason=problem,
                action=action,
                hint="nothing was sent; the id came from the server (or from state): check the object "
                "on the instance, and run `pulumi refresh`",
            )
        assert isinstance(id_, str)
        return f"{self.path}/{quote(id_, safe='')}"

    def _action(self, verb: str, name: object) -> str:
        return f"{verb} {self.kind} '{shown_text(str(name))}'" if name else f"{verb} {self.kind}"
