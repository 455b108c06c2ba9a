"""``pulumi-wxo emulator``: the local Orchestrate API emulator (``pulumi_wxo.emulator``).

Its options are the emulator's own, so the arguments after ``emulator`` go to it untouched;
the parser entry exists for the top-level ``--help`` only. The emulator's parser needs no
extra, so ``pulumi-wxo emulator --help`` lists every option whether or not the ``emulator``
extra (FastAPI, uvicorn) is installed; serving without it says how to install it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

INSTALL = "pulumi-wxo emulator needs the emulator extra: pip install 'pulumi-wxo[emulator]'"


def add_parser(sub: Any) -> None:
    sub.add_parser(
        "emulator",
        help="run the local Orchestrate API emulator (needs pulumi-wxo[emulator])",
        description="Run the local emulator; `pulumi-wxo emulator --help` lists its options.",
    )


def run(argv: Sequence[str]) -> int:
    """The emulator with ``argv`` (what follows ``emulator``); 2 without the emulator extra."""
    from pulumi_wxo.emulator.__main__ import main as emulator_main

    try:
        return emulator_main(argv, prog="pulumi-wxo emulator")
    except ImportError:
        print(INSTALL, file=sys.stderr)
        return 2
