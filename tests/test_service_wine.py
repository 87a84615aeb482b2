"""The guard service on Windows for real (the Wine lane, ``make test-windows``): a real
``scamguard service run`` in a test home listens on its named pipe, other Windows processes
connect to it through the real pipe calls (``guard/platform/_winapi.py``), a stand-in
``AnyDesk.exe`` is frozen, a client running with a limited (not elevated) token is refused
what only an administrator may do, and an administrator's ``stop`` ends the service cleanly.

On Linux these are skipped: tests/test_service_windows.py checks the same decisions through a
fake of the Windows calls.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from guard.service import pipe
from guard.service.client import ServiceClient, ServiceUnavailable
from guard.service.health import read as read_health
from guard.service.protocol import MAX_REPLY
from guard.service.transport import ChannelClosed
from guard.state import paths
from tests.conftest import REPO, Spawner, run_cli
from tests.guard_rig import status
from tests.helpers import ON_WINDOWS, wait_for
from tests.test_watch_cli import WatchProcess

pytestmark = pytest.mark.skipif(
    not ON_WINDOWS, reason="a real named pipe between Windows processes: the Wine lane"
)


class ServiceProcess(WatchProcess):
    """``python -m guard service run --json`` confined to the test's folders (run as the
    person in a test home, as the tests run the Linux service), its events parsed."""

    COMMAND = ("service", "run", "--json", "--no-default-dirs")


@pytest.fixture
def service(spawn: Spawner, downloads: Path) -> Any:
    running = ServiceProcess("--only-under", str(spawn.root), "--dirs", str(downloads))
    try:
        running.wait_event("started", timeout=40)
        # Started means listening: the pipe is made before the guard starts.
        yield running
    finally:
        running.stop()


def connect() -> ServiceClient:
    return wait_for(_try_connect, timeout=20, message="the service's pipe to answer")


def _try_connect() -> Any:
    try:
        return ServiceClient.connect(timeout=2.0)
    except ServiceUnavailable:
        return None


def test_the_service_answers_on_its_pipe_and_freezes_a_tool(
    service: ServiceProcess, spawn: Spawner
) -> None:
    # Another process (the command line) asks it through the pipe.
    answer = run_cli("service", "status", "--json")
    assert answer.returncode == 0, answer.stderr
    said = json.loads(answer.stdout)
    assert said["running"] is True and said["tools"] > 0

    tool = spawn.start("AnyDesk")
    frozen = service.wait_event("frozen", pid=tool.pid, timeout=20)
    assert status(tool.pid) == "stopped"

    client = connect()
    try:
        assert client.welcome["type"] == "welcome"
        assert "\\" in client.welcome["user"], "the person as DOMAIN\\user, from the token"
        reply = client.request("status")
        assert reply["ok"] and [i["id"] for i in reply["incidents"]] == [frozen["incident"]]
    finally:
        client.close()
    # A frame over the service's limit is refused before it is read, and the connection
    # dropped; the service goes on.
    channel = pipe.connect_pipe(
        paths.service_endpoint(), timeout=5, send_limit=10**6, receive_limit=MAX_REPLY
    )
    try:
        channel.send({"type": "trust", "tool": "x" * 20_000, "action": "add"})
        refusal = channel.receive()
        assert refusal["ok"] is False and "refused" in refusal["message"]
        with pytest.raises(ChannelClosed):
            channel.receive()
    finally:
        channel.close()
    assert run_cli("service", "status", "--json").returncode == 0


def test_an_administrators_stop_ends_the_service_cleanly(
    service: ServiceProcess, tmp_path: Path
) -> None:
    client = connect()
    try:
        if not client.welcome.get("admin"):
            pytest.skip("this Wine prefix does not run the test elevated")
        assert client.request("stop", reason="the lane test")["ok"]
    finally:
        client.close()
    assert service.proc.wait(timeout=30) == 0
    paths.use_service_layout()
    try:
        record = read_health(paths.state_dir())
    finally:
        paths._SERVICE_LAYOUT.clear()
    assert record is not None and record.state == "stopped"
    assert "the lane test" in record.reason


LIMITED_CLIENT = """
import json, sys
from guard.platform import _winapi
from guard.service.client import ServiceClient
client = ServiceClient.connect(timeout=10)
answer = client.request("trust", tool="anydesk", action="add", note="the caller said so")
status = client.request("status")
client.close()
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({"welcome": client.welcome, "trust": answer, "status": status,
               "elevated": _winapi.own_token().elevated}, out)
