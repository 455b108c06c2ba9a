"""PULUMI_PYTHON_CMD wrapper of bench/engine.py: run the interpreter as a child, record its peak RSS.

    python -IS engine_rss.py RSS_FILE PYTHON [ARGS...]

runs ``PYTHON ARGS...`` (the dynamic-provider plugin: ``-u -m pulumi.dynamic <engine address>``)
with this process's stdin, stdout and stderr, and when it exits appends ``<pid> <peak RSS in KiB>``
(``getrusage(RUSAGE_CHILDREN).ru_maxrss``) to RSS_FILE and ``<pid> <CPU seconds>`` (user plus
system) to RSS_FILE.cpu, then exits with the child's status. The engine runs a project's Python
program through PULUMI_PYTHON_CMD too (the language host's ``pulumi-language-python-exec``):
the program's lines go to RSS_FILE.program and RSS_FILE.program.cpu instead, and those of the
language host's own ``python -m pip`` and ``python --version`` calls to RSS_FILE.other,
so that the provider's numbers stay the provider's.
Standard library only: it runs with -IS, without the virtualenv's site-packages.
"""

import resource
import signal
import subprocess
import sys


def main() -> int:
    out, python, *args = sys.argv[1:]
    if any(arg.endswith("pulumi-language-python-exec") for arg in args):
        out += ".program"
    elif args[:2] == ["-m", "pip"] or args == ["--version"]:
        out += ".other"
    # The engine stops a plugin by interrupting its whole process group: the child gets the
    # SIGINT too and exits. This process must outlive it to read its usage, so it only waits
    # (a handler, not SIG_IGN: exec resets handlers, so the child keeps Python's default).
    signal.signal(signal.SIGINT, lambda *_: None)
    child = subprocess.Popen([python, *args])
    signal.signal(signal.SIGTERM, lambda signum, _: child.send_signal(signum))
    code = child.wait()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "a", encoding="ascii") as f:
        f.write(f"{child.pid} {usage.ru_maxrss}\n")
    with open(out + ".cpu", "a", encoding="ascii") as f:
        f.write(f"{child.pid} {usage.ru_utime + usage.ru_stime:.3f}\n")
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())
