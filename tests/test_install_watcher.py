"""Installers arriving in real temp folders, watched by the real watchdog observer."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from watchdog.observers import Observer

from guard.engine.engine import Engine
from guard.engine.incidents import State
from guard.engine.quarantine import Quarantine
from guard.identify.identifier import Identifier
from guard.locations import WatchFolder, watch_folders
from guard.state.events import GuardEvent
from guard.state.paths import quarantine_dir
from guard.watch import install_watcher
from guard.watch.install_watcher import FILE_EVENTS, InstallWatcher
from tests.conftest import Spawner
from tests.guard_rig import Rig
from tests.helpers import ON_WINDOWS, wait_for
from tests.pe_builder import build_pe
from tests.test_identify_disk_image import make_iso


@pytest.fixture
def rig(identifier: Identifier, spawn: Spawner, downloads: Path) -> Iterator[Rig]:
    r = Rig(identifier, spawn.root, folders=[downloads]).start()
    yield r
    r.stop()


def _download(folder: Path, name: str, partial: str = ".crdownload") -> Path:
    """What a browser does: write NAME.crdownload, then rename it into place."""
    part = folder / (name + partial)
    shutil.copy("/bin/sleep", part)
    final = folder / name
    os.rename(part, final)
    return final


def test_browser_download_by_rename_opens_an_incident(rig: Rig, downloads: Path) -> None:
    path = _download(downloads, "AnyDesk.exe")
    event = rig.wait_event("installer")
    assert event.path == str(path) and event.tool == "anydesk"
    assert event.data["how"] == "moved"
    view = rig.engine.incident(event.incident)
    assert view.state is State.DETECTED and view.pending
    # Only the final name counts: the partial file never raised its own event.
    assert len(rig.matching("installer")) == 1


def test_file_written_in_place_is_identified_once(rig: Rig, downloads: Path) -> None:
    target = downloads / "TeamViewer_Setup_x64.exe"
    with open(target, "wb") as fh:
        fh.write(b"MZ" + b"\0" * 4096)
    event = rig.wait_event("installer")
    assert event.tool == "teamviewer" and event.data["how"] in ("closed", "created")
    # Created, then closed: both events queue the same path; once nothing is queued any
    # more, there must have been exactly one report.
    wait_for(lambda: not rig.guard.installs._queued, message="the queue to drain")
    rig.engine.wait_delivered()
    assert len(rig.matching("installer")) == 1


def test_ordinary_files_and_partial_downloads_are_ignored(rig: Rig, downloads: Path) -> None:
    (downloads / "holiday.jpg").write_bytes(b"\xff\xd8")
    shutil.copy("/bin/sleep", downloads / "AnyDesk.exe.crdownload")
    _download(downloads, "notes.txt", partial=".part")
    _download(downloads, "RustDesk-1.3.exe")  # a tool, to know the others were seen first
    event = rig.wait_event("installer")
    assert event.tool == "rustdesk"
    assert [e.tool for e in rig.matching("installer")] == ["rustdesk"]


@pytest.mark.parametrize("name", ["invoice.iso", "scan.img", "Setup.cpl", "update.msp"])
def test_a_disk_image_or_other_runnable_file_is_looked_into(
    rig: Rig, downloads: Path, tmp_path: Path, name: str
) -> None:
    """ "Open the invoice I sent": one double-click opens an ISO in Explorer, and AnyDesk.exe
    inside runs from there. Nothing in its name says AnyDesk: only what is inside does."""
    tool = build_pe({"ProductName": "AnyDesk", "CompanyName": "AnyDesk Software GmbH"})
    made = tmp_path / "made"
    if name.endswith((".iso", ".img")):
        make_iso(made, {"AnyDesk.exe": tool})
    else:
        made.write_bytes(tool)  # a program under a runnable suffix: read for its version info
    part = downloads / (name + ".part")
    shutil.copy(made, part)
    os.rename(part, downloads / name)
    event = rig.wait_event("installer", timeout=10)
    assert event.tool == "anydesk" and event.path == str(downloads / name)


def test_block_quarantines_and_restore_puts_it_back(rig: Rig, downloads: Path) -> None:
    path = _download(downloads, "AnyDesk.exe")
    original = path.read_bytes()
    event = rig.wait_event("installer")
    view = rig.engine.block(event.incident)
    assert not path.exists()
    [moved] = view.files
    assert moved["state"] == "quarantined"
    records, problems = Quarantine(quarantine_dir()).list()
    assert not problems and [r.id for r in records] == [moved["quarantine_id"]]
    record = records[0]
    assert record.original_path == str(path) and record.tool == "anydesk"
    assert record.sha256 and len(record.sha256) == 64
    stored = quarantine_dir() / record.id / "item"
    # Cannot be started from there: no execute bit on POSIX, no program extension on Windows.
    assert stored.suffix == "" and (ON_WINDOWS or not os.access(stored, os.X_OK))
    # A second download of the same tool after the block is quarantined at once.
    again = _download(downloads, "AnyDesk (1).exe")
    wait_for(lambda: not again.exists(), message="the second copy to be quarantined")
    # Restore: back where it was, with its permissions.
    back, target = Quarantine(quarantine_dir()).restore(record.id)
    assert target == path and path.read_bytes() == original and os.access(path, os.X_OK)
    assert back.id == record.id


def test_missing_folder_is_waited_for_and_others_keep_working(
    identifier: Identifier, spawn: Spawner, tmp_path: Path, downloads: Path
) -> None:
    later = tmp_path / "not-yet" / "Desktop"
    r = Rig(identifier, spawn.root, folders=[later, downloads]).start()
    try:
        states = {s["path"]: s["state"] for s in r.guard.installs.status()}
        assert states == {str(later): "waiting", str(downloads): "watching"}
        _download(downloads, "AnyDesk.exe")
        r.wait_event("installer", tool="anydesk")
        later.mkdir(parents=True)
        wait_for(
            lambda: r.guard.installs.status()[0]["state"] == "watching",
            message="the new folder to be armed",
        )
        _download(later, "TeamViewerQS.exe")
        r.wait_event("installer", tool="teamviewer")
    finally:
        r.stop()


def test_deleted_and_recreated_folder_is_rearmed(rig: Rig, downloads: Path) -> None:
    shutil.rmtree(downloads)
    wait_for(
        lambda: rig.guard.installs.status()[0]["state"] == "waiting",
        message="the deleted folder to be noticed",
    )
    downloads.mkdir()
    wait_for(
        lambda: rig.guard.installs.status()[0]["state"] == "watching",
        message="the recreated folder to be re-armed",
    )
    _download(downloads, "AnyDesk.exe")
    assert rig.wait_event("installer").tool == "anydesk"
    notices = [e.message for e in rig.matching("error")]
    assert any("removed" in m for m in notices) and any("back" in m for m in notices)


def test_new_program_folder_is_reported_not_moved(identifier: Identifier, tmp_path: Path) -> None:
    opt = tmp_path / "opt"
    opt.mkdir()
    engine = Engine(Quarantine(tmp_path / "q"))
    events: list[GuardEvent] = []
    engine.add_listener(lambda e, _v: events.append(e))
    watcher = InstallWatcher(
        identifier,
        engine.file_seen,
        [WatchFolder(opt, recursive=False, quarantine=False)],
        engine.problem,
    )
    watcher.start()
    try:
        (opt / "teamviewer").mkdir()
        event = wait_for(
            lambda: next((e for e in events if e.kind == "installer"), None),
            message="the installation event",
        )
        assert event.tool == "teamviewer" and "installation" in event.message
        view = engine.block(event.incident)
        assert (opt / "teamviewer").is_dir()  # a program folder is never moved away
        assert view.files[0]["state"] == "present"
    finally:
        watcher.stop()
        engine.close()


class _RecordingObserver(Observer):  # type: ignore[misc, valid-type]
    def __init__(self) -> None:
        super().__init__()
        self.filters: list[object] = []

    def schedule(self, handler, path, *, recursive=False, event_filter=None, follow_symlink=False):
        self.filters.append(event_filter)
        return super().schedule(handler, path, recursive=recursive, event_filter=event_filter)


def test_every_watch_passes_an_event_filter(identifier: Identifier, tmp_path: Path) -> None:
    observer = _RecordingObserver()
    folders = [WatchFolder(tmp_path), WatchFolder(tmp_path / "missing")]
    watcher = InstallWatcher(identifier, lambda *a: None, folders, print, observer=observer)
    watcher.start()
    watcher.stop()
    assert observer.filters and all(f for f in observer.filters)
    assert FILE_EVENTS in observer.filters
    # The measured livelock came from open / close-without-write events: never asked for.
    names = {cls.__name__ for f in observer.filters for cls in f}  # type: ignore[union-attr]
    assert not names & {"FileOpenedEvent", "FileClosedNoWriteEvent", "FileModifiedEvent"}


def test_large_trees_are_watched_at_the_top_only(
    identifier: Identifier, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(install_watcher, "RECURSION_LIMIT", 5)
    big, small = tmp_path / "big", tmp_path / "small"
    for i in range(8):
        (big / f"d{i}").mkdir(parents=True)
    (small / "d").mkdir(parents=True)
    watcher = InstallWatcher(
        identifier, lambda *a: None, [WatchFolder(big), WatchFolder(small)], print
    )
    watcher.start()
    try:
        big_status, small_status = watcher.status()
        assert not big_status["recursive"] and "top level" in str(big_status["note"])
        assert small_status["recursive"]
    finally:
        watcher.stop()


def test_default_folders_per_os() -> None:
    # The tables are asked for another OS's folders too: compared as POSIX paths.
    linux = [f.path.as_posix() for f in watch_folders("linux", env={})]
    assert "/opt" in linux and "/usr/share/applications" in linux
    env = {
        "ProgramFiles": "C:\\Program Files",
        "ProgramFiles(x86)": "C:\\Program Files (x86)",
        "ProgramData": "C:\\ProgramData",
        "APPDATA": "C:\\Users\\a\\AppData\\Roaming",
        "LOCALAPPDATA": "C:\\Users\\a\\AppData\\Local",
    }
    windows = watch_folders("windows", env=env)
    assert {str(f.path) for f in windows} >= set(env.values())
    assert all(f.recursive is False for f in windows if str(f.path) in env.values())
    mac = [f.path.as_posix() for f in watch_folders("macos", env={})]
    assert "/Applications" in mac


def test_installer_main_process_helper_and_relaunch_make_one_incident(
    rig: Rig, downloads: Path, spawn: Spawner
) -> None:
    _download(downloads, "SunloginClient_15.2.exe")
    first = rig.wait_event("installer")
    main = spawn.start("sunloginclient")
    helper = spawn.start("oray_rundaemon")
    rig.wait_event("frozen", pid=main.pid)
    rig.wait_event("frozen", pid=helper.pid)
    main.kill()
    main.wait()
    relaunch = spawn.start("sunloginclient")
    rig.wait_event("frozen", pid=relaunch.pid)
    incidents = {e.incident for e in rig.events if e.incident}
    assert incidents == {first.incident}
    view = rig.engine.incident(first.incident)
    assert {p["pid"] for p in view.processes} >= {main.pid, helper.pid, relaunch.pid}
    assert len(view.files) == 1 and view.state is State.FROZEN


def test_folder_returning_while_files_stream_in_does_not_stall_the_watcher(
    rig: Rig, downloads: Path, tmp_path: Path
) -> None:
    # Regression: re-arming a folder (schedule, a slow walk of its tree) used to hold the
    # watcher's lock while watchdog's thread waited for it to queue a file: both stalled.
    shutil.rmtree(downloads)
    wait_for(lambda: rig.guard.installs.status()[0]["state"] == "waiting", message="waiting")
    staging = tmp_path / "staging"
    for i in range(1500):
        (staging / f"d{i:04}").mkdir(parents=True)
    busy = tmp_path / "busy"
    busy.mkdir()
    r2 = rig.guard.installs
    r2._folders.append(install_watcher._Folder(WatchFolder(busy, recursive=False)))
    r2._arm(r2._folders[-1])
    writer_done = threading.Event()

    def write_files() -> None:
        for i in range(400):
            (busy / f"file{i}.txt").write_text("x")
        writer_done.set()

    writer = threading.Thread(target=write_files)
    writer.start()
    os.rename(staging, downloads)  # the folder comes back, with a big tree inside
    writer.join(timeout=30)
    assert writer_done.is_set()
    wait_for(
        lambda: rig.guard.installs.status()[0]["state"] == "watching",
        timeout=15,
        message="the returned folder to be armed",
    )
    _download(busy, "AnyDesk.exe")
    assert rig.wait_event("installer", timeout=10).tool == "anydesk"


def test_deleted_installer_ends_its_incident(rig: Rig, downloads: Path) -> None:
    path = _download(downloads, "AnyDesk.exe")
    event = rig.wait_event("installer")
    path.unlink()
    ended = rig.wait_event("ended", incident=event.incident)
    assert "deleted or moved away" in ended.message
    assert rig.engine.incident(event.incident).state is State.ENDED


def test_busy_ordinary_files_are_never_opened(
    rig: Rig, downloads: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    watcher_identifier = rig.guard.installs.identifier
    real = watcher_identifier.identify_file
    monkeypatch.setattr(
        watcher_identifier, "identify_file", lambda p: (opened.append(str(p)), real(p))[1]
    )
    photo = downloads / "holiday.jpg"
    for _ in range(200):  # an editor saving over and over
        photo.write_bytes(b"MZ" + os.urandom(64))
    _download(downloads, "RustDesk-1.3.exe")
    rig.wait_event("installer")
    assert opened == [str(downloads / "RustDesk-1.3.exe")]


# --- no blind spots that say "watching" ---


class _Seen:
    """An on_file sink and report sink for a bare InstallWatcher, with waits."""

    def __init__(self) -> None:
        self.files: list[tuple[str, str]] = []  # (path, tool id)
        self.reports: list[str] = []
        self._lock = threading.Lock()

    def on_file(self, path: str, verdict, how: str, quarantinable: bool) -> None:
        with self._lock:
            self.files.append((path, verdict.tool.id))

    def report(self, line: str) -> None:
        with self._lock:
            self.reports.append(line)

    def wait_file(self, path: Path, timeout: float = 10.0) -> str:
        def hit() -> str | None:
            with self._lock:
                return next((t for p, t in self.files if p == str(path)), None)

        return wait_for(hit, timeout=timeout, message=f"{path} to be identified")


@pytest.fixture
def seen() -> _Seen:
    return _Seen()


def _watcher(identifier: Identifier, seen: _Seen, folders: list[WatchFolder]) -> InstallWatcher:
    watcher = InstallWatcher(identifier, seen.on_file, folders, seen.report)
    watcher.start()
    return watcher


def test_a_folder_that_is_a_link_is_watched_where_it_leads(
    identifier: Identifier, tmp_path: Path, seen: _Seen
) -> None:
    # Downloads on a second disk: the folder the person knows is a link.
    real = tmp_path / "disk2" / "Downloads"
    real.mkdir(parents=True)
    link = tmp_path / "home" / "Downloads"
    link.parent.mkdir()
    link.symlink_to(real, target_is_directory=True)
    watcher = _watcher(identifier, seen, [WatchFolder(link)])
    try:
        _download(link, "AnyDesk.exe")
        assert seen.wait_file(real / "AnyDesk.exe") == "anydesk"
        [status] = watcher.status()
        assert status["state"] == "watching" and status["target"] == str(real)
        assert str(real) in str(status["note"])
    finally:
        watcher.stop()


def test_a_link_pointed_elsewhere_is_followed_and_said(
    identifier: Identifier, tmp_path: Path, seen: _Seen
) -> None:
    first, second = tmp_path / "disk1", tmp_path / "disk2"
    first.mkdir()
    second.mkdir()
    link = tmp_path / "Downloads"
    link.symlink_to(first, target_is_directory=True)
    watcher = _watcher(identifier, seen, [WatchFolder(link)])
    try:
        _download(link, "AnyDesk.exe")
        assert seen.wait_file(first / "AnyDesk.exe") == "anydesk"
        assert watcher.status()[0]["target"] == str(first)
        swap = tmp_path / "Downloads.new"
        swap.symlink_to(second, target_is_directory=True)
        os.replace(swap, link)  # atomically, as a settings tool would
        wait_for(
            lambda: watcher.status()[0]["target"] == str(second),
            message="the watch to follow the link",
        )
        assert watcher.status()[0]["state"] == "watching"
        assert any("now leads to" in r and str(second) in r for r in seen.reports)
        _download(link, "TeamViewerQS.exe")
        assert seen.wait_file(second / "TeamViewerQS.exe") == "teamviewer"
    finally:
        watcher.stop()


def test_a_link_to_nothing_is_never_reported_as_watched(
    identifier: Identifier, tmp_path: Path, seen: _Seen
) -> None:
    link = tmp_path / "Downloads"
    link.symlink_to(tmp_path / "disk2" / "Downloads", target_is_directory=True)
    watcher = _watcher(identifier, seen, [WatchFolder(link)])
    try:
        assert watcher.status()[0]["state"] == "waiting"
        (tmp_path / "disk2" / "Downloads").mkdir(parents=True)  # the second disk comes back
        wait_for(lambda: watcher.status()[0]["state"] == "watching", message="arming")
        _download(link, "AnyDesk.exe")
        assert seen.wait_file(tmp_path / "disk2" / "Downloads" / "AnyDesk.exe") == "anydesk"
        assert watcher.status()[0]["target"] == str(tmp_path / "disk2" / "Downloads")
    finally:
        watcher.stop()


def test_a_folder_whose_watch_died_is_not_reported_as_watched(
    identifier: Identifier, downloads: Path, seen: _Seen
) -> None:
    watcher = _watcher(identifier, seen, [WatchFolder(downloads)])
    try:
        folder = watcher._folders[0]
        [emitter] = [e for e in watcher._observer.emitters if e.watch == folder.watch]
        emitter.stop()  # what the OS dropping the watch looks like from here
        emitter.join(timeout=5)
        assert not emitter.is_alive()
        wait_for(
            lambda: any("stopped being reported" in r for r in seen.reports),
            message="the dead watch to be noticed",
        )
        wait_for(lambda: watcher.status()[0]["state"] == "watching", message="re-arming")
        _download(downloads, "AnyDesk.exe")
        assert seen.wait_file(downloads / "AnyDesk.exe") == "anydesk"
    finally:
        watcher.stop()


def test_one_place_reached_by_two_names_keeps_both_watched(
    identifier: Identifier, tmp_path: Path, seen: _Seen
) -> None:
    # Desktop is a link to Downloads; re-pointing Desktop must not end the Downloads watch.
    downloads, elsewhere = tmp_path / "Downloads", tmp_path / "elsewhere"
    downloads.mkdir()
    elsewhere.mkdir()
    desktop = tmp_path / "Desktop"
    desktop.symlink_to(downloads, target_is_directory=True)
    watcher = _watcher(identifier, seen, [WatchFolder(downloads), WatchFolder(desktop)])
    try:
        assert [s["state"] for s in watcher.status()] == ["watching", "watching"]
        desktop.unlink()
        desktop.symlink_to(elsewhere, target_is_directory=True)
        wait_for(lambda: watcher.status()[1].get("target") == str(elsewhere), message="re-arming")
        _download(downloads, "AnyDesk.exe")
        assert seen.wait_file(downloads / "AnyDesk.exe") == "anydesk"
    finally:
        watcher.stop()


# --- archives unpacked into temp ---


def _temp(tmp_path: Path) -> WatchFolder:
    """Temp as locations.watch_folders() declares it, moved to a test folder."""
    temp = tmp_path / "Temp"
    temp.mkdir(exist_ok=True)
    [declared] = [f for f in watch_folders() if f.path == Path(tempfile.gettempdir())]
    return dataclasses.replace(declared, path=temp)


def test_temp_is_declared_with_its_new_subfolders_watched() -> None:
    for os_name in ("linux", "windows", "macos"):
        [temp] = [
            f for f in watch_folders(os_name, env={}) if f.path == Path(tempfile.gettempdir())
        ]
        assert temp.recursive is False
        assert getattr(temp, "watch_new_subfolders", False)


def test_a_zip_opened_from_explorer_unpacks_into_temp_and_is_seen(
    identifier: Identifier, tmp_path: Path, seen: _Seen
) -> None:
    spec = _temp(tmp_path)
    watcher = _watcher(identifier, seen, [spec])
    try:
        # Explorer: Temp1_<zip>\ appears and the program is written into it at once.
        unpacked = spec.path / "Temp1_support-tools.zip"
        unpacked.mkdir()
        shutil.copy("/bin/sleep", unpacked / "AnyDesk.exe")
        assert seen.wait_file(unpacked / "AnyDesk.exe") == "anydesk"
        # 7-Zip: 7zXXXX\ with a folder inside, written once the watch is there.
        seven = spec.path / "7zO8A2C41D3"
        seven.mkdir()
        wait_for(
            lambda: str(seven) in watcher.status()[0].get("subfolders", []),  # type: ignore[operator]
            message="the new folder to be watched",
        )
        (seven / "TeamViewer").mkdir()
        _download(seven / "TeamViewer", "TeamViewer_Setup_x64.exe")
        assert seen.wait_file(seven / "TeamViewer" / "TeamViewer_Setup_x64.exe") == "teamviewer"
        # Temp itself is still watched at its top level only.
        assert watcher.status()[0]["recursive"] is False
    finally:
        watcher.stop()


def test_an_archive_folder_already_in_temp_is_watched_from_the_start(
    identifier: Identifier, tmp_path: Path, seen: _Seen
) -> None:
    spec = _temp(tmp_path)
    old = spec.path / "Temp2_AnyDesk.zip"
    old.mkdir()
    (spec.path / "someone-elses-scratch").mkdir()
    watcher = _watcher(identifier, seen, [spec])
    try:
        _download(old, "AnyDesk.exe")  # the same zip opened again
        assert seen.wait_file(old / "AnyDesk.exe") == "anydesk"
        assert watcher.status()[0]["subfolders"] == [str(old)]
    finally:
        watcher.stop()


def test_new_temp_folders_are_watched_few_at_a_time_and_let_go(
    identifier: Identifier, tmp_path: Path, seen: _Seen, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(install_watcher, "MAX_SUBFOLDER_WATCHES", 3, raising=False)
    spec = _temp(tmp_path)
    watcher = _watcher(identifier, seen, [spec])
    try:
        made = []
        for i in range(6):
            made.append(spec.path / f"scratch{i}")
            made[-1].mkdir()
            wait_for(
                lambda: str(made[-1]) in watcher.status()[0]["subfolders"],  # type: ignore[operator]
                message="the new folder to be watched",
            )
        subs = watcher.status()[0]["subfolders"]
        assert subs == [str(p) for p in made[-3:]]
        shutil.rmtree(made[-1])
        wait_for(
            lambda: str(made[-1]) not in watcher.status()[0]["subfolders"],  # type: ignore[operator]
            message="the deleted folder's watch to be let go",
        )
        # A link appearing in temp is never followed out of it.
        (spec.path / "Temp3_x.zip").symlink_to(tmp_path, target_is_directory=True)
        (spec.path / "marker").mkdir()
        wait_for(
            lambda: str(spec.path / "marker") in watcher.status()[0]["subfolders"],  # type: ignore[operator]
            message="a later folder to be watched",
        )
        assert str(spec.path / "Temp3_x.zip") not in watcher.status()[0]["subfolders"]  # type: ignore[operator]
    finally:
        watcher.stop()


# --- FIFOs and other special files ---


def _unblock(fifo: Path) -> None:
    """Give a reader stuck on ``fifo`` a writer, so a failing test cannot hang the run."""
    with contextlib.suppress(OSError):
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def test_a_fifo_named_like_a_tool_never_wedges_the_watcher(rig: Rig, downloads: Path) -> None:
    fifo = downloads / "AnyDesk.exe"
    os.mkfifo(fifo)
    try:
        _download(downloads, "RustDesk-1.3.exe")
        assert rig.wait_event("installer", tool="rustdesk", timeout=10)
    finally:
        _unblock(fifo)


def test_a_file_swapped_for_a_fifo_while_it_is_checked_never_wedges_the_watcher(
    rig: Rig, downloads: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guard.identify import identifier as identifier_module

    target = downloads / "AnyDesk.exe"
    real = identifier_module.enclosing_app
    swapped = threading.Event()

    def swap_after_stat(path: Path) -> Path | None:
        # Runs inside identify_file after it stat()ed a regular file, before any read: the
        # moment a scammer's script would swap the download for a FIFO.
        if Path(path) == target and not swapped.is_set():
            target.unlink()
            os.mkfifo(target)
            swapped.set()
        return real(path)

    monkeypatch.setattr(identifier_module, "enclosing_app", swap_after_stat)
    try:
        target.write_bytes(b"MZ" + b"\0" * 4096)
        wait_for(swapped.is_set, timeout=10, message="the swap")
        _download(downloads, "RustDesk-1.3.exe")
        assert rig.wait_event("installer", tool="rustdesk", timeout=10)
    finally:
        _unblock(target)


# --- the freeze path never waits behind identification ---


def test_a_tool_is_frozen_while_the_install_watcher_is_busy_identifying(
    rig: Rig, downloads: Path, spawn: Spawner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Identification of a file is held up for as long as the test likes (a huge zip on a
    # slow disk), deterministically: the freeze must not wait for it to finish.
    busy, release = threading.Event(), threading.Event()
    watcher_identifier = rig.guard.installs.identifier
    real = watcher_identifier.identify_file

    def slow(path: str | Path):
        if Path(path).name == "huge-setup.exe":
            busy.set()
            release.wait(30)
        return real(path)

    monkeypatch.setattr(watcher_identifier, "identify_file", slow)
    try:
        (downloads / "huge-setup.exe").write_bytes(b"MZ" + b"\0" * 4096)
        wait_for(busy.is_set, message="the watcher to be busy identifying")
        tool = spawn.start("AnyDesk")
        frozen = rig.wait_event("frozen", pid=tool.pid, timeout=10)
        assert frozen.tool == "anydesk"
        assert not release.is_set()  # frozen while the identification was still under way
    finally:
        release.set()
