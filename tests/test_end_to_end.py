"""The whole chain as a person meets it, on every OS the suite runs on (Linux here, Windows in
the Wine lane, `make test-windows`): a downloaded installer and a renamed copy of the tool are
noticed by a real ``watch --json``, the tool is frozen, ``block`` kills it and moves the
installer into quarantine, and the warning's preview is drawn with its words on it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, Spawner, run_cli
from tests.guard_rig import status
from tests.helpers import wait_for
from tests.test_watch_cli import WatchProcess


def test_a_renamed_tool_is_frozen_and_block_kills_it_and_quarantines_its_installer(
    spawn: Spawner, downloads: Path
) -> None:
    watch = WatchProcess(
        "--only-under", str(spawn.root), "--dirs", str(downloads), "--interval", "20"
    )
    try:
        watch.wait_event("started")
        # The caller's "download this": the installer lands in Downloads under AnyDesk's name.
        part = downloads / "AnyDesk.exe.part"
        shutil.copy(spawn.binary("AnyDesk"), part)
        part.rename(downloads / "AnyDesk.exe")
        installer = watch.wait_event("installer", timeout=20)
        # Then the tool runs: a stand-in program under AnyDesk's name (AnyDesk.exe on Windows).
        tool = spawn.start("AnyDesk")
        frozen = watch.wait_event("frozen", timeout=20, pid=tool.pid)
        assert frozen["tool"] == "anydesk" and frozen["incident"] == installer["incident"]
        assert status(tool.pid) == "stopped"

        blocked = run_cli("block", frozen["incident"], "--json")
        assert blocked.returncode == 0, blocked.stderr
        assert json.loads(blocked.stdout)["state"] == "done"
        wait_for(lambda: status(tool.pid) in ("gone", "zombie"), message="the tool to be killed")
        event = watch.wait_event("blocked", timeout=20)
    finally:
        watch.stop()
    assert not (downloads / "AnyDesk.exe").exists()
    [record] = event["quarantined"]
    listed = json.loads(run_cli("quarantine", "list", "--json").stdout)
    assert [item["id"] for item in listed["items"]] == [record["id"]]


def test_the_warning_preview_is_drawn_with_its_words(tmp_path: Path) -> None:
    out = tmp_path / "warning.png"
    size = ["--width", "1366", "--height", "768"]
    argv = ["preview-warning", "--tool", "anydesk", "--provider", "talktalk", *size]
    result = subprocess.run(
        [sys.executable, "-m", "ui", *argv, "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1366, 768)
    # "Hang up." is drawn in white on the provider's band: with no usable font (a Windows
    # without its fonts, a broken Qt) the band would be one solid colour.
    band = image.pixelColor(5, 5)
    white = sum(
        1
        for y in range(10, 80)
        for x in range(20, 420)
        if image.pixelColor(x, y).lightness() > 200 and image.pixelColor(x, y) != band
    )
    assert white > 1000, f"only {white} text pixels in the band"
