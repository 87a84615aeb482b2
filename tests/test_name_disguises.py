"""Look-alike, invisible and wrapped names are still the tool's (issue 14).

"Save it as АnyDesk" with a Cyrillic А, a zero-width space in the middle, a right-to-left
override, ``anydesk.bin`` or ``AnyDesk-x86_64.AppImage``: each reads as the tool to a person
and must read as the tool to the guard, while ordinary names in any script stay unmatched.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from guard.identify.identifier import Identifier
from guard.identify.process import ProcessInfo, read_process
from guard.sigdb.names import fold_lookalikes, unwrapped_keys
from tests.conftest import Spawner
from tests.helpers import not_on_windows, wait_for
from tests.test_content_identity import _index, _Seen, _watch

DISGUISES = [
    "\u0410nyDesk.exe",  # Cyrillic capital A
    "AnyD\u0435sk.exe",  # Cyrillic small ie
    "\u0391nyDesk.exe",  # Greek capital alpha
    "Any\u200bDesk.exe",  # zero-width space
    "Any\u00adDesk.exe",  # soft hyphen
    "Any\u200dDesk\ufeff.exe",  # zero-width joiner, byte-order mark
    "\uff21\uff4e\uff59\uff24\uff45\uff53\uff4b.exe",  # full-width letters
    "A\u0301nyDesk.exe",  # a combining accent
    "AnyDesk\u202e.exe",  # right-to-left override
    "\U0001d400nyDesk.exe",  # mathematical bold A
    "\u13aanyDesk.exe",  # Cherokee A
    "\ua4eenyDesk.exe",  # Lisu A
]


@pytest.mark.parametrize("name", DISGUISES, ids=lambda n: n.encode("unicode_escape").decode())
def test_look_alike_and_hidden_characters_are_seen_through(
    identifier: Identifier, name: str
) -> None:
    verdict = identifier.identify_name(name)
    assert verdict.tool is not None and verdict.tool.id == "anydesk"
    assert "look-alike or hidden characters" in verdict.evidence[0].detail


@pytest.mark.parametrize(
    "name",
    [
        "anydesk.bin",
        "AnyDesk.AppImage",
        "anydesk.run",
        "anydesk.x86_64",
        "anydesk-x86_64",
        "anydesk_amd64",
        "memfd:anydesk",
        "memfd:anydesk.bin (deleted)",
    ],
)
def test_wrapped_names_are_the_program_they_wrap(identifier: Identifier, name: str) -> None:
    info = ProcessInfo(1, name, exe=None)
    verdict = identifier.identify_process(info, inspect_file=False)
    assert verdict.tool is not None and verdict.tool.id == "anydesk", verdict.evidence


@pytest.mark.parametrize(
    "name",
    [
        "Блокнот.exe",  # Notepad in Russian
        "记事本.exe",  # Notepad in Chinese
        "Σημειωματάριο.exe",  # Notepad in Greek
        "Café.exe",
        "notes.bin",
        "backup-x86_64",
        "memfd:pulseaudio",
        "setup.run",
        "résumé.pdf",
    ],
)
def test_ordinary_names_in_any_script_stay_ordinary(identifier: Identifier, name: str) -> None:
    assert not identifier.identify_name(name).matched


@pytest.mark.parametrize("name", ["firefox.bin", "memfd:systemd", "python3.real", "bash-x86_64"])
def test_a_wrapped_system_name_is_still_protected(identifier: Identifier, name: str) -> None:
    verdict = identifier.identify_name(name)
    assert not verdict.matched
    assert [e.kind for e in verdict.evidence] == ["protected-name"]


def test_folding_leaves_plain_names_alone_and_is_cheap_to_skip() -> None:
    assert fold_lookalikes("AnyDesk.exe") == "AnyDesk.exe"
    assert fold_lookalikes("\u0410nyD\u0435sk") == "AnyDesk"
    assert unwrapped_keys("anydesk") == []
    assert unwrapped_keys("memfd:anydesk.bin") == ["anydesk.bin", "anydesk"]
    assert unwrapped_keys("x.bin") == []  # too short to name a program once unwrapped


def test_a_running_program_with_a_look_alike_name_is_caught(
    identifier: Identifier, spawn: Spawner
) -> None:
    seen = _Seen()
    watcher = _watch(identifier, seen, "polling")
    try:
        tool = spawn.start("\u0410nyDesk")  # "АnyDesk" with a Cyrillic А
        seen.pids = {tool.pid}
        wait_for(lambda: tool.pid in seen.tools, timeout=10, message="the look-alike name")
        assert seen.tools[tool.pid] == "anydesk"
    finally:
        watcher.stop()


@not_on_windows("Linux cuts a process's name to 15 characters; Windows does not")
def test_a_long_name_cut_by_the_kernel_is_read_from_the_program_file(
    tmp_path: Path, spawn: Spawner
) -> None:
    """``TeamViewer_Desktop`` is ``TeamViewer_Desk`` to the kernel; with its command line
    rewritten, only the program file still tells the whole name."""
    identifier = Identifier(_index(tmp_path, '[names]\nlinux = ["DemoRemote_Desktop"]\n'))
    binary = spawn.binary("DemoRemote_Desktop")
    proc = subprocess.Popen(["innocent", "30"], executable=str(binary))
    try:
        info = wait_for(lambda: read_process(proc.pid), message="the process")
        wait_for(
            lambda: (read_process(proc.pid) or info).name == "DemoRemote_Desk",
            message="the kernel's cut name",
        )
        info = read_process(proc.pid)
        assert info is not None and info.name == "DemoRemote_Desk"
        assert identifier.identify_process(info, inspect_file=False).matched
    finally:
        proc.kill()
        proc.wait(timeout=10)
