"""Shared fixtures: the shipped database, identifiers, real child processes, the CLI."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex
from guard.providers.active import load_active_profiles
from guard.providers.model import ProfileSet
from guard.sigdb.loader import load_database
from guard.sigdb.model import SignatureSet
from guard.state import paths
from tests.helpers import ON_WINDOWS
from tests.tray_rig import start_tray  # noqa: F401 - a fixture: the tray as tests start it

REPO = Path(__file__).resolve().parent.parent


WINDOWS_LANE_LIST = REPO / "tests" / "wine-lane" / "not-on-windows.txt"


def _windows_lane_list() -> list[tuple[str, str, str]]:
    """(node id prefix, ``skip`` or ``todo``, reason) from tests/wine-lane/not-on-windows.txt:
    ``skip`` cannot run in the lane (Windows lacks it, or Wine 8.0 cannot do it); ``todo`` has
    not been made to run there yet."""
    entries = []
    for line in WINDOWS_LANE_LIST.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        node, kind, reason = (part.strip() for part in line.split("|", 2))
        if kind not in ("skip", "todo"):
            raise ValueError(f"{WINDOWS_LANE_LIST.name}: {kind!r} is neither skip nor todo")
        entries.append((node, kind, reason))
    return entries


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In the Windows lane, mark each listed test: skipped with its reason, or (``todo``) an
    expected failure that is not run, so the lane's output counts what is left to port."""
    if not ON_WINDOWS:
        return
    entries = _windows_lane_list()
    for item in items:
        for node, kind, reason in entries:
            if item.nodeid == node or item.nodeid.startswith((node + "[", node + "::")):
                if kind == "skip":
                    marker = pytest.mark.skip(reason=f"not in the Windows lane: {reason}")
                else:
                    marker = pytest.mark.xfail(reason=f"not ported yet: {reason}", run=False)
                item.add_marker(marker)
                break


def pytest_configure(config: pytest.Config) -> None:
    """``make test-future``: refuse to run "a year ahead" on a clock that did not move."""
    days = os.environ.get("SCAMGUARD_TEST_TRAVEL_DAYS")
    if not days:
        return
    import time

    from time_machine import escape_hatch

    moved = escape_hatch.is_travelling()
    if not moved or time.time() - escape_hatch.time.time() < float(days) * 86400 - 3600:
        raise pytest.UsageError(
            "SCAMGUARD_TEST_TRAVEL_DAYS is set but the clock did not move: put tests/travel "
            "first on PYTHONPATH (make test-future does)"
        )


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test ever reads or writes a real ScamGuard profile, nor starts out following a
    service's updates because an earlier test's tray did."""
    monkeypatch.setenv(paths.ENV_HOME, str(tmp_path_factory.mktemp("scamguard-home")))
    paths.follow_service_updates(False)


@pytest.fixture(scope="module")
def profiles() -> ProfileSet:
    """The shipped provider profiles, all of which must load."""
    loaded, problems = load_active_profiles()
    assert problems == []
    return loaded


@pytest.fixture(scope="session")
def shipped() -> SignatureSet:
    return load_database(paths.builtin_signatures_dir())


@pytest.fixture(scope="session")
def shipped_index(shipped: SignatureSet) -> SignatureIndex:
    return SignatureIndex(shipped)


@pytest.fixture(scope="session")
def identifier(shipped_index: SignatureIndex) -> Identifier:
    return Identifier(shipped_index, os_name="linux", env={}, home="/nonexistent-home")


# The program a test starts under a tool's name: /bin/sleep, or on Windows the Wine lane's
# sleep.exe (tests/wine-lane/stubs/sleep.c), which takes the same "SECONDS" argument.
TOOL_PROGRAM = os.environ.get("SCAMGUARD_TEST_TOOL_EXE") or ("" if ON_WINDOWS else "/bin/sleep")


class Spawner:
    """Starts real processes under a tool's name (a copy of /bin/sleep, or of the Wine lane's
    sleep.exe on Windows, named ``NAME.exe`` there) and always reaps them."""

    def __init__(self, root: Path):
        self.root = root
        self.children: list[subprocess.Popen[bytes]] = []

    def binary(self, name: str) -> Path:
        if ON_WINDOWS and not name.lower().endswith(".exe"):
            name += ".exe"
        path = self.root / name
        if not path.exists():
            if not TOOL_PROGRAM:
                pytest.skip("no stand-in tool program (SCAMGUARD_TEST_TOOL_EXE) on Windows")
            shutil.copy(TOOL_PROGRAM, path)
        return path

    def start(self, name: str, seconds: float = 30) -> subprocess.Popen[bytes]:
        # Its streams are not the test run's: under Wine the lane reads the run's output
        # through a pipe, and a tool left frozen would hold that pipe open for ever.
        quiet = subprocess.DEVNULL
        proc = subprocess.Popen(
            [str(self.binary(name)), str(seconds)], stdin=quiet, stdout=quiet, stderr=quiet
        )
        self.children.append(proc)
        return proc

    def start_shell(self, name: str, script: str) -> subprocess.Popen[bytes]:
        """A copy of /bin/sh under a tool's name running ``script``: a tool with children.
        (Kept in a sub-folder, so the same tool name can also be a copy of sleep.)"""
        if ON_WINDOWS:
            pytest.skip("a tool with children is a copy of /bin/sh running a script: POSIX only")
        path = self.root / "sh" / name
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            shutil.copy("/bin/sh", path)
        proc = subprocess.Popen([str(path), "-c", script])
        self.children.append(proc)
        return proc

    def start_via_shell(
        self, name: str, delay: float = 0.05, seconds: float = 30
    ) -> subprocess.Popen[bytes]:
        """Fork-then-exec: the pid first runs as ``sh`` and becomes ``name`` after ``delay``."""
        if ON_WINDOWS:
            pytest.skip("fork-then-exec (one pid, two programs) does not exist on Windows")
        binary = self.binary(name)
        proc = subprocess.Popen(["sh", "-c", f"sleep {delay}; exec '{binary}' {seconds}"])
        self.children.append(proc)
        return proc

    def cleanup(self) -> None:
        """Kill every process started here and everything they started (frozen or not)."""
        for proc in self.children:
            family = []
            with contextlib.suppress(psutil.Error):
                parent = psutil.Process(proc.pid)
                family = [*parent.children(recursive=True), parent]
            for member in family:
                with contextlib.suppress(psutil.Error):
                    member.resume()
                    member.kill()
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    if not ON_WINDOWS:
                        os.kill(proc.pid, signal.SIGCONT)
                    proc.kill()
            proc.wait(timeout=5)


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Spawner]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    spawner = Spawner(bin_dir)
    yield spawner
    spawner.cleanup()


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    """A temp Downloads folder: the only kind of folder a test's guard watches."""
    folder = tmp_path / "Downloads"
    folder.mkdir()
    return folder


def run_cli(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m guard ARGS`` as a real subprocess and capture its output.

    In a session of its own, without a controlling terminal: as a script runs it, whether
    or not pytest was started from a terminal (``allow`` and ``trust add`` pause at one)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "guard", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or REPO,
        timeout=timeout,
        check=False,
        preexec_fn=preexec_fn,
        start_new_session=True,
    )
