"""guard.platform: the per-OS facts, asked about every OS from Linux; the Windows process
reader's fallback under Wine, with a fake psutil process and a fake Windows API; and the
choice of process event source with its fallback to polling."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest

from guard import locations, platform
from guard.platform import _windows, session
from guard.watch import proc_connector, process_source
from guard.watch.process_source import Slot, SourceUnavailable, choose
from tests.conftest import Spawner

# --- facts per OS ------------------------------------------------------------------------


def test_current_os_names_the_three_families(monkeypatch: pytest.MonkeyPatch) -> None:
    for value, expected in (("win32", "windows"), ("darwin", "macos"), ("linux", "linux")):
        monkeypatch.setattr(sys, "platform", value)
        assert platform.current_os() == expected
    monkeypatch.setattr(sys, "platform", "freebsd14")
    assert platform.current_os() == "linux"  # other Unixes are treated as Linux
    assert platform.facts("plan9").__name__ == "guard.platform._linux"


def test_machine_folder_per_os() -> None:
    assert platform.facts("linux").machine_dir("ScamGuard") == Path("/etc/xdg/ScamGuard")
    assert platform.facts("macos").machine_dir("ScamGuard") == Path(
        "/Library/Application Support/ScamGuard"
    )
    fake = SimpleNamespace(program_data=lambda: None)  # Windows could not be asked
    original = _windows._winapi
    try:
        _windows._winapi = lambda: fake  # type: ignore[assignment]
        assert _windows.machine_dir("ScamGuard") == Path(r"C:\ProgramData") / "ScamGuard"
        fake.program_data = lambda: Path("D:/Data")
        assert _windows.machine_dir("ScamGuard") == Path("D:/Data/ScamGuard")
    finally:
        _windows._winapi = original  # type: ignore[assignment]


def test_admin_hint_and_counted_suspensions_per_os() -> None:
    assert platform.facts("windows").ADMIN_HINT.startswith("run it from an administrator")
    assert platform.facts("linux").ADMIN_HINT == platform.facts("macos").ADMIN_HINT == "use sudo"
    assert platform.suspend_is_counted("windows")
    assert not platform.suspend_is_counted("linux") and not platform.suspend_is_counted("macos")


def test_system_folders_per_os() -> None:
    assert platform.in_system_folder("/usr/bin/sleep", "linux")
    assert platform.in_system_folder("/lib64/ld.so", "linux")
    assert not platform.in_system_folder("/usr/local/bin/rport", "linux")
    assert platform.in_system_folder("/System/Library/x", "macos")
    assert not platform.in_system_folder("/lib/x", "macos")
    assert not platform.in_system_folder("/usr/local/bin/anydesk", "macos")
    env = {"SystemRoot": "D:\\Win"}
    assert platform.in_system_folder("d:/win/System32/svchost.exe", "windows", env)
    assert not platform.in_system_folder("C:\\Windows\\notepad.exe", "windows", env)
    assert platform.in_system_folder("C:\\WINDOWS\\explorer.exe", "windows", {})


def test_kernel_threads_only_on_linux() -> None:
    kthread = SimpleNamespace(ppid=lambda: 2)
    assert platform.is_kernel_thread(kthread, "linux")  # type: ignore[arg-type]
    assert not platform.is_kernel_thread(kthread, "windows")  # type: ignore[arg-type]
    assert not platform.is_kernel_thread(kthread, "macos")  # type: ignore[arg-type]
    assert not platform.is_kernel_thread(SimpleNamespace(ppid=lambda: 1), "linux")  # type: ignore[arg-type]


def test_folders_per_os(tmp_path: Path) -> None:
    env = {"ProgramFiles": "C:\\Program Files", "APPDATA": "C:\\Users\\a\\AppData\\Roaming"}
    windows = platform.install_folders("windows", env)
    assert [str(f.path) for f in windows] == [env["ProgramFiles"], env["APPDATA"]]
    assert all(f.recursive is False and f.quarantine is False for f in windows)
    linux = platform.install_folders("linux", {"XDG_DATA_HOME": str(tmp_path)})
    assert Path("/opt") in [f.path for f in linux] and tmp_path / "applications" in [
        f.path for f in linux
    ]
    assert next(f.path for f in platform.install_folders("macos", {})) == Path("/Applications")
    assert platform.application_folders("macos", tmp_path) == [
        Path("/Applications"),
        tmp_path / "Applications",
    ]
    assert platform.application_folders("linux") == platform.application_folders("windows") == []
    assert platform.desktop_entry_folders("windows") == []
    assert Path("/usr/share/applications") in platform.desktop_entry_folders("linux", {})
    # locations puts the shared folders first, then the OS's own.
    paths = [f.path for f in locations.watch_folders("windows", env)]
    assert paths[-2:] == [Path(env["ProgramFiles"]), Path(env["APPDATA"])]


def test_user_locale_is_asked_of_windows_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platform, "current_os", lambda: "linux")
    assert platform.user_locale_name() is None


def test_the_windows_api_module_imports_anywhere_and_fails_plainly() -> None:
    from guard.platform import _winapi

    if sys.platform != "win32":
        with pytest.raises(OSError):
            _winapi.registry_get("Software", "x")
        with pytest.raises(OSError):
            _winapi.owner_sid(Path("/"))
        assert _winapi.program_data() is None
        assert _winapi.user_locale_name() is None


# --- sessions ----------------------------------------------------------------------------


def test_display_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platform, "current_os", lambda: "linux")
    assert not session.has_display({})
    assert session.has_display({"WAYLAND_DISPLAY": "wayland-0"})
    assert session.has_display({"QT_QPA_PLATFORM": "offscreen"})
    monkeypatch.setattr(platform, "current_os", lambda: "windows")
    assert session.has_display({})
    assert session.display_alive({"DISPLAY": ":98765"})


def test_a_missing_x11_library_is_named_instead_of_qt_aborting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(platform, "current_os", lambda: "linux")
    monkeypatch.setattr(platform, "shared_library_present", lambda _name: False)
    assert session.x11_library_missing({"DISPLAY": ":0"}) == "libxcb-cursor0"
    # Wayland and explicitly chosen platforms do not load the X11 plugin at all.
    assert session.x11_library_missing({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}) == ""
    assert session.x11_library_missing({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}) == ""
    monkeypatch.setattr(platform, "shared_library_present", lambda _name: True)
    assert session.x11_library_missing({"DISPLAY": ":0"}) == ""


# --- reading a process on Windows (Wine) -------------------------------------------------


def _wine_error() -> OSError:
    exc = OSError(22, "The parameter is incorrect")
    exc.winerror = 87  # type: ignore[attr-defined]
    return exc


class _Proc:
    """A psutil.Process as Wine's psutil behaves: name() and exe() fail with error 87."""

    def __init__(self, pid: int = 4242, error: BaseException | None = None) -> None:
        self.pid = pid
        self.error = error if error is not None else _wine_error()

    def name(self) -> str:
        raise self.error

    def exe(self) -> str:
        raise self.error


