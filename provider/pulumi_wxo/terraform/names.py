"""One name, one object: the names one plugin process has seen planned or created.

OpenTofu starts the plugin anew for each walk of a command (validate, plan, apply), and one walk
plans (or applies) each resource instance once. So, within a process:

* **Plan.** Two resource instances that plan one name (``openai/x`` and ``virtual-model/openai/x``
  are one name) would make two objects of that name on the server. The second is refused with a
  diagnostic that OpenTofu attaches to its address; the detail names the name and says what to do.
  A resource is known by its prior state's id, or by the plan call when it is still to be created.
  Two instances whose states hold one id (the second took the first's object in a ``-target``
  apply, whose plan saw only one) clash the same way.
* **Apply.** Two creates of one name are refused the same way, so that even an apply whose plan
  did not see both (``-target``) never POSTs one name twice in parallel.

The provider is told no resource address (plugin protocol 6), so the message names the other
resource by its spelling of the name and its id, when it has one.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

__all__ = ["NameClash", "Names"]


class NameClash(Exception):
    """A second resource instance of one name; ``summary`` and ``detail`` for the diagnostic."""

    def __init__(self, summary: str, detail: str) -> None:
        super().__init__(summary)
        self.summary, self.detail = summary, detail


@dataclass(frozen=True)
class _Claim:
    who: object  # the prior state's id, or an object unique to one plan call
    written: str  # the configuration's spelling of the name


def _spelling(claim: _Claim) -> str:
    return f'"{claim.written}"' + (f" (id {claim.who}, in the state)" if isinstance(claim.who, str) else "")


def _clash(type_name: str, name: str, first: _Claim, second: _Claim, verb: str) -> NameClash:
    kind = type_name.removeprefix("wxo_").replace("_", " ")
    return NameClash(
        f'two {type_name} resources {verb} the name "{name}"',
        f"Another {type_name} resource of this configuration {verb}s the same name: it writes "
        f"{_spelling(first)}, this one writes {_spelling(second)}. A name is one {kind} on the "
        "server, so one of the two must go: remove one resource (`tofu state rm` first if it is "
        "already in the state), or give it another name.",
    )


class Names:
    """The claims of one plugin process, by (resource type, canonical name); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._planned: dict[tuple[str, str], _Claim] = {}
        self._created: dict[tuple[str, str], _Claim] = {}

    def plan(
        self, type_name: str, name: str, written: str, prior_id: str | None, *, replan: str | None = None
    ) -> None:
        """Record a planned instance; :class:`NameClash` when another one plans the same name.

        ``prior_id``: the instance's state id. ``replan``: the id a replace's first plan kept
        (the create half of that replace, the same instance). Two instances whose states hold
        one id (a ``-target`` apply let the second take the first's object) clash as well."""
        claim = _Claim(prior_id or replan or object(), written)
        with self._lock:
            first = self._planned.setdefault((type_name, name), claim)
        if first is not claim and not (replan is not None and first.who == replan):
            raise _clash(type_name, name, first, claim, "plan")

    def create(self, type_name: str, name: str, written: str) -> None:
        """Record a create about to be sent; :class:`NameClash` when this process sent one already."""
        claim = _Claim(object(), written)
        with self._lock:
            first = self._created.setdefault((type_name, name), claim)
        if first is not claim:
            raise _clash(type_name, name, first, claim, "create")
