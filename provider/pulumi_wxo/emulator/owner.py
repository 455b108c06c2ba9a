"""Whose emulator answers at a URL: ``python -m pulumi_wxo.emulator.owner URL PID_FILE DB``.

``make demo`` starts an emulator with a pid file and a database path, and must never deploy
into another one that happens to listen on the same port (another checkout's, say). The control
API's health answer names the serving process and its database (docs/guide/emulator.md), so the
emulator at ``URL`` is "ours" only when both match what was started. Exit codes:

* 0 ``ours``: the emulator started with ``PID_FILE`` and ``DB`` answers;
* 3 ``free``: nothing listens at ``URL`` (connection refused): one may be started;
* 4 ``foreign``: something else answers, or holds the port without answering; a line on stderr
  says what.

Standard library only: it runs before anything is installed beyond the package.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

__all__ = ["main", "whose"]

Owner = Literal["ours", "free", "foreign"]
EXIT: dict[Owner, int] = {"ours": 0, "free": 3, "foreign": 4}


def _expected_pid(pid_file: str) -> int | None:
    try:
        return int(Path(pid_file).read_text().strip())
    except (OSError, ValueError):
        return None


def whose(url: str, pid_file: str, db: str, *, timeout: float = 5.0) -> tuple[Owner, str]:
    """Who serves ``url``, and a sentence saying so."""
    health = url.rstrip("/") + "/_emulator/health"
    try:
        with urllib.request.urlopen(health, timeout=timeout) as answer:  # noqa: S310 (a loopback URL we were given)
            body = json.loads(answer.read(65536))
    except urllib.error.HTTPError as exc:
        return "foreign", f"{url} answers, but not as the emulator does (HTTP {exc.code} for {health})"
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, ConnectionRefusedError):
            return "free", f"nothing listens at {url}"
        return "foreign", f"{url} holds the port but does not answer as the emulator does ({exc.reason})"
    except (OSError, ValueError) as exc:  # a timeout, a reset, a body that is no JSON
        return "foreign", f"{url} holds the port but does not answer as the emulator does ({exc})"
    pid, served = (body.get("pid"), body.get("db")) if isinstance(body, dict) else (None, None)
    expected = _expected_pid(pid_file)
    if expected is not None and pid == expected and served == os.path.abspath(db):
        return "ours", f"the emulator at {url} is the one started here (pid {pid}, db {served})"
    who = f"pid {pid}, db {served}" if pid is not None else "an emulator that does not say its pid and db"
    started = f"pid {expected}" if expected is not None else f"no live pid in {pid_file}"
    return "foreign", (
        f"{url} is served by another process ({who}), not by the emulator started here "
        f"({started}, db {os.path.abspath(db)})"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 3:
        print("usage: python -m pulumi_wxo.emulator.owner URL PID_FILE DB", file=sys.stderr)
        return 2
    owner, sentence = whose(*args)
    print(sentence, file=sys.stderr if owner == "foreign" else sys.stdout)
    return EXIT[owner]


if __name__ == "__main__":
    sys.exit(main())