"""


def test_a_client_without_an_elevated_token_cannot_add_trust(
    service: ServiceProcess, tmp_path: Path
) -> None:
    """What a caller would dictate ("type this"), run by the person: refused by the service,
    because the person's token is not elevated, whatever the client claims."""
    connect().close()
    script = tmp_path / "limited_client.py"
    script.write_text(LIMITED_CLIENT, encoding="utf-8")
    out = tmp_path / "limited.json"
    code = run_limited([sys.executable, str(script), str(out)])
    assert code == 0 and out.exists()
    said = json.loads(out.read_text(encoding="utf-8"))
    assert said["elevated"] is False
    assert said["welcome"]["admin"] is False
    assert said["trust"]["ok"] is False and "only an administrator" in said["trust"]["message"]
    assert said["status"]["ok"] is True, "the refusal did not end the connection"
    refused = service.wait_event("refused", timeout=20)
    assert "trust" in refused["message"]
    settings = paths.machine_dir() / paths.SETTINGS_FILE
    assert "anydesk" not in (settings.read_text() if settings.exists() else "")


def run_limited(argv: list[str], timeout: float = 60.0) -> int:
    """Run ``argv`` with this process's limited token (its linked token, what a person who is
    an administrator has before UAC elevates), as Explorer starts programs. Test-only: the
    product never starts processes this way, so it lives here, not in ``_winapi``."""
    import ctypes
    import os
    from ctypes import wintypes

    from guard.platform import _winapi

    adv, k = _winapi._advapi32(), _winapi._kernel32()
    process = k.OpenProcess(_winapi.PROCESS_QUERY_LIMITED_INFORMATION, False, os.getpid())
    token = wintypes.HANDLE()
    assert adv.OpenProcessToken(process, _winapi.TOKEN_QUERY, ctypes.byref(token))
    token_linked_token = 19
    linked = _winapi._token_information(token.value or 0, token_linked_token)
    limited = ctypes.c_void_p.from_buffer(linked).value

    class StartupInfo(ctypes.Structure):
        _fields_ = [
            ("cb", wintypes.DWORD), ("lpReserved", ctypes.c_void_p),
            ("lpDesktop", ctypes.c_void_p), ("lpTitle", ctypes.c_void_p),
            *((f"dw{i}", wintypes.DWORD) for i in range(8)),
            ("wShowWindow", ctypes.c_ushort), ("cbReserved2", ctypes.c_ushort),
            ("lpReserved2", ctypes.c_void_p), ("hStdInput", wintypes.HANDLE),
            ("hStdOutput", wintypes.HANDLE), ("hStdError", wintypes.HANDLE),
        ]  # fmt: skip

    class ProcessInformation(ctypes.Structure):
        _fields_ = [
            ("hProcess", wintypes.HANDLE), ("hThread", wintypes.HANDLE),
            ("dwProcessId", wintypes.DWORD), ("dwThreadId", wintypes.DWORD),
        ]  # fmt: skip

    startup, info = StartupInfo(), ProcessInformation()
    startup.cb = ctypes.sizeof(startup)
    command = ctypes.create_unicode_buffer(subprocess.list2cmdline(argv))
    create = ctypes.WinDLL("advapi32", use_last_error=True).CreateProcessAsUserW  # type: ignore[attr-defined]
    create.argtypes = [wintypes.HANDLE, wintypes.LPCWSTR, wintypes.LPWSTR, *[ctypes.c_void_p] * 2,
                       wintypes.BOOL, wintypes.DWORD, ctypes.c_void_p, wintypes.LPCWSTR,
                       *[ctypes.c_void_p] * 2]  # fmt: skip
    started = create(limited, None, command, None, None, False, 0, None, str(REPO),
                     ctypes.byref(startup), ctypes.byref(info))  # fmt: skip
    for handle in (limited, token.value, process):
        _winapi.handle_close(int(handle or 0))
    assert started, f"CreateProcessAsUserW failed ({ctypes.get_last_error()})"  # type: ignore[attr-defined]
    try:
        k.WaitForSingleObject.argtypes = [wintypes.HANDLE, wintypes.DWORD]
        k.WaitForSingleObject(info.hProcess, int(timeout * 1000))
        code = wintypes.DWORD()
        k.GetExitCodeProcess.argtypes = [wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD)]
        k.GetExitCodeProcess(info.hProcess, ctypes.byref(code))
        return int(code.value)
    finally:
        _winapi.handle_close(int(info.hProcess or 0))
        _winapi.handle_close(int(info.hThread or 0))


def test_a_pipe_name_taken_before_the_service_starts_stops_it_with_a_reason(
    spawn: Spawner, downloads: Path
) -> None:
    """A program of the person's made the service's pipe first (squatting, to answer trays
    itself): the service refuses to become a second instance beside it, and says why."""
    from guard.platform import _winapi

    squatter = _winapi.pipe_create(
        paths.service_endpoint(), "D:(A;;GA;;;WD)", first=False, buffer_size=4096
    )
    try:
        done = run_cli(
            "service", "run", "--no-default-dirs", "--only-under", str(spawn.root),
            "--dirs", str(downloads), timeout=60,
        )  # fmt: skip
    finally:
        _winapi.handle_close(squatter)
    assert done.returncode != 0
    assert "another program already made this pipe" in done.stderr
