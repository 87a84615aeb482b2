"""The command-line contract: help, JSON shapes, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from guard.state import paths
from tests.conftest import REPO, Spawner, run_cli
from tests.helpers import not_on_windows, wait_for
from tests.pe_builder import write_pe

ISSUE_POSITIVE = [
    "AnyDesk.exe",
    "AnyDesk (1).exe",
    "TeamViewerQS_x64.exe",
    "rustdesk-1.3.2-x86_64.exe",
    "quickassist.exe",
    "ScreenConnect.ClientSetup.exe",
]
ISSUE_NEGATIVE = ["explorer.exe", "notepad.exe", "dwm.exe", "agent.exe", "zoom.exe"]


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["identify"],
        ["scan"],
        ["watch"],
        ["signatures"],
        ["signatures", "validate"],
        ["signatures", "info"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.returncode == 0
    assert "usage: scamguard" in result.stdout


def test_identify_issue_examples_json() -> None:
    result = run_cli("identify", "--json", *ISSUE_POSITIVE)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [d["target"] for d in data] == ISSUE_POSITIVE
    assert [d["tool"] for d in data] == [
        "anydesk",
        "anydesk",
        "teamviewer",
        "rustdesk",
        "quick-assist",
        "screenconnect",
    ]
    for d in data:
        assert set(d) == {"target", "tool", "name", "evidence"}
        assert d["name"] and d["evidence"]
        assert set(d["evidence"][0]) == {"kind", "value", "tool", "strong", "detail"}


def test_identify_negative_examples_exit_1() -> None:
    result = run_cli("identify", "--json", *ISSUE_NEGATIVE)
    assert result.returncode == 1
    assert [d["tool"] for d in json.loads(result.stdout)] == [None] * 5


def test_identify_renamed_pe_human_output(tmp_path: Path) -> None:
    exe = write_pe(
        tmp_path / "TalkTalk Support.exe",
        CompanyName="AnyDesk Software GmbH",
        ProductName="AnyDesk",
        OriginalFilename="AnyDesk.exe",
    )
    result = run_cli("identify", str(exe))
    assert result.returncode == 0
    assert result.stdout.splitlines()[0] == (f"{exe}: AnyDesk (remote desktop, high risk)")
    assert "version information says AnyDesk" in result.stdout


def test_identify_bad_input_exit_2_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "AnyDesk.exe"
    result = run_cli("identify", "AnyDesk.exe", str(missing))
    assert result.returncode == 2
    assert result.stderr == f"scamguard identify: {missing}: no such file or folder\n"
    assert result.stdout.startswith("AnyDesk.exe: AnyDesk")  # the good target still answered
    no_args = run_cli("identify")
    assert no_args.returncode == 2 and len(no_args.stderr.splitlines()) == 1


def test_identify_pid(spawn: Spawner) -> None:
    proc = spawn.start("anydesk")
    wait_for(lambda: os.readlink(f"/proc/{proc.pid}/exe").endswith("anydesk"), message="exec")
    result = run_cli("identify", "--json", "--pid", str(proc.pid), "--pid", "999999999")
    assert result.returncode == 2  # one pid does not exist
    data = json.loads(result.stdout)
    assert data[0]["tool"] == "anydesk" and data[1]["error"] == "pid 999999999: no such process"


def test_unknown_option_is_usage_error() -> None:
    result = run_cli("identify", "--frobnicate", "x")
    assert result.returncode == 2
    assert result.stderr.startswith("scamguard: unrecognized arguments: --frobnicate")
    assert len(result.stderr.splitlines()) == 1


def test_signatures_info() -> None:
    result = run_cli("signatures", "info", "--json")
    assert result.returncode == 0
    info = json.loads(result.stdout)
    assert info["tools"] >= 120 and info["version"] >= 1 and info["origin"] == "built-in"
    human = run_cli("signatures", "info")
    assert f"{info['tools']} remote-access tools, database version" in human.stdout


def test_damaged_installed_database_falls_back_to_builtin(tmp_path: Path) -> None:
    home = tmp_path / "home"
    updates = home / "state" / "updates"
    broken = updates / "v2-0123abcd" / "tools"
    broken.mkdir(parents=True)
    (broken / "x.toml").write_text("not = [valid")
    (updates / "current").write_text("v2-0123abcd\n")
    result = run_cli("signatures", "info", "--json", env={"SCAMGUARD_HOME": str(home)})
    assert result.returncode == 0
    assert json.loads(result.stdout)["origin"] == "built-in"
    # Not signed, so refused before it is even parsed (installed_check.py).
    assert "installed signature update was refused" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_rejected_signatures_option_exits_3(tmp_path: Path) -> None:
    result = run_cli("identify", "--signatures", str(tmp_path), "AnyDesk.exe")
    assert result.returncode == 3
    assert result.stderr.startswith("scamguard identify: signature database rejected:")


def test_python_dash_m_and_console_script_agree() -> None:
    script = Path(sys.executable).parent / "scamguard"
    if not script.exists():
        pytest.skip("console script not installed in this interpreter's environment")
    a = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    b = run_cli("--version")
    assert a.stdout == b.stdout and a.stdout.startswith("scamguard ")


def _start_guard(
    args: list[str], env: dict[str, str], module: str = "guard"
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@not_on_windows("a Windows session always has a desktop: the bare command opens the tray")
def test_no_command_without_display_runs_headless_guard(tmp_path: Path, spawn: Spawner) -> None:
    # The bare command takes no options; in a test home SCAMGUARD_ONLY_UNDER confines it to
    # the programs this test starts (unconfined, it froze any AnyDesk on the machine,
    # including the Windows lane's when both suites ran at once).
    gone = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    env = {k: v for k, v in os.environ.items() if k not in gone}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / ".config"), TMPDIR=str(tmp_path))
    env[paths.ENV_ONLY_UNDER] = str(spawn.root)
    guard = _start_guard([], env, module="ui")  # the `scamguard` command
    try:
        first = guard.stderr.readline()
        assert first == (
            "scamguard: no display found; running the headless guard "
            "(see: scamguard watch --help)\n"
        )
        assert "on detection: freeze" in guard.stderr.readline()
        proc = spawn.start("anydesk")
        detected, frozen = guard.stdout.readline(), guard.stdout.readline()
        assert "AnyDesk was started" in detected and f"pid {proc.pid}" in detected
        assert "AnyDesk is frozen" in frozen
    finally:
        guard.send_signal(signal.SIGINT)
        code = guard.wait(timeout=10)
    assert code in (0, 130)


def test_watch_rejects_silly_interval() -> None:
    result = run_cli("watch", "--interval", "0")
    assert result.returncode == 2
    assert "between 10 and 2000 ms" in result.stderr
