"""No ordinary program is ever taken for a remote-access tool (issue 14: false positives stay
at zero as the database grows to the whole public catalog).

``tests/data/benign_names.txt`` lists several hundred real program names: every executable a
fresh Debian GNOME desktop ships and Windows' own programs plus everyday Windows 11 apps. A
name that identified a tool would freeze an innocent program, so every one is checked both as
a running process on its own OS and as a bare file name (a download, a scan hit).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import pytest

from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex
from guard.identify.process import ProcessInfo
from tests.conftest import REPO
from tests.helpers import RIG_TOOLS

BENIGN_FILE = Path(__file__).parent / "data" / "benign_names.txt"


def read_benign_names(path: Path = BENIGN_FILE) -> list[tuple[str, str]]:
    """(os, name) pairs; a ``# os: X`` comment starts the names of that OS."""
    pairs: list[tuple[str, str]] = []
    os_name = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("# os:"):
            os_name = line.removeprefix("# os:").strip()
        elif line and not line.startswith("#"):
            assert os_name, f"{line!r} comes before any '# os:' line"
            pairs.append((os_name, line))
    return pairs


BENIGN = read_benign_names()


def test_the_list_is_real_and_large() -> None:
    """A few hundred names from each system, so a colliding catalog name is caught."""
    by_os = {os_name for os_name, _ in BENIGN}
    assert by_os == {"linux", "windows"}
    assert sum(1 for os_name, _ in BENIGN if os_name == "linux") >= 300
    assert sum(1 for os_name, _ in BENIGN if os_name == "windows") >= 150
    assert ("linux", "nautilus") in BENIGN and ("windows", "msedge.exe") in BENIGN


@pytest.fixture(scope="module")
def identifiers(shipped_index_module: SignatureIndex) -> dict[str, Identifier]:
    return {
        os_name: Identifier(shipped_index_module, os_name=os_name, env={}, home="/nonexistent-home")
        for os_name in ("linux", "windows")
    }


@pytest.fixture(scope="module")
def shipped_index_module() -> SignatureIndex:
    from guard.sigdb.loader import load_database
    from guard.state import paths

    return SignatureIndex(load_database(paths.builtin_signatures_dir()))


def test_no_benign_process_is_identified(identifiers: dict[str, Identifier]) -> None:
    hits = []
    for os_name, name in BENIGN:
        found = identifiers[os_name].identify_process(
            ProcessInfo(pid=1, name=name), inspect_file=False
        )
        if found.matched:
            hits.append((os_name, name, found.tool.id if found.tool else None))
    assert hits == []


def test_no_benign_file_name_is_identified(identifiers: dict[str, Identifier]) -> None:
    hits = []
    for os_name, name in BENIGN:
        found = identifiers[os_name].identify_name(name)
        if found.matched:
            hits.append((os_name, name, found.tool.id if found.tool else None))
    assert hits == []


def test_a_catalog_name_on_the_list_would_be_caught(identifiers: dict[str, Identifier]) -> None:
    """The check can fail: a real tool name, put through the same calls, is identified."""
    for os_name, name in (("linux", "teamviewerd"), ("windows", "RodexAgent.exe")):
        ident = identifiers[os_name]
        assert ident.identify_name(name).matched, name
        proc = ident.identify_process(ProcessInfo(pid=1, name=name), inspect_file=False)
        assert proc.matched, name


def _system_programs() -> list[Path]:
    """The real program files of the machine the suite runs on: /usr/bin and /usr/sbin, or
    Windows' System32 in the Windows lane. Read whole, as the guard reads a new program."""
    if sys.platform == "win32":
        folders = [Path(os.environ.get("SYSTEMROOT", "C:\\Windows")) / "System32"]
    else:
        folders = [Path("/usr/bin"), Path("/usr/sbin")]
    found: list[Path] = []
    for folder in folders:
        with contextlib.suppress(OSError):
            found += sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink())
    return found[:MAX_SYSTEM_FILES]


MAX_SYSTEM_FILES = 4000


def test_no_real_program_file_on_this_machine_is_a_tool(identifier: Identifier) -> None:
    """Content evidence (hash, version information, signer, package) must not claim the
    system's own programs either: each real file is identified as the guard would."""
    programs = _system_programs()
    assert len(programs) > 50, "too few program files to say anything"
    claimed = []
    for path in programs:
        verdict = identifier.identify_file(path)
        if verdict.matched and verdict.tool.id not in RIG_TOOLS:  # type: ignore[union-attr]
            claimed.append(f"{path} -> {verdict.tool.id}")  # type: ignore[union-attr]
    assert not claimed, claimed


def test_the_tools_the_suite_installs_itself_are_all_named(shipped) -> None:
    """Every program tests/debian-packages.txt installs that is a remote-access tool is in
    RIG_TOOLS, so the clean-machine tests leave exactly those aside."""
    listed = REPO / "tests" / "debian-packages.txt"
    commands = [
        words[-1]
        for line in listed.read_text().splitlines()
        if (words := line.split("#", 1)[0].split())
    ]
    tools = {t.id for t in shipped.tools for name in t.names.get("linux", ()) if name in commands}
    assert tools == set(RIG_TOOLS)
