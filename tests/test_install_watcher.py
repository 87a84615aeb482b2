"""Installers arriving in real temp folders, watched by the real watchdog observer."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from watchdog.observers import Observer

from guard.engine.engine import Engine
from guard.engine.events import GuardEvent
from guard.engine.incidents import State
from guard.engine.quarantine import Quarantine
from guard.identify.identifier import Identifier
from guard.live import quarantine_dir
from guard.locations import WatchFolder, watch_folders
from guard.watch import install_watcher
from guard.watch.install_watcher import FILE_EVENTS, InstallWatcher
from tests.conftest import Spawner
from tests.guard_rig import Rig
from tests.helpers import wait_for


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
    assert not os.access(stored, os.X_OK)
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
    linux = [str(f.path) for f in watch_folders("linux", env={})]
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
    mac = [str(f.path) for f in watch_folders("macos", env={})]
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
