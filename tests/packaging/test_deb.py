"""The .deb, for real: built from the two one-folder builds, installed with dpkg as root, run
from where it was installed (not the source tree, not the venv), and removed cleanly.

Needs ``make package`` first (``make test-packaging`` does it) and root. Everything the
installed program is asked to do runs in the test's own ScamGuard home, with its guard
confined to the test's folder, except the purge check, which is about the real machine-wide
folder the package owns, and the system service, which the package starts for real: it is
confined (``--only-under``, through ``/etc/default/scamguard``) to a folder of this test's,
so it never touches anyone else's programs.

This machine and CI have no systemd as PID 1, so the package enables the units (links) and
starts the service with start-stop-daemon; with systemd the same scripts use
deb-systemd-helper and deb-systemd-invoke.
"""

from __future__ import annotations

import configparser
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from guard import __version__
from guard.platform import fanotify
from guard.state import paths
from tests.conftest import REPO, run_cli
from tests.helpers import wait_for
from tests.packaging.conftest import require

PAYLOAD = REPO / "dist" / "scamguard"
PROGRAM = Path("/usr/bin/scamguard")
INSTALLED = Path("/opt/scamguard")
AUTOSTART = Path("/etc/xdg/autostart/scamguard.desktop")
UNIT = Path("/usr/lib/systemd/user/scamguard.service")
MACHINE = Path("/etc/xdg/ScamGuard")  # platformdirs' site_config_dir on Linux
SERVICE_PROGRAM = INSTALLED / "service" / "scamguard-service"
SYSTEM_UNITS = Path("/usr/lib/systemd/system")
SYSTEM_UNIT = SYSTEM_UNITS / "scamguard.service"
CHECK_UNIT = SYSTEM_UNITS / "scamguard-check.service"
CHECK_TIMER = SYSTEM_UNITS / "scamguard-check.timer"
ENABLED = {
    "scamguard.service": Path("/etc/systemd/system/multi-user.target.wants/scamguard.service"),
    "scamguard-check.timer": Path("/etc/systemd/system/timers.target.wants/scamguard-check.timer"),
}
SOCKET = Path("/run/scamguard/service.sock")
STATE = Path("/var/lib/scamguard")
SERVICE_JOURNAL = STATE / "journal.db"
DEFAULTS = Path("/etc/default/scamguard")


def _sh(*argv: str, **kwargs) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(
        argv, capture_output=True, text=True, env=env, timeout=600, check=False, **kwargs
    )


def _installed() -> bool:
    result = _sh("dpkg-query", "-W", "-f=${Status}", "scamguard")
    return result.returncode == 0 and "installed" in result.stdout.split()


def _depends(deb: Path) -> list[list[str]]:
    """Each dependency as its alternatives' package names (``a | b`` -> ``[a, b]``)."""
    line = _sh("dpkg-deb", "--field", str(deb), "Depends").stdout
    return [[alt.split()[0] for alt in part.split("|")] for part in line.split(",") if part.strip()]


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require(shutil.which("dpkg-deb"), "dpkg-deb is not installed (a Debian system is needed)")
    require((PAYLOAD / "scamguard").is_file(), f"no one-folder build in {PAYLOAD}: make package")
    out = tmp_path_factory.mktemp("deb")
    result = subprocess.run(
        [sys.executable, str(REPO / "packaging/linux/build_deb.py"), "--payload", str(PAYLOAD),
         "--out", str(out), "--compression", "none"],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip())


