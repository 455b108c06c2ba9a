"""One way to run a program to its end from a test: in a given folder, with exactly the given
environment (and ``stdin`` as its input, if given), its output captured as text. A hang past
``timeout`` seconds raises ``subprocess.TimeoutExpired`` (a failure, not a wait); a non-zero
exit is the caller's to check.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path


def run(
    argv: Sequence[str | Path],
    *,
    cwd: str | Path,
    env: Mapping[str, str],
    timeout: float,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    args, environ = [str(a) for a in argv], dict(env)
    return subprocess.run(
        args, cwd=cwd, env=environ, input=stdin, capture_output=True, text=True, timeout=timeout, check=False
    )
