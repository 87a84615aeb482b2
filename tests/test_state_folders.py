"""The watched-folder policy (guard.state.folders) on its own: no Qt, no settings file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from guard import locations
from guard.state import folders
from guard.state.folders import ALREADY_WATCHED, NOT_A_FOLDER, FolderChange, Refusal
from tests.conftest import REPO


def test_a_new_folder_is_added_after_the_saved_ones_with_its_journal_line(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    change = folders.add(str(tmp_path / "b"), [str(tmp_path / "a")], [])
    assert change == FolderChange(
        str(tmp_path / "b"),
        (str(tmp_path / "a"), str(tmp_path / "b")),
        f"ScamGuard also watches {tmp_path / 'b'}",
    )


def test_a_chosen_folder_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path)
    change = folders.add("here", [], [])
    assert isinstance(change, FolderChange)
    assert change.folder == str(tmp_path / "here") and change.folders == (change.folder,)


def test_what_is_not_a_folder_is_refused(tmp_path: Path):
    (tmp_path / "file.txt").write_text("x")
    for chosen in (tmp_path / "file.txt", tmp_path / "missing"):
        assert folders.add(str(chosen), [], []) == Refusal(str(chosen), NOT_A_FOLDER)


def test_a_folder_already_watched_is_refused_however_it_is_written(tmp_path: Path):
    (tmp_path / "extra").mkdir()
    (tmp_path / "downloads").mkdir()
    always = [str(tmp_path / "downloads")]
    saved = [str(tmp_path / "extra")]
    for chosen in (
        tmp_path / "downloads",  # always watched
        tmp_path / "extra",  # added before
        f"{tmp_path / 'extra'}{os.sep}",  # with a trailing separator
        tmp_path / "extra" / ".." / "extra",
    ):
        refusal = folders.add(str(chosen), saved, always)
        assert isinstance(refusal, Refusal) and refusal.reason == ALREADY_WATCHED
        assert refusal.folder == os.path.abspath(chosen)


@pytest.mark.skipif(sys.platform != "win32", reason="only Windows ignores the case")
def test_on_windows_a_folder_in_another_case_is_the_same(tmp_path: Path):
    (tmp_path / "Extra").mkdir()
    refusal = folders.add(str(tmp_path / "EXTRA"), [str(tmp_path / "Extra")], [])
    assert isinstance(refusal, Refusal) and refusal.reason == ALREADY_WATCHED


def test_a_saved_folder_is_removed_and_the_others_kept_in_order():
    saved = ["/one", "/two", "/three"]
    assert folders.remove("/two", saved) == FolderChange(
        "/two", ("/one", "/three"), "ScamGuard no longer watches /two"
    )


def test_a_folder_not_among_the_saved_ones_cannot_be_removed():
    always = folders.always_watched()
    assert folders.remove(always[0], ["/one"]) is None  # always watched: not the person's
    assert folders.remove("/gone", []) is None  # removed meanwhile, by something else


def test_the_always_watched_folders_are_the_locations_ones():
    assert folders.always_watched() == [str(f.path) for f in locations.watch_folders()]


def test_the_policy_loads_no_qt():
    probe = (
        "import sys, guard.state.folders\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'ui')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.strip() == "[]"