@pytest.fixture(scope="module")
def service_tools() -> Iterator[Path]:
    """A folder every account can run programs from; the installed service acts only on
    programs under it (``/etc/default/scamguard``, written before the package starts it)."""
    require(os.geteuid() == 0, "installing a .deb needs root")
    require(not DEFAULTS.exists(), f"{DEFAULTS} exists on this machine: not overwriting it")
    folder = Path(tempfile.mkdtemp(prefix="scamguard-deb-tools-", dir="/tmp"))
    folder.chmod(0o755)
    DEFAULTS.write_text(
        f'SCAMGUARD_SERVICE_ARGS="--only-under {folder} --no-default-dirs"\n', encoding="utf-8"
    )
    try:
        yield folder
    finally:
        DEFAULTS.unlink(missing_ok=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def installed(deb: Path, service_tools: Path) -> Iterator[Path]:
    """The package installed with dpkg -i (its dependencies from apt first), removed after."""
    require(os.geteuid() == 0, "installing a .deb needs root")
    require(not _installed(), "a scamguard package is already installed on this machine")
    missing = [
        group[0]  # the first alternative is Debian 12's name
        for group in _depends(deb)
        if all(_sh("dpkg-query", "-W", "-f=${Status}", p).stdout.split()[-1:] != ["installed"]
               for p in group)
    ]  # fmt: skip
    if missing:
        _sh("apt-get", "update", "-qq")
        got = _sh("apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing)
        assert got.returncode == 0, got.stderr
    result = _sh("dpkg", "-i", str(deb))
    assert result.returncode == 0, result.stderr
    _allow_test_homes()
    try:
        yield deb
    finally:
        if _installed():
            _sh("dpkg", "--purge", "scamguard")


def _allow_test_homes() -> None:
    """An installed build ignores SCAMGUARD_HOME unless the machine config (root's own)
    allows it: what this test is, as root, and what a caller could never arrange."""
    MACHINE.mkdir(parents=True, exist_ok=True)
    (MACHINE / "config.json").write_text(json.dumps({"allow_test_home": True}))
    os.chmod(MACHINE / "config.json", 0o644)


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed command, from a folder with no source tree, with no venv on PATH."""
    clean = {
        "PATH": "/usr/bin:/bin",
        "HOME": os.environ["SCAMGUARD_HOME"],
        "LANG": "C.UTF-8",
        "SCAMGUARD_HOME": os.environ["SCAMGUARD_HOME"],
        **env,
    }
    return subprocess.run(
        [str(PROGRAM), *args], capture_output=True, text=True, env=clean, cwd="/",
        timeout=120, check=False,
    )  # fmt: skip


def test_the_package_lays_out_the_program_and_its_login_entries(installed):
    assert PROGRAM.is_symlink() and PROGRAM.resolve() == INSTALLED / "scamguard"
    assert (INSTALLED / "scamguard-tray").is_file()
    assert (INSTALLED / "_internal" / "signatures" / "tools").is_dir()
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(AUTOSTART)
    assert entry["Desktop Entry"]["Exec"] == "/usr/bin/scamguard keep-running"
    assert entry["Desktop Entry"]["X-GNOME-HiddenUnderSystemd"] == "true"
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.read(UNIT)
    assert unit["Service"]["Restart"] == "always"
    assert unit["Service"]["RestartPreventExitStatus"] == "0"
    wants = UNIT.parent / "graphical-session.target.wants" / "scamguard.service"
    assert wants.resolve() == UNIT
    assert Path("/usr/share/applications/scamguard.desktop").is_file()


def _unit(path: Path) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str  # type: ignore[assignment,method-assign] - keys are case-sensitive
    unit.read(path)
    return unit


def test_the_package_installs_the_system_service_and_its_check_timer(installed):
    assert os.access(SERVICE_PROGRAM, os.X_OK)
    assert not list((INSTALLED / "service").rglob("*Qt*"))  # the service has no Qt at all
    unit = _unit(SYSTEM_UNIT)
    service = unit["Service"]
    assert service["ExecStart"].split()[:3] == [str(SERVICE_PROGRAM), "service", "run"]
    assert service["Restart"] == "always"
    assert "User" not in service  # root: it must freeze every account's programs
    assert service["RuntimeDirectory"] == "scamguard" and service["StateDirectory"] == "scamguard"
    assert unit["Install"]["WantedBy"] == "multi-user.target"
    text = SYSTEM_UNIT.read_text()
    granted = set()
    for line in text.splitlines():
        if line.startswith("CapabilityBoundingSet="):
            granted |= set(line.split("=", 1)[1].split())
    needed = {"CAP_KILL", "CAP_SYS_PTRACE", "CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_SYS_NICE"}
    assert needed <= granted
    assert "\nRestrictRealtime=" not in text  # the exec gate's thread runs real-time
    # systemd hears it is ready, and kills and restarts it when it is held still.
    assert service["Type"] == "notify" and service["NotifyAccess"] == "main"
    assert service["WatchdogSec"] == "10" and service["WatchdogSignal"] == "SIGKILL"
    # Nothing that gives the service its own mounts (fanotify marks) or hides homes and /tmp.
    for option in ("ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateDevices", "ProtectProc"):
        assert f"\n{option}=" not in text, option
    check = _unit(CHECK_UNIT)["Service"]
    assert check["ExecStart"] == f"{SERVICE_PROGRAM} service check"
    assert check["Type"] == "oneshot"
    timer = _unit(CHECK_TIMER)
    assert timer["Timer"]["OnUnitActiveSec"] == "1min"
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_the_service_and_its_check_timer_are_enabled(installed):
    for name, link in ENABLED.items():
        assert link.is_symlink() and link.resolve() == (SYSTEM_UNITS / name).resolve(), name
    if shutil.which("systemctl"):
        states = _sh("systemctl", "is-enabled", *ENABLED).stdout.split()
        assert states == ["enabled", "enabled"]


def _service_processes() -> list[psutil.Process]:
    """The installed service's live processes (a zombie has ended: here PID 1 may not reap
    the daemon start-stop-daemon detached)."""
    found = []
    for proc in psutil.process_iter(["exe", "status"]):
        if proc.info["exe"] == str(SERVICE_PROGRAM) and proc.info["status"] != psutil.STATUS_ZOMBIE:
            found.append(proc)
    return found


def _listening(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        try:
            client.connect(str(path))
        except OSError:
            return False
    return True


def require_service_command() -> None:
    """The service itself (``scamguard-service service run``) is the lead's part of issue
    15; until a build has it, the checks of a running service cannot run."""
    probe = subprocess.run(
        [str(SERVICE_PROGRAM), "service", "--help"], capture_output=True, text=True,
        timeout=60, check=False, cwd="/",
    )  # fmt: skip
    require(probe.returncode == 0, "this build has no 'scamguard service' command yet")


def test_the_service_runs_as_root_and_listens(installed):
    require_service_command()
    wait_for(lambda: len(_service_processes()) == 1, timeout=60, message="the service to run")
    (service,) = _service_processes()
    assert service.uids().real == 0
    assert service.cmdline()[1:3] == ["service", "run"]
    wait_for(lambda: _listening(SOCKET), timeout=60, message=f"the service to listen on {SOCKET}")


def test_the_service_stops_a_tool_another_account_starts(installed, service_tools):
    """A person's (non-root) AnyDesk, stopped by the root service: refused before it runs
    (the exec gate, on by default), or frozen where the kernel has no fanotify. Either is
    what the person's own tray could never do to a tool running as someone else."""
    require_service_command()
    wait_for(lambda: _listening(SOCKET), timeout=60, message="the service to listen")
    user = f"sgtest{os.getpid() % 100000}"
    made = _sh("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", user)
    assert made.returncode == 0, made.stderr
    tool = service_tools / "anydesk"
    shutil.copy("/bin/sleep", tool)
    tool.chmod(0o755)
    proc = None
    try:
        if fanotify.unavailable_reason() is None:
            with pytest.raises(PermissionError):
                subprocess.Popen([str(tool), "120"], user=user, group=user, extra_groups=[],
                                 cwd="/")  # fmt: skip
            wait_for(lambda: _journal_has("denied", path=SERVICE_JOURNAL), timeout=30,
                     message="the refusal in the service's journal")  # fmt: skip
            return
        proc = subprocess.Popen([str(tool), "120"], user=user, group=user, extra_groups=[],
                                cwd="/")  # fmt: skip
        assert psutil.Process(proc.pid).username() == user
        wait_for(
            lambda: psutil.Process(proc.pid).status() == psutil.STATUS_STOPPED,
            timeout=30,
            message="the service to freeze another account's anydesk",
        )
    finally:
        if proc is not None:
            proc.kill()
            proc.wait(timeout=30)
        _sh("userdel", user)


def test_the_installed_program_runs_without_the_source_tree(installed, tmp_path):
    version = _run("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"scamguard {__version__}"
    found = _run("identify", "AnyDesk (1).exe", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)[0]["tool"] == "anydesk"
    picture = tmp_path / "warning.png"
    shown = _run("preview-warning", "--tool", "anydesk", "--provider", "talktalk",
                 "--out", str(picture), QT_QPA_PLATFORM="offscreen")  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    header = picture.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(header[16:20], "big") >= 1024  # the real window, full width


def _journal_has(kind: str, path: Path | None = None) -> bool:
    """Whether the journal (the test home's, or ``path``) has an event of ``kind``."""
    journal = path or paths.state_dir() / "journal.db"
    if not journal.exists():
        return False
    try:
        with sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=0.2) as conn:
            return (
                conn.execute("SELECT 1 FROM events WHERE kind = ?", (kind,)).fetchone() is not None
            )
    except sqlite3.Error:
        return False


def test_an_installed_build_ignores_a_test_home_unless_an_administrator_allowed_it(installed):
    (MACHINE / "config.json").unlink()
    try:
        probe = _run("provider", "install", "--feed", "https://isp.example/feed")
        # Without the allowance the variable is ignored: the real (root's) folder is used.
        assert probe.returncode == 0, probe.stderr
        assert json.loads((MACHINE / "config.json").read_text())["update_feed"] == (
            "https://isp.example/feed"
        )
        assert not (paths._home() / "machine").exists()
    finally:
        _allow_test_homes()


def test_the_installed_tray_protects_and_comes_back_when_killed(installed, spawn, tmp_path):
    """``scamguard keep-running`` (the login entry) from the package: protected, freezes a
    tool, restarted after SIGKILL, not stopped by SIGTERM while the session's display is
    there, and stopped by it once the display has gone (logout)."""
    number = 90000 + os.getpid() % 9000
    x_socket = Path(f"/tmp/.X11-unix/X{number}")  # what keep-running looks for; Qt is offscreen
    x_socket.parent.mkdir(exist_ok=True)
    x_socket.touch()
    log = tmp_path / "keep-running.log"
    with open(log, "w") as err:
        supervisor = subprocess.Popen(
            [str(PROGRAM), "keep-running"],
            env={"PATH": "/usr/bin:/bin", "HOME": os.environ["SCAMGUARD_HOME"], "LANG": "C.UTF-8",
                 "SCAMGUARD_HOME": os.environ["SCAMGUARD_HOME"], "QT_QPA_PLATFORM": "offscreen",
                 "DISPLAY": f":{number}", "SCAMGUARD_ONLY_UNDER": str(spawn.root)},
            cwd="/", stderr=err,
        )  # fmt: skip
    try:
        wait_for(lambda: _journal_has("started"), timeout=60, message="the tray to protect")
        tool = spawn.start("anydesk")
        wait_for(
            lambda: psutil.Process(tool.pid).status() == psutil.STATUS_STOPPED,
            timeout=20,
            message="the installed tray to freeze anydesk",
        )
        trays = psutil.Process(supervisor.pid).children()
        assert len(trays) == 1
        trays[0].kill()
        wait_for(
            lambda: (
                [p.pid for p in psutil.Process(supervisor.pid).children()]
                not in ([], [trays[0].pid])
            ),
            timeout=30,
            message="the tray to be started again",
        )
        wait_for(lambda: _journal_has("error"), timeout=30, message="the restart journalled")
        supervisor.send_signal(signal.SIGTERM)  # a caller's `pkill scamguard`
        wait_for(lambda: "keeps running" in log.read_text(), timeout=30, message="SIGTERM refused")
        assert supervisor.poll() is None
        x_socket.unlink()  # logout: the display goes
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=30) == 0
    finally:
        x_socket.unlink(missing_ok=True)
        if supervisor.poll() is None:
            for child in psutil.Process(supervisor.pid).children(recursive=True):
                child.kill()
            supervisor.kill()
            supervisor.wait()


