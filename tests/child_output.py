"""A child process's output, read line by line in the background, waited on with a deadline."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import threading
import time
from typing import TextIO

from tests.helpers import interrupt, wait_for


class Lines:
    def __init__(self, stream: TextIO | None) -> None:
        assert stream is not None
        self.lines: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: TextIO) -> None:
        for line in stream:
            self.lines.append(line.rstrip("\n"))

    def wait(self, text: str, timeout: float = 30.0) -> str:
        """The first line containing ``text`` (fails after ``timeout`` s, showing them all)."""
        try:
            return wait_for(
                lambda: next((line for line in self.lines if text in line), None),
                timeout=timeout,
                message=f"a line with {text!r}",
            )
        except AssertionError as exc:
            raise AssertionError(f"{exc}; got {self.lines}") from None


class Watching:
    """``python -m guard watch`` (plain output) confined to ``folder``, its stdout and
    stderr read line by line; ``stop`` ends it with Ctrl-C (killed if it will not end)."""

    def __init__(self, folder: object, repo: object) -> None:
        """``folder``: the only place it may freeze things; ``repo``: where to run it."""
        cmd = [sys.executable, "-m", "guard", "watch", "--no-default-dirs", "--interval", "20"]
        self.proc = subprocess.Popen(
            [*cmd, "--only-under", str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=str(repo),
        )
        self.out, self.err = Lines(self.proc.stdout), Lines(self.proc.stderr)

    def stop(self) -> int:
        if self.proc.poll() is None:
            interrupt(self.proc)
            try:
                return self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.wait()


def read_until(fd: int, wanted: bytes, timeout: float = 30.0) -> bytes:
    """What a terminal (the main end of a pty, ``fd``) shows, up to ``wanted``; fails at the
    deadline, or if nobody has the terminal open any more (EIO)."""
    seen = b""
    deadline = time.monotonic() + timeout
    while wanted not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"never saw {wanted!r} on the terminal; it showed {seen!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError as exc:
                raise AssertionError(f"the terminal closed; it showed {seen!r}") from exc
    return seen