class _FakeWinapi:
    def __init__(self, result: str | BaseException) -> None:
        self.result = result
        self.asked: list[int] = []

    def process_image_path(self, pid: int) -> str:
        self.asked.append(pid)
        if isinstance(self.result, BaseException):
            raise self.result
        return self.result


def test_windows_falls_back_to_the_image_path_on_error_87() -> None:
    api = _FakeWinapi(r"C:\Program Files\AnyDesk\AnyDesk.exe")
    assert _windows.process_exe(_Proc(), api) == r"C:\Program Files\AnyDesk\AnyDesk.exe"  # type: ignore[arg-type]
    assert _windows.process_name(_Proc(), api) == "AnyDesk.exe"  # type: ignore[arg-type]
    assert api.asked == [4242, 4242]


def test_other_errors_are_psutils_own_and_ask_nothing_else() -> None:
    api = _FakeWinapi("unused")
    for error in (psutil.AccessDenied(4242), psutil.NoSuchProcess(4242), OSError(5, "denied")):
        with pytest.raises(type(error)):
            _windows.process_exe(_Proc(error=error), api)  # type: ignore[arg-type]
        with pytest.raises(type(error)):
            _windows.process_name(_Proc(error=error), api)  # type: ignore[arg-type]
    assert api.asked == []


def test_fallback_failures_become_psutils_exceptions() -> None:
    gone = _FakeWinapi(ProcessLookupError(3, "no such process"))
    with pytest.raises(psutil.NoSuchProcess):
        _windows.process_exe(_Proc(), gone)  # type: ignore[arg-type]
    denied = _FakeWinapi(PermissionError(13, "denied"))
    with pytest.raises(psutil.AccessDenied):
        _windows.process_name(_Proc(), denied)  # type: ignore[arg-type]