def test_the_installed_program_installs_only_a_signed_profile(installed, tmp_path):
    keys_dir = tmp_path / "keys"
    assert (
        run_cli("keys", "generate", "--name", "isp-profile", "--out", str(keys_dir)).returncode == 0
    )
    trusted = tmp_path / "trusted" / "profile"
    trusted.mkdir(parents=True)
    shutil.copy(keys_dir / "isp-profile.pub", trusted)
    machine = paths._home() / "machine"
    machine.mkdir(parents=True)
    (machine / "config.json").write_text(json.dumps({"trusted_keys": str(trusted.parent)}))
    signed = tmp_path / "talktalk.scamguard-profile"
    profile, key = REPO / "signatures/providers/talktalk.toml", keys_dir / "isp-profile.key"
    made = run_cli(
        "provider", "sign", str(profile), "--profile-key", str(key), "--out", str(signed)
    )
    assert made.returncode == 0, made.stderr

    forged = tmp_path / "forged.scamguard-profile"
    forged.write_text(signed.read_text().replace("0345 172 0088", "0345 172 0089"))
    refused = _run("provider", "install", str(forged))
    assert refused.returncode == 3 and "changed after it was signed" in refused.stderr
    assert json.loads(_run("provider", "show", "--json").stdout)["generic"] is True

    done = _run("provider", "install", str(signed), "--feed", "https://updates.isp.example/sg")
    assert done.returncode == 0, done.stderr
    assert json.loads(_run("provider", "show", "--json").stdout)["id"] == "talktalk"
    assert _run("provider", "set", "bt").returncode == 2


