"""Evidence is worded for the OS it was seen on: Linux's ``anydesk`` process is never
described as "runs as 'AnyDesk.exe'" (the Windows name), and a Windows installer seen in a
Linux Downloads folder is described as the Windows program it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex, spelled_for
from guard.identify.process import read_process
from guard.platform import current_os
from tests.conftest import Spawner
from tests.helpers import not_on_windows, wait_for


def name_details(verdict) -> list[str]:
    return [e.detail for e in verdict.evidence if e.kind == "name"]


@not_on_windows("a Linux program named anydesk, identified as this Linux computer sees it")
def test_a_running_linux_anydesk_is_worded_for_linux(
    identifier: Identifier, spawn: Spawner
) -> None:
    proc = spawn.start("anydesk")
    info = wait_for(lambda: read_process(proc.pid), message="the stand-in tool to start")
    wait_for(lambda: (read_process(proc.pid) or info).name == "anydesk", message="its name")
    verdict = identifier.identify_process(read_process(proc.pid) or info, inspect_file=False)
    assert verdict.tool is not None and verdict.tool.id == "anydesk"
    details = name_details(verdict)
    assert details == ["AnyDesk runs as 'anydesk' on Linux"]
    assert not any(".exe" in d for d in details)


def test_a_windows_installer_in_a_linux_downloads_folder_is_the_windows_program(
    identifier: Identifier, tmp_path: Path
) -> None:
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    (downloads / "AnyDesk.exe").write_bytes(b"MZ not really a program")
    verdict = identifier.identify_file(downloads / "AnyDesk.exe")
    assert "AnyDesk runs as 'AnyDesk.exe' on Windows" in name_details(verdict)


@pytest.mark.parametrize(
    ("seen", "os_name", "said"),
    [
        ("anydesk", "linux", "AnyDesk runs as 'anydesk' on Linux"),
        ("AnyDesk.exe", "windows", "AnyDesk runs as 'AnyDesk.exe' on Windows"),
        # Windows' AnyDesk.exe and Linux's anydesk share one key: the OS decides the words.
        ("ANYDESK", "windows", "AnyDesk runs as 'AnyDesk.exe' on Windows"),
        ("ANYDESK", "linux", "AnyDesk runs as 'anydesk' on Linux"),
    ],
)
def test_the_os_recorded_for_a_process_words_it(
    shipped_index: SignatureIndex, seen: str, os_name: str, said: str
) -> None:
    details = [e.detail for e in shipped_index.lookup_name(seen, os_name) if e.kind == "name"]
    assert details == [said]


def test_without_an_os_the_spelling_seen_decides_else_this_computers() -> None:
    spellings = (("windows", "AnyDesk.exe"), ("linux", "anydesk"), ("macos", "AnyDesk"))
    assert spelled_for(spellings, "AnyDesk.exe", None) == ("windows", "AnyDesk.exe")
    assert spelled_for(spellings, "AnyDesk", None) == ("macos", "AnyDesk")
    assert spelled_for(spellings, "anydesk", "windows") == ("windows", "AnyDesk.exe")
    # A download's copy number and case do not hide which OS's program it is.
    assert spelled_for(spellings, "AnyDesk (1).exe", None) == ("windows", "AnyDesk.exe")
    assert spelled_for(spellings, "ANYDESK.EXE", None) == ("windows", "AnyDesk.exe")
    # Seen as none of them (unwrapped from anydesk.bin): this computer's own spelling.
    os_here, _ = spelled_for(spellings, "anydesk.bin", None)
    assert os_here == current_os()
