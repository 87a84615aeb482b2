"""Files written whole: a damaged file set aside never replaces one set aside before, and a
rename Windows refuses while another handle is open is tried again, never lost."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from guard import files
from tests.helpers import ON_WINDOWS


def test_two_damaged_files_set_aside_in_the_same_second_are_both_kept(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("first damaged")
    first = files.set_aside(path)
    path.write_text("second damaged")
    second = files.set_aside(path)
    assert first != second and not path.exists()
    assert first.read_text() == "first damaged" and second.read_text() == "second damaged"
    assert first.name.startswith("settings.json.bad-")


def _busy(winerror: int | None) -> PermissionError:
    """The PermissionError Windows raises for a rename over a file another handle holds."""
    exc = PermissionError(13, "Access is denied")
    if winerror is not None:
        exc.winerror = winerror  # type: ignore[attr-defined]  # set by Windows' own errors
    return exc


def test_a_rename_windows_refuses_while_the_file_is_open_is_tried_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.replace
    refusals = [_busy(32), _busy(5)]  # a sharing violation, then access denied

    def replace(source: str, target: str) -> None:
        if refusals:
            raise refusals.pop(0)
        real(source, target)

    monkeypatch.setattr(files.os, "replace", replace)
    target = tmp_path / "settings.json"
    target.write_text("old")
    files.write_atomic(target, b"new")
    assert target.read_text() == "new" and not refusals
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # no temp file left


def test_a_rename_still_refused_when_patience_runs_out_fails_and_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def replace(source: str, target: str) -> None:
        calls.append(source)
        raise _busy(32)

    monkeypatch.setattr(files.os, "replace", replace)
    monkeypatch.setattr(files, "REPLACE_PATIENCE", 0.05)
    target = tmp_path / "settings.json"
    target.write_text("old")
    with pytest.raises(PermissionError):
        files.write_atomic(target, b"new")
    assert len(calls) >= 2  # tried again before giving up
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_a_permission_error_that_is_not_another_handle_fails_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def replace(source: str, target: str) -> None:
        calls.append(source)
        raise _busy(None)  # POSIX EACCES: a read-only folder is not going to change

    monkeypatch.setattr(files.os, "replace", replace)
    with pytest.raises(PermissionError):
        files.write_atomic(tmp_path / "settings.json", b"new")
    assert len(calls) == 1


def test_a_file_another_reader_holds_open_is_replaced_once_it_is_closed(tmp_path: Path) -> None:
    """The real thing: on Windows (the lane) the rename waits for the reader's handle, opened
    as Python opens every file; elsewhere it succeeds at once. Either way nothing is lost."""
    target = tmp_path / "settings.json"
    target.write_text("old")
    reader = open(target, "rb")  # noqa: SIM115  # held across the write on purpose
    closer = threading.Timer(0.2, reader.close)
    closer.start()
    try:
        files.write_atomic(target, b"new")
    finally:
        closer.join()
    assert target.read_text() == "new"


@pytest.mark.skipif(not ON_WINDOWS, reason="the read-only attribute (root ignores modes here)")
def test_a_read_only_file_is_refused_at_once_not_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file's read-only attribute is real; Windows' refusal to rename over it is not
    (Wine renames anyway), so it is played as Windows gives it: access denied."""
    calls = []

    def replace(source: str, target: str) -> None:
        calls.append(source)
        raise _busy(5)

    monkeypatch.setattr(files.os, "replace", replace)
    target = tmp_path / "settings.json"
    target.write_text("old")
    target.chmod(stat.S_IREAD)
    try:
        with pytest.raises(PermissionError):
            files.write_atomic(target, b"new")
    finally:
        target.chmod(stat.S_IREAD | stat.S_IWRITE)
    assert len(calls) == 1 and target.read_text() == "old"