def test_remove_leaves_nothing_and_purge_removes_the_machine_settings(installed):
    """Last in this file: it removes the package the others use."""
    result = _sh("dpkg", "--remove", "scamguard")
    assert result.returncode == 0, result.stderr
    assert _service_processes() == []  # stopped before its files went
    for path in (
        PROGRAM,
        INSTALLED,
        AUTOSTART,
        UNIT,
        UNIT.parent / "graphical-session.target.wants/scamguard.service",
        SYSTEM_UNIT,
        CHECK_UNIT,
        CHECK_TIMER,
        *ENABLED.values(),
        SOCKET.parent,
        Path("/run/scamguard-service.pid"),
    ):
        assert not os.path.lexists(path), path
    assert _sh("dpkg", "-i", str(installed)).returncode == 0
    assert all(link.is_symlink() for link in ENABLED.values())  # enabled again
    env = {k: v for k, v in os.environ.items() if k != "SCAMGUARD_HOME"}  # the real folder
    result = subprocess.run(
        [str(PROGRAM), "provider", "install", "--feed", "https://updates.isp.example/sg"],
        capture_output=True, text=True, env=env, cwd="/", timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (MACHINE / "config.json").is_file()
    assert oct((MACHINE / "config.json").stat().st_mode & 0o777) == "0o644"
    STATE.mkdir(exist_ok=True)  # the service's state, as a running service leaves it
    (STATE / "journal.db").write_bytes(b"")
    assert _sh("dpkg", "--purge", "scamguard").returncode == 0
    assert not MACHINE.exists()
    assert not STATE.exists()
    assert not os.path.lexists(PROGRAM)
    assert _service_processes() == []
    assert not [p for p in ENABLED.values() if os.path.lexists(p)]
    assert not Path("/var/log/scamguard-service.log").exists()
