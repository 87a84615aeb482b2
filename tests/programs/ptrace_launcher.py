"""A launcher that runs a program under ptrace and swallows every stop signal sent to it.

What a caller's "special launcher" or a debugger can do to a frozen tool: the guard's
SIGSTOP reaches the tracer instead of stopping the program, and the tracer lets it run on.
Usage: ``python ptrace_launcher.py PROGRAM ARGS...``; prints the program's pid, then waits.
Linux only (ctypes ptrace), for tests.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PTRACE_TRACEME = 0
PTRACE_CONT = 7
_SWALLOWED = {signal.SIGSTOP, signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU, signal.SIGTRAP}


def main(argv: list[str]) -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]
    libc.ptrace.restype = ctypes.c_long
    child = os.fork()
    if child == 0:
        libc.ptrace(PTRACE_TRACEME, 0, None, None)
        os.execv(argv[0], argv)
    print(child, flush=True)
    while True:
        try:
            _pid, status = os.waitpid(child, 0)
        except ChildProcessError:
            return 0
        if os.WIFEXITED(status) or os.WIFSIGNALED(status):
            return 0
        if os.WIFSTOPPED(status):
            sig = os.WSTOPSIG(status)
            deliver = 0 if sig in _SWALLOWED else sig
            libc.ptrace(PTRACE_CONT, child, None, ctypes.c_void_p(deliver))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
