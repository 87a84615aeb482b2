"""Starts a program in its own process group inside this session, ignoring SIGHUP, prints its
pid, then waits to be killed. When this parent dies, the program's group is orphaned, and if
the program is stopped the kernel sends the group SIGHUP and SIGCONT: a frozen tool wakes up
without anyone typing ``kill -CONT``. Run with ``start_new_session=True``. For tests."""

from __future__ import annotations

import signal
import subprocess
import sys


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # ignored dispositions survive exec
    child = subprocess.Popen(argv, process_group=0)
    print(child.pid, flush=True)
    child.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
