"""The service's word to systemd (guard/platform/sd_notify.py), heard on a real datagram
socket as systemd would hear it: by path and abstract name; silent without systemd."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from guard.platform import sd_notify

pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX") or sys.platform == "win32",
                                reason="systemd's notify socket is a Unix socket")  # fmt: skip


@pytest.fixture
def listener(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    path = str(tmp_path / "notify")
    sock.bind(path)
    sock.settimeout(5)
    yield sock, path
    sock.close()


def test_each_message_is_one_datagram_on_the_named_socket(listener) -> None:
    sock, path = listener
    assert sd_notify.notify(sd_notify.READY, {"NOTIFY_SOCKET": path})
    assert sd_notify.notify(sd_notify.WATCHDOG, {"NOTIFY_SOCKET": path})
    assert sock.recv(256) == b"READY=1"
    assert sock.recv(256) == b"WATCHDOG=1"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="abstract sockets: Linux")
def test_an_abstract_socket_name_is_understood() -> None:
    name = f"scamguard-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        sock.settimeout(5)
        assert sd_notify.notify(sd_notify.STOPPING, {"NOTIFY_SOCKET": "@" + name})
        assert sock.recv(256) == b"STOPPING=1"


@pytest.mark.parametrize("value", ["", "relative/path", "vsock:2:1234"])
def test_without_a_usable_socket_nothing_is_sent_and_nothing_fails(value: str) -> None:
    assert sd_notify.notify(sd_notify.READY, {"NOTIFY_SOCKET": value}) is False
    assert sd_notify.notify(sd_notify.READY, {}) is False


def test_a_socket_that_went_away_is_reported_not_raised(tmp_path: Path) -> None:
    assert sd_notify.notify(sd_notify.READY, {"NOTIFY_SOCKET": str(tmp_path / "gone")}) is False


def test_the_watchdog_is_on_only_when_systemd_asks_it_of_this_process() -> None:
    mine = str(os.getpid())
    assert sd_notify.watchdog_enabled({"WATCHDOG_USEC": "10000000", "WATCHDOG_PID": mine})
    assert sd_notify.watchdog_enabled({"WATCHDOG_USEC": "10000000"})
    assert not sd_notify.watchdog_enabled({"WATCHDOG_USEC": "10000000", "WATCHDOG_PID": "1"})
    assert not sd_notify.watchdog_enabled({"WATCHDOG_USEC": "soon"})
    assert not sd_notify.watchdog_enabled({})