def test_elsewhere_the_readers_are_plain_psutil() -> None:
    with pytest.raises(OSError) as raised:
        platform.facts("linux").process_exe(_Proc())
    assert raised.value.winerror == 87  # type: ignore[attr-defined]
    me = psutil.Process()
    assert platform.process_name(me) == me.name()
    assert platform.process_exe(me) == me.exe()


class _Status:
    """A psutil.Process whose status() says ``status`` (Wine says "running" when suspended)."""

    def __init__(self, status: str, pid: int = 4242) -> None:
        self.pid = pid
        self._status = status

    def status(self) -> str:
        return self._status


class _Threads:
    """Stands in for _winapi.threads_all_suspended: what the threads' suspend counts say."""

    def __init__(self, answer: bool | BaseException | None) -> None:
        self.answer = answer
        self.asked: list[int] = []

    def threads_all_suspended(self, pid: int) -> bool | None:
        self.asked.append(pid)
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer


def test_a_suspended_process_that_psutil_calls_running_is_stopped_on_windows() -> None:
    suspended = _Threads(True)
    assert _windows.process_status(_Status("running"), suspended) == "stopped"  # type: ignore[arg-type]
    assert suspended.asked == [4242]
    for answer in (False, None, OSError(5, "denied")):
        assert _windows.process_status(_Status("running"), _Threads(answer)) == "running"  # type: ignore[arg-type]


def test_what_psutil_already_knows_is_not_asked_again() -> None:
    api = _Threads(False)
    for known in ("stopped", "zombie", "dead"):
        assert _windows.process_status(_Status(known), api) == known  # type: ignore[arg-type]
    assert api.asked == []
    me = psutil.Process()
    assert platform.facts("linux").process_status(me) == me.status()


@pytest.mark.skipif(sys.platform != "win32", reason="the real Windows thread calls")
def test_on_windows_a_real_suspension_is_seen_and_undone(spawn: Spawner) -> None:
    from guard.platform import _winapi

    tool = psutil.Process(spawn.start("anydesk").pid)
    assert _winapi.threads_all_suspended(tool.pid) is False
    tool.suspend()
    assert _winapi.threads_all_suspended(tool.pid) is True
    assert platform.process_status(tool) == psutil.STATUS_STOPPED
    tool.resume()
    assert platform.process_status(tool) != psutil.STATUS_STOPPED


# --- choosing the process event source ---------------------------------------------------


class _Events:
    def read_execs(self, timeout: float | None) -> list[int]:
        return []

    def take_forks(self) -> list[tuple[int, int]]:
        return []

    def close(self) -> None:
        pass


def _refuse() -> _Events:
    raise proc_connector.ConnectorUnavailable("not permitted (needs CAP_NET_ADMIN)")


def _slots(opener) -> dict[str, Slot]:
    slots = dict(process_source.SLOTS)
    slots["proc-connector"] = Slot("proc-connector", "the proc connector", opener)
    return slots


def test_linux_prefers_the_connector() -> None:
    events = _Events()
    chosen = choose("auto", "linux", _slots(lambda: events))
    assert (chosen.name, chosen.events, chosen.fallback_reason) == ("proc-connector", events, "")


def test_connector_unavailable_falls_back_to_polling_with_the_reason() -> None:
    chosen = choose("auto", "linux", _slots(_refuse))
    assert chosen.name == "polling" and chosen.events is None
    assert "CAP_NET_ADMIN" in chosen.fallback_reason
    with pytest.raises(SourceUnavailable, match="the proc connector cannot be used here"):
        choose("proc-connector", "linux", _slots(_refuse))


def test_windows_and_macos_poll_until_their_slots_are_built() -> None:
    assert process_source.CHOICES["windows"] == ("etw",)
    assert process_source.CHOICES["macos"] == ("nsworkspace",)
    for os_name in ("windows", "macos"):
        chosen = choose("auto", os_name, _slots(_Events))
        assert chosen.name == "polling" and chosen.events is None
        assert "not built yet" in chosen.fallback_reason


def test_polling_asked_for_opens_nothing() -> None:
    chosen = choose("polling", "linux", _slots(_refuse))
    assert (chosen.name, chosen.events, chosen.fallback_reason) == ("polling", None, "")
    with pytest.raises(ValueError, match="unknown process source"):
        choose("carrier-pigeon", "linux")
