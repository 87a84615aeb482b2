"""A tool is known by what its program file is, not by what it is called (issue 14).

The caller's cheapest trick is "save it as notes": these tests rename real programs, delete
them after they start, run them from memory, rename them while they run, and sign look-alike
Windows programs, and check that each is still identified, while the first look by name is
never held up by the second look at the file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import psutil
import pytest

from guard.identify.elf import elf_build_id
from guard.identify.evidence import Identification
from guard.identify.executable import ExecutableFacts, FileFacts
from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex
from guard.identify.pe import read_pe
from guard.identify.process import ProcessInfo
from guard.identify.signer import pkcs7_from_certificate_table, signer_names
from guard.sigdb.loader import SignatureError, load_database
from guard.watch.content_look import ContentLook
from guard.watch.process_watcher import ProcessWatcher
from tests.conftest import TOOL_PROGRAM, Spawner
from tests.helpers import ON_WINDOWS, not_on_windows, tool_toml, wait_for, write_database
from tests.macho_builder import build_fat, build_macho
from tests.pe_builder import (
    FILE_ALIGN,
    build_pe,
    certificate_table,
    code_signature,
    write_pe,
)
from tests.test_process_watcher import CONNECTOR

SOURCES = ["polling", "proc-connector"]


def _unique_program(path: Path) -> str:
    """A copy of the stand-in tool program with a few bytes of its own appended (it still
    runs), so its hash is this test's alone; returns the hash."""
    data = Path(TOOL_PROGRAM).read_bytes() + os.urandom(16)
    path.write_bytes(data)
    path.chmod(0o755)
    return hashlib.sha256(data).hexdigest()


def _index(tmp_path: Path, extra: str, tool_id: str = "demo-tool") -> SignatureIndex:
    root = write_database(tmp_path / "db", {tool_id: tool_toml(tool_id, "Demo Tool", extra)})
    return SignatureIndex(load_database(root))


class _Seen:
    """The watcher's sink: tool ids by pid, for processes under this test's folder only."""

    def __init__(self, pids: set[int] | None = None) -> None:
        self.pids = pids
        self.tools: dict[int, str] = {}
        self.lock = threading.Lock()

    def __call__(self, info: ProcessInfo, verdict: Identification) -> None:
        if verdict.tool is not None and (self.pids is None or info.pid in self.pids):
            with self.lock:
                self.tools.setdefault(info.pid, verdict.tool.id)


def _watch(identifier: Identifier, seen: _Seen, source: str) -> ProcessWatcher:
    if source == "proc-connector" and not CONNECTOR:
        pytest.skip("the kernel refuses the proc connector here (container or old kernel)")
    watcher = ProcessWatcher(identifier, seen, print, interval=0.02, source=source)
    watcher.start()
    assert watcher.ready.wait(10)
    return watcher


def _start(path: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(path), *args])


