"""Setting a damaged file aside never replaces one set aside before (same second or not)."""

from __future__ import annotations

from pathlib import Path

from guard import files


def test_two_damaged_files_set_aside_in_the_same_second_are_both_kept(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("first damaged")
    first = files.set_aside(path)
    path.write_text("second damaged")
    second = files.set_aside(path)
    assert first != second and not path.exists()
    assert first.read_text() == "first damaged" and second.read_text() == "second damaged"
    assert first.name.startswith("settings.json.bad-")
