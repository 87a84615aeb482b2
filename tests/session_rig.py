"""Helpers for the live-session tests: a test signature database whose tools carry a
[session] table, real processes named as those tools, and the Debian programs they need.

A missing program skips a test with the reason on a developer's machine; in CI (``CI=true``,
where `make test` installs tests/debian-packages.txt as root) or with
``SCAMGUARD_REQUIRE_SESSION_RIG=1`` it fails instead, so a broken image cannot pass silently.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import psutil
import pytest

from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex
from guard.identify.process import read_process
from guard.session.model import ToolProcess
from guard.sigdb.loader import load_database
from guard.sigdb.model import SignatureSet
from tests.helpers import tool_toml, write_database


def need(program: str, package: str) -> str:
    """The path of ``program``, or skip (fail in CI) naming the Debian package to install."""
    if not sys.platform.startswith("linux"):
        pytest.skip(f"{program}: the session rig is Linux only")
    found = shutil.which(program)
    if found:
        return found
    reason = f"{program} is not installed (apt-get install {package}; make test does it as root)"
    if os.environ.get("CI") == "true" or os.environ.get("SCAMGUARD_REQUIRE_SESSION_RIG") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(condition: Callable[[], object], deadline: float, what: str) -> None:
    """Poll ``condition`` until it is true or ``deadline`` seconds pass (then fail)."""
    end = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > end:
            pytest.fail(f"not within {deadline} s: {what}")
        time.sleep(0.02)


def wait_listening(port: int, deadline: float = 10.0) -> None:
    def listening() -> bool:
        return any(
            c.status == psutil.CONN_LISTEN and c.laddr.port == port
            for c in psutil.net_connections(kind="tcp")
        )

    wait_until(listening, deadline, f"something listens on port {port}")


def database(root: Path, tables: dict[str, tuple[str, str]]) -> SignatureSet:
    """A database of tools ``{id: (linux name, extra TOML with its [session] table)}``."""
    tools = {
        tool_id: tool_toml(tool_id, tool_id.title(), f"[names]\nlinux = ['{name}']\n{extra}")
        for tool_id, (name, extra) in tables.items()
    }
    return load_database(write_database(root, tools))


class Finder:
    """The tool processes among the ones a test started (and their children), identified by
    name by the real identifier, as the engine would hand them to the monitor."""

    def __init__(self, sigset: SignatureSet, roots: Iterable[int] = ()):
        self.identifier = Identifier(
            SignatureIndex(sigset), os_name="linux", env={}, home="/nonexistent"
        )
        self.roots = list(roots)

    def __call__(self) -> list[ToolProcess]:
        found = []
        for root in self.roots:
            try:
                parent = psutil.Process(root)
                family = [parent, *parent.children(recursive=True)]
            except psutil.Error:
                continue
            for proc in family:
                info = read_process(proc)
                if info is None:
                    continue
                verdict = self.identifier.identify_process(info, inspect_file=False)
                if verdict.tool is not None:
                    try:
                        found.append(
                            ToolProcess(proc.pid, proc.create_time(), verdict.tool.id, None)
                        )
                    except psutil.Error:
                        continue
        return found


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@contextlib.contextmanager
def vnc_server(program: str, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """``program`` (Debian's x11vnc, or a copy of it) serving a fresh Xvfb screen on
    ``port``, loopback only, no password; both stopped afterwards."""
    xvfb = need("Xvfb", "xvfb")
    read_fd, write_fd = os.pipe()
    screen = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", "640x480x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,), stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write_fd)
    server = None
    try:
        with os.fdopen(read_fd) as fh:
            display = fh.readline().strip()
        assert display.isdigit(), "Xvfb did not say its display"
        server = subprocess.Popen(
            [program, "-display", f":{display}", "-rfbport", str(port), "-localhost",
             "-forever", "-shared", "-nopw", "-quiet", "-noxdamage", "-norc"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_listening(port, deadline=20)
        yield server
    finally:
        if server is not None:
            stop(server)
        stop(screen)