def _reap(*procs: subprocess.Popen[bytes]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def caught_while_running(identifier: Identifier, program: Path, source: str, what: str) -> str:
    """Start ``program`` under a live watcher and wait until it is reported as a tool; the
    tool's id. The program is ended either way."""
    seen = _Seen()
    watcher = _watch(identifier, seen, source)
    tool = _start(program, "30")
    try:
        seen.pids = {tool.pid}
        wait_for(lambda: tool.pid in seen.tools, timeout=10, message=what)
        return seen.tools[tool.pid]
    finally:
        watcher.stop()
        _reap(tool)


# --- running programs: renamed, deleted, run from memory, renamed while running ---


@pytest.mark.parametrize("source", SOURCES)
def test_a_renamed_copy_is_known_by_its_hash(tmp_path: Path, spawn: Spawner, source: str) -> None:
    if not TOOL_PROGRAM:
        pytest.skip("no stand-in tool program on this Windows")
    notes = spawn.root / ("notes.exe" if ON_WINDOWS else "notes")
    digest = _unique_program(notes)
    index = _index(tmp_path, f'[names]\nlinux = ["demotool"]\n[hashes]\nsha256 = ["{digest}"]\n')
    identifier = Identifier(index)
    # The first look, by name, cannot know it:
    by_name = identifier.identify_process(ProcessInfo(1, notes.name, str(notes)), False)
    assert not by_name.matched
    assert caught_while_running(identifier, notes, source, "the renamed copy") == "demo-tool"


@not_on_windows("a running program's file cannot be deleted on Windows")
def test_a_program_deleted_after_it_started_is_still_read(tmp_path: Path, spawn: Spawner) -> None:
    notes = spawn.root / "notes"
    digest = _unique_program(notes)
    identifier = Identifier(_index(tmp_path, f'[hashes]\nsha256 = ["{digest}"]\n'))
    seen = _Seen()
    watcher = _watch(identifier, seen, "polling")
    tool = _start(notes, "30")
    try:
        seen.pids = {tool.pid}
        notes.unlink()  # "now delete the download so nobody finds it"
        wait_for(lambda: tool.pid in seen.tools, timeout=10, message="the deleted program")
    finally:
        watcher.stop()
        _reap(tool)


_FROM_MEMORY = """
import os, sys
fd = os.memfd_create(sys.argv[1], 0)
with open(sys.argv[2], "rb") as src:
    os.write(fd, src.read())
os.execv(f"/proc/self/fd/{fd}", ["x", "30"])
"""


@not_on_windows("memfd_create is Linux's")
@pytest.mark.parametrize("source", SOURCES)
def test_a_program_run_from_memory_is_known_by_its_memfd_name_and_content(
    tmp_path: Path, source: str
) -> None:
    """Nothing on disk: the program is copied into an anonymous memory file and run from
    there. Its name reads "3" (the descriptor); its program file reads ``/memfd:NAME``."""
    program = tmp_path / "payload"
    digest = _unique_program(program)
    index = _index(tmp_path, f'[names]\nlinux = ["demotool"]\n[hashes]\nsha256 = ["{digest}"]\n')
    identifier = Identifier(index)
    for memfd_name in ("demotool", "innocent"):  # by its name, then by its content
        seen = _Seen()
        watcher = _watch(identifier, seen, source)
        tool = subprocess.Popen([sys.executable, "-c", _FROM_MEMORY, memfd_name, str(program)])
        try:
            seen.pids = {tool.pid}
            wait_for(
                lambda: tool.pid in seen.tools,  # noqa: B023 - called within this iteration
                timeout=10,
                message=f"memfd:{memfd_name}",
            )
            assert seen.tools[tool.pid] == "demo-tool"
            assert psutil.Process(tool.pid).exe().startswith("/memfd:")
        finally:
            watcher.stop()
            _reap(tool)


_RENAMES_ITSELF = """
import ctypes, sys
sys.stdout.write("ready\\n"); sys.stdout.flush()
sys.stdin.readline()
ctypes.CDLL(None).prctl(15, sys.argv[1].encode(), 0, 0, 0)  # PR_SET_NAME
sys.stdout.write("renamed\\n"); sys.stdout.flush()
sys.stdin.readline()
"""


@not_on_windows("a program renames itself with prctl(PR_SET_NAME), Linux's")
@pytest.mark.parametrize("source", SOURCES)
def test_a_program_that_renames_itself_later_is_looked_at_again(
    tmp_path: Path, source: str
) -> None:
    """Long after its start (outside the young-process window), a program takes a tool's
    name. The proc connector reports the rename; polling finds it on its rolling re-read."""
    identifier = Identifier(_index(tmp_path, '[names]\nlinux = ["demotool"]\n'))
    seen = _Seen()
    watcher = _watch(identifier, seen, source)
    watcher.poller.rolling = 100_000  # one rolling round per full diff (1 s), not ~16 s
    proc = subprocess.Popen(
        [sys.executable, "-c", _RENAMES_ITSELF, "demotool"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        seen.pids = {proc.pid}
        assert proc.stdout is not None and proc.stdin is not None
        assert proc.stdout.readline() == b"ready\n"
        # Old enough that the young-process re-checks are over for it.
        wait_for(
            lambda: proc.pid in watcher.poller.seen and proc.pid not in watcher.poller.young,
            timeout=10,
            message="the program to be known and no longer young",
        )
        assert proc.pid not in seen.tools
        proc.stdin.write(b"\n")
        proc.stdin.flush()
        assert proc.stdout.readline() == b"renamed\n"
        assert psutil.Process(proc.pid).name() == "demotool"
        wait_for(lambda: proc.pid in seen.tools, timeout=10, message="the renamed program")
    finally:
        watcher.stop()
        _reap(proc)


def test_the_name_look_never_waits_for_a_file_being_read(tmp_path: Path, spawn: Spawner) -> None:
    """While the second look is stuck on one program's file (a huge file on a slow disk),
    a tool started under its own name is still reported at once by the first look."""
    release = threading.Event()
    started_reading = threading.Event()

    class SlowDisk(Identifier):
        def read_program(self, proc: ProcessInfo) -> FileFacts | None:
            if proc.name.startswith("notes"):
                started_reading.set()
                release.wait(30)
            return super().read_program(proc)

    identifier = SlowDisk(
        _index(tmp_path, '[names]\nlinux = ["demotool"]\nwindows = ["demotool.exe"]\n')
    )
    seen = _Seen()
    watcher = _watch(identifier, seen, "polling")
    try:
        notes = spawn.start("notes")
        assert started_reading.wait(10 * (3 if ON_WINDOWS else 1))
        tool = spawn.start("demotool")
        seen.pids = {tool.pid}
        wait_for(lambda: tool.pid in seen.tools, timeout=10, message="the tool by its name")
        assert notes.poll() is None and not release.is_set()  # the file read is still stuck
    finally:
        release.set()
        watcher.stop()


def test_a_flood_of_programs_is_bounded_said_once_and_caught_up(tmp_path: Path) -> None:
    """More new programs than the second look can queue: the excess is set aside (bounded
    too), said in one line per burst, and looked at once there is room again."""
    lines: list[str] = []
    gate = threading.Event()
    looked: list[int] = []

    class Stuck(Identifier):
        def identify_process(self, proc: ProcessInfo, inspect_file: bool = True) -> Identification:
            gate.wait(30)
            looked.append(proc.pid)
            return super().identify_process(proc, inspect_file)

    index = _index(tmp_path, '[names]\nlinux = ["demotool"]\n')
    look = ContentLook(Stuck(index), lambda *_: None, lines.append, max_queue=4)
    look.start()
    me = psutil.Process()
    alive = ProcessInfo(me.pid, "x", exe="/nonexistent/x", create_time=me.create_time())
    try:
        for _ in range(20):
            look.submit(alive)
        # 4 queued, at most 1 being looked at, 4 set aside: the rest are dropped and counted.
        assert look.dropped in (11, 12)
        assert len(lines) == 1 and "too many programs" in lines[0]
    finally:
        gate.set()
    assert look.wait_idle(10)
    before = len(looked)
    look.retry()
    assert look.wait_idle(10)
    assert len(looked) == before + 4  # the set-aside ones, now looked at
    look.stop()


# --- the file cache ---


def test_each_program_file_is_read_once_until_it_is_replaced(tmp_path: Path) -> None:
    program = tmp_path / "tool.exe"
    write_pe(program, ProductName="Demo")
    cache = ExecutableFacts()
    first = cache.read(program, want_hash=True)
    assert first is not None and first.version == {"ProductName": "Demo"} and first.sha256
    assert cache.read(program, want_hash=True) is first
    assert (cache.hits, cache.misses) == (1, 1)

    # Replaced under the same name (a new file: a new inode): read again.
    replacement = tmp_path / "new.exe"
    write_pe(replacement, ProductName="Other")
    replacement.replace(program)
    again = cache.read(program, want_hash=True)
    assert again is not None and again.version == {"ProductName": "Other"}


@not_on_windows(
    "Windows' st_ctime is the creation time, not a change time: a file rewritten in place "
    "with its modification time put back keeps its cache key there (architecture.md)"
)
def test_a_file_rewritten_in_place_with_its_time_put_back_is_read_again(tmp_path: Path) -> None:
    """Same inode, same size, modification time put back: the change time gives it away
    (a user cannot set that one back)."""
    program = tmp_path / "tool.exe"
    write_pe(program, ProductName="Other")
    cache = ExecutableFacts()
    assert cache.read(program, want_hash=True).version == {"ProductName": "Other"}  # type: ignore[union-attr]
    before = program.stat()
    data = bytearray(program.read_bytes())
    at = data.index("Other".encode("utf-16le"))
    data[at : at + 10] = "Evil!".encode("utf-16le")
    wait_for(lambda: time.time_ns() > before.st_ctime_ns + 10_000_000, message="a new tick")
    with open(program, "r+b") as fh:
        fh.write(data)
    os.utime(program, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert program.stat().st_mtime_ns == before.st_mtime_ns
    assert cache.read(program, want_hash=True).version == {"ProductName": "Evil!"}  # type: ignore[union-attr]


def test_the_cache_is_bounded_and_a_hash_asked_later_is_computed(tmp_path: Path) -> None:
    cache = ExecutableFacts(entries=3)
    files = []
    for i in range(5):
        f = tmp_path / f"p{i}"
        f.write_bytes(b"x" * i)
        files.append(f)
        assert cache.read(f, want_hash=False).sha256 is None  # type: ignore[union-attr]
    assert len(cache) == 3
    assert cache.read(files[-1], want_hash=True).sha256 == hashlib.sha256(b"xxxx").hexdigest()  # type: ignore[union-attr]
    assert cache.read(tmp_path / "missing", want_hash=True) is None


# --- Authenticode signers ---


def test_the_signer_is_the_code_signing_certificate_not_the_ca_or_timestamp() -> None:
    signature = code_signature("AnyDesk Software GmbH", "philandro Software GmbH")
    assert signer_names(signature) == ("AnyDesk Software GmbH", "philandro Software GmbH")
    table = certificate_table(signature)
    assert signer_names(pkcs7_from_certificate_table(table) or b"") == signer_names(signature)


@pytest.mark.parametrize("damage", ["truncated", "not-pkcs7", "wrong-type", "huge-directory"])
def test_a_damaged_signature_gives_no_signer_and_no_error(tmp_path: Path, damage: str) -> None:
    signature = code_signature("AnyDesk Software GmbH")
    data = bytearray(build_pe({"ProductName": "Notes"}, signature))
    table_at = len(data) - len(certificate_table(signature))
    if damage == "truncated":
        data = data[: table_at + 40]
    elif damage == "not-pkcs7":
        data[table_at + 8 : table_at + 40] = b"\x30\x1e" + b"\x00" * 30
    elif damage == "wrong-type":
        data[table_at + 6] = 0x01  # X.509 certificate, not PKCS#7 signed data
    else:
        pe_offset = int.from_bytes(data[0x3C:0x40], "little")
        directory = pe_offset + 4 + 20 + 112 + 4 * 8  # optional header's data directory 4
        data[directory + 4 : directory + 8] = (2**31).to_bytes(4, "little")
    program = tmp_path / "notes.exe"
    program.write_bytes(bytes(data))
    facts = read_pe(program)
    assert facts.signers == ()
    assert facts.version == {"ProductName": "Notes"}


def test_padding_a_signed_program_past_every_limit_does_not_hide_its_signer(
    tmp_path: Path,
) -> None:
    """Padding inside the certificate entry leaves an Authenticode signature valid. Padded
    to 2 GB (a sparse file: a few MB zipped), the program is still read, and only a few MB
    of it."""
    signature = code_signature("Demo Remote Ltd")
    data = bytearray(build_pe({"ProductName": "Notes"}, signature))
    table_at = len(data) - len(certificate_table(signature))
    padded = 2 * 1024**3 - table_at
    data[table_at : table_at + 4] = padded.to_bytes(4, "little")  # the entry's dwLength
    pe_offset = int.from_bytes(data[0x3C:0x40], "little")
    directory = pe_offset + 4 + 20 + 112 + 4 * 8
    data[directory + 4 : directory + 8] = padded.to_bytes(4, "little")
    program = tmp_path / "notes.exe"
    with open(program, "wb") as fh:
        fh.write(data)
        fh.truncate(table_at + padded)
    tracemalloc.start()
    try:
        facts = read_pe(program)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert facts.signers == ("Demo Remote Ltd",)
    assert peak < 64 * 1024**2


def test_a_forged_resource_size_reads_a_bounded_slice(tmp_path: Path) -> None:
    """A version resource claiming 150 MB in a 200 MB file: pefile asks for the whole slice;
    the guard hands it at most a few MB."""
    data = bytearray(build_pe({"ProductName": "Demo"}))
    data[FILE_ALIGN + 76 : FILE_ALIGN + 80] = (150_000_000).to_bytes(4, "little")
    program = tmp_path / "big.exe"
    with open(program, "wb") as fh:
        fh.write(data)
        fh.truncate(200_000_000)
    tracemalloc.start()
    try:
        read_pe(program)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024**2


def test_a_renamed_program_with_a_tools_signer_is_that_tool(tmp_path: Path) -> None:
    """Version information stripped, file renamed: the signature still says who made it."""
    index = _index(tmp_path, '[signing]\nsigners = ["Demo Remote Ltd"]\n')
    program = write_pe(tmp_path / "Invoice.exe", signature=code_signature("Demo Remote Ltd"))
    verdict = Identifier(index).identify_file(program)
    assert verdict.tool is not None and verdict.tool.id == "demo-tool"
    assert [e.kind for e in verdict.evidence] == ["signer"]
    assert verdict.facts["Signer"] == "Demo Remote Ltd"
    # The same file as a running Windows process (its path as Windows reports it).
    info = ProcessInfo(os.getpid(), "Invoice.exe", exe=str(program))
    running = Identifier(index, os_name="windows").identify_process(info)
    assert running.tool is not None and running.tool.id == "demo-tool"
    # Another publisher's signature says nothing.
    other = write_pe(tmp_path / "Other.exe", signature=code_signature("Someone Else Ltd"))
    assert not Identifier(index).identify_file(other).matched


def test_an_installer_signature_names_its_publisher(tmp_path: Path) -> None:
    """An MSI carries its Authenticode signature in a stream of its own (msi.py reads the
    bytes); the identifier turns them into the same signer evidence as a program's."""
    identifier = Identifier(_index(tmp_path, '[signing]\nsigners = ["Demo Remote Ltd"]\n'))
    facts: dict[str, str] = {}
    [evidence] = identifier.signature_evidence(code_signature("Demo Remote Ltd"), facts)
    assert (evidence.kind, evidence.tool_id) == ("signer", "demo-tool")
    assert facts == {"Signer": "Demo Remote Ltd"}
    assert identifier.signature_evidence(b"\x30\x03\x02\x01\x00", {}) == []


@pytest.mark.parametrize("publisher", ["Microsoft Corporation", "google llc"])
def test_a_publisher_of_ordinary_programs_cannot_be_a_tools_signer(
    tmp_path: Path, publisher: str
) -> None:
    with pytest.raises(SignatureError, match="signs many programs"):
        _index(tmp_path, f'[signing]\nsigners = ["{publisher}"]\n')


def test_one_signer_may_sign_one_vendors_tools_but_not_two_vendors(tmp_path: Path) -> None:
    same_vendor = {
        "tool-a": tool_toml("tool-a", "Tool A", '[signing]\nsigners = ["Demo Remote Ltd"]\n'),
        "tool-b": tool_toml("tool-b", "Tool B", '[signing]\nsigners = ["Demo Remote Ltd"]\n'),
    }
    index = SignatureIndex(load_database(write_database(tmp_path / "one", same_vendor)))
    assert [t.id for t in index.signers["demo remote ltd"]] == ["tool-a", "tool-b"]
    other = tool_toml("tool-c", "Tool C", '[signing]\nsigners = ["Demo Remote Ltd"]\n')
    other = other.replace('vendor = "Example Vendor"', 'vendor = "Other Vendor"')
    with pytest.raises(SignatureError, match="another vendor"):
        load_database(write_database(tmp_path / "two", {**same_vendor, "tool-c": other}))


def test_a_real_signed_windows_program_names_its_publisher() -> None:
    """Windows' own CPython, as the Wine lane installs it (skipped where it is absent)."""
    python_exe = Path(__file__).resolve().parent.parent / ".wine-lane" / "python" / "python.exe"
    if ON_WINDOWS:
        python_exe = Path(sys.executable)
    if not python_exe.exists():
        pytest.skip("no Windows CPython here (make test-windows installs one)")
    assert "Python Software Foundation" in read_pe(python_exe).signers


# --- the package that installed it (Linux, dpkg) ---


@not_on_windows("dpkg's file lists are Linux's")
def test_a_helper_the_signatures_never_name_is_known_by_its_package(
    tmp_path: Path, spawn: Spawner
) -> None:
    """A tool's next release adds a helper under a new name; dpkg recorded that the tool's
    package installed it, which is enough (a real process, a temp dpkg info folder)."""
    helper = spawn.binary("new-session-helper")
    info = tmp_path / "dpkg-info"
    info.mkdir()
    (info / "demotool.list").write_bytes(b"/.\n/opt\n" + os.fsencode(helper) + b"\n")
    index = _index(tmp_path, '[linux]\npackages = ["demotool"]\n')
    identifier = Identifier(index, os_name="linux", dpkg_info=info)
    caught_while_running(identifier, helper, "polling", "the packaged helper")
    verdict = identifier.identify_file(helper)
    assert [e.kind for e in verdict.evidence] == ["package"]
    assert "the demotool package installed" in verdict.evidence[0].detail
    # dpkg removes the package: its list goes, the folder changes, the file is nobody's.
    (info / "demotool.list").unlink()
    assert not identifier.identify_file(helper).matched


# --- macOS: the Developer ID in a program's code signature ---


DEVELOPER_ID = ("Developer ID Application: Demo Remote Ltd (ABCDE12345)", "Demo Remote Ltd")


@pytest.mark.parametrize("universal", [False, True])
def test_a_renamed_mac_program_is_known_by_its_developer_id(
    tmp_path: Path, universal: bool
) -> None:
    signed = build_macho(code_signature(*DEVELOPER_ID))
    data = build_fat(build_macho(None), signed) if universal else signed
    program = tmp_path / "Notes"
    program.write_bytes(data)
    index = _index(tmp_path, '[signing]\nsigners = ["Demo Remote Ltd"]\n')
    verdict = Identifier(index).identify_file(program)
    assert verdict.tool is not None and verdict.tool.id == "demo-tool"
    assert verdict.facts["Signer"] == DEVELOPER_ID[0]


@pytest.mark.parametrize("damage", ["truncated", "ncmds", "offset", "blob-length", "slots"])
def test_a_damaged_mac_signature_gives_no_signer_and_no_error(tmp_path: Path, damage: str) -> None:
    data = bytearray(build_macho(code_signature(*DEVELOPER_ID)))
    if damage == "truncated":
        data = data[:140]
    elif damage == "ncmds":
        data[16:20] = (10**6).to_bytes(4, "little")
    elif damage == "offset":
        data[40:44] = (2**31).to_bytes(4, "little")  # the signature's file offset
    elif damage == "blob-length":
        at = data.index(b"\xfa\xde\x0b\x01")
        data[at + 4 : at + 8] = (2**30).to_bytes(4, "big")
    else:
        at = data.index(b"\xfa\xde\x0c\xc0")
        data[at + 8 : at + 12] = (2**31).to_bytes(4, "big")
    program = tmp_path / "Notes"
    program.write_bytes(bytes(data))
    facts = ExecutableFacts().read(program, want_hash=False)
    assert facts is not None and facts.signers == ()


def test_the_rolling_re_read_runs_once_a_second_even_when_every_tick_is_a_full_diff(
    tmp_path: Path,
) -> None:
    """Windows and macOS have no cheap "nothing new" hint, so every 50 ms tick diffs all
    pids; the re-read of older processes must still cost ``rolling`` reads a second."""
    from guard.watch.process_poller import ProcessPoller

    now = [1000.0]
    poller = ProcessPoller(
        Identifier(_index(tmp_path, '[names]\nlinux = ["demotool"]\n')),
        lambda *_: None,
        clock=lambda: now[0],
    )
    poller._hint = False  # as on Windows: every tick is a full diff
    poller.rolling = 2
    poller.initial_scan()
    assert len(poller.seen) > 4  # (a Wine prefix runs only a handful of processes)
    poller.tick()
    left = len(poller._rolling)
    for _ in range(19):  # the rest of that second
        now[0] += 0.05
        poller.tick()
    assert len(poller._rolling) == left
    now[0] = 1001.0  # one second after the first
    poller.tick()
    assert len(poller._rolling) == left - 2


# --- Linux: the GNU build ID ---


def _build_id_of(path: str) -> str:
    with open(path, "rb") as fh:
        found = elf_build_id(fh, os.fstat(fh.fileno()).st_size)
    assert found is not None
    return found


@not_on_windows("Linux programs (ELF)")
def test_the_build_id_read_is_the_one_binutils_reads() -> None:
    if shutil.which("readelf") is None:
        pytest.skip("no readelf here to compare with")
    said = subprocess.run(
        ["readelf", "-n", "/bin/sleep"], capture_output=True, text=True, check=True
    )
    [line] = [ln for ln in said.stdout.splitlines() if "Build ID:" in ln]
    assert _build_id_of("/bin/sleep") == line.split("Build ID:")[1].strip()


@not_on_windows("Linux programs (ELF)")
def test_a_renamed_copy_of_a_known_build_is_that_tool(tmp_path: Path, spawn: Spawner) -> None:
    """Copied, renamed and even changed (so its hash is new), one build keeps its build ID."""
    notes = spawn.root / "notes"
    _unique_program(notes)  # a few bytes appended: a new hash, the same build
    build_id = _build_id_of(str(notes))
    identifier = Identifier(_index(tmp_path, f'[linux]\nbuild_ids = ["{build_id.upper()}"]\n'))
    caught_while_running(identifier, notes, "polling", "the known build")
    verdict = identifier.identify_file(notes)
    assert [e.kind for e in verdict.evidence] == ["build-id"]
    assert verdict.facts["Build ID"] == build_id


@pytest.mark.parametrize("damage", ["truncated", "phnum", "note-size", "not-elf"])
def test_a_damaged_elf_gives_no_build_id_and_no_error(tmp_path: Path, damage: str) -> None:
    data = bytearray(Path(TOOL_PROGRAM or sys.executable).read_bytes())
    if data[:4] != b"\x7fELF":
        pytest.skip("the stand-in program is not an ELF here")
    if damage == "truncated":
        data = data[:100]
    elif damage == "phnum":
        data[56:58] = (60000).to_bytes(2, "little")
    elif damage == "note-size":
        at = data.index((4).to_bytes(4, "little") + (20).to_bytes(4, "little") + b"\3\0\0\0GNU\0")
        data[at + 4 : at + 8] = (2**31).to_bytes(4, "little")  # the build ID note's size
    else:
        data[:4] = b"\x7fELG"
    program = tmp_path / "x"
    program.write_bytes(bytes(data))
    with open(program, "rb") as fh:
        assert elf_build_id(fh, len(data)) is None


def test_a_build_id_is_validated_and_claimed_by_one_tool_only(tmp_path: Path) -> None:
    with pytest.raises(SignatureError, match="GNU build ID"):
        _index(tmp_path / "a", '[linux]\nbuild_ids = ["not-hex"]\n')
    same = '[linux]\nbuild_ids = ["0123456789abcdef0123"]\n'
    tools = {
        "tool-a": tool_toml("tool-a", "Tool A", same),
        "tool-b": tool_toml("tool-b", "Tool B", same),
    }
    with pytest.raises(SignatureError, match="already claimed"):
        load_database(write_database(tmp_path / "b", tools))
