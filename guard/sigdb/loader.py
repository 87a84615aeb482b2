"""Load a signature database from disk: every file read safely, validated, cross-checked.

A database directory holds ``database.toml`` (version and release date) and ``tools/*.toml``
(one file per product). Loading is all-or-nothing: a database with any problem is rejected
whole, so the caller keeps running on its last good set instead of a half-read one.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any

from guard.sigdb.model import SignatureSet, ToolSignature
from guard.sigdb.names import GENERIC_NAMES, name_key
from guard.sigdb.problems import Problem, SignatureError
from guard.sigdb.schema import check_tool

MAX_FILE_BYTES = 64 * 1024
MAX_TOOL_FILES = 2000
DATABASE_FILE = "database.toml"
TOOLS_DIR = "tools"


def read_toml(
    path: Path, label: str, max_bytes: int = MAX_FILE_BYTES
) -> tuple[dict[str, Any] | None, Problem | None]:
    """Read and parse one small TOML file; any failure becomes a one-line Problem."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(max_bytes + 1)
    except PermissionError:
        return None, Problem(label, "file", "cannot be read: permission denied")
    except OSError as exc:
        return None, Problem(label, "file", f"cannot be read: {exc.strerror or exc}")
    if len(raw) > max_bytes:
        return None, Problem(label, "file", f"is larger than {max_bytes // 1024} KiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, Problem(label, "file", f"is not UTF-8 text (byte {exc.start})")
    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as exc:
        return None, Problem(label, "file", f"malformed TOML: {exc}")
    except RecursionError:
        return None, Problem(label, "file", "malformed TOML: nested too deeply")


def _tools_dir(directory: Path) -> tuple[Path, Path | None]:
    """Accept either a database root (with tools/) or a bare folder of tool files."""
    if (directory / TOOLS_DIR).is_dir():
        return directory / TOOLS_DIR, directory / DATABASE_FILE
    return directory, None


def _read_meta(meta_path: Path | None, problems: list[Problem]) -> tuple[int, dt.date | None]:
    if meta_path is None:
        return 0, None
    doc, problem = read_toml(meta_path, DATABASE_FILE)
    if problem:
        problems.append(problem)
        return 0, None
    assert doc is not None
    version, released = doc.get("version"), doc.get("released")
    for key in doc:
        if key not in {"version", "released", "schema"}:
            problems.append(Problem(DATABASE_FILE, key, "unknown field"))
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        problems.append(Problem(DATABASE_FILE, "version", "must be a whole number of 1 or more"))
        version = 0
    if not isinstance(released, dt.date) or isinstance(released, dt.datetime):
        problems.append(Problem(DATABASE_FILE, "released", "must be a date like 2026-11-21"))
        released = None
    if doc.get("schema", 1) != 1:
        problems.append(Problem(DATABASE_FILE, "schema", "this ScamGuard reads schema 1 only"))
    return version, released


def check_database(
    directory: Path, today: dt.date | None = None, *, future_check: bool = True
) -> tuple[SignatureSet | None, list[Problem]]:
    """Validate a whole database; return the set (only when clean) and every problem found.

    ``future_check=False`` accepts review dates after this computer's today: publishing
    refuses them, but a running guard on a computer whose clock is behind (a flat clock
    battery) must not lose every signature and stop guarding.
    """
    check_today = (today or dt.date.today()) if future_check else None
    problems: list[Problem] = []
    if not directory.is_dir():
        return None, [Problem(str(directory), "directory", "does not exist or is not a folder")]
    tools_dir, meta_path = _tools_dir(directory)
    version, released = _read_meta(meta_path, problems)
    try:
        files = sorted(p for p in tools_dir.glob("*.toml") if not p.name.startswith("."))
    except OSError as exc:
        return None, [Problem(str(tools_dir), "directory", f"cannot be listed: {exc}")]
    if len(files) > MAX_TOOL_FILES:
        return None, [Problem(str(tools_dir), "directory", f"has over {MAX_TOOL_FILES} files")]
    tools: list[ToolSignature] = []
    for path in files:
        doc, problem = read_toml(path, path.name)
        if problem:
            problems.append(problem)
            continue
        assert doc is not None
        tool, found = check_tool(path.name, path.stem, doc, check_today)
        problems += found
        if tool:
            tools.append(tool)
    if not files:
        problems.append(Problem(str(tools_dir), "directory", "holds no tool signature files"))
    problems += _cross_check(tools)
    if problems:
        return None, problems
    return SignatureSet(
        tools=tuple(tools), version=version, released=released, source=str(directory)
    ), []


def load_database(
    directory: Path, today: dt.date | None = None, *, future_check: bool = False
) -> SignatureSet:
    """Load a database to guard with (no future-date check by default: see check_database),
    or raise SignatureError listing every problem."""
    sigset, problems = check_database(directory, today, future_check=future_check)
    if sigset is None:
        raise SignatureError(problems)
    return sigset


def _cross_check(tools: list[ToolSignature]) -> list[Problem]:
    """Identifiers two tools both claim would make a match ambiguous: reject them."""
    problems: list[Problem] = []

    def claim(kind: str, field: str, tool: ToolSignature, key: str, shown: str) -> None:
        owners = claims[(kind, key)]
        if owners and tool.id not in {o.id for o in owners}:
            other = owners[0]
            problems.append(
                Problem(
                    tool.file, field, f"{shown!r} is already claimed by {other.id} ({other.file})"
                )
            )
        owners.append(tool)

    claims: dict[tuple[str, str], list[ToolSignature]] = defaultdict(list)
    signer_vendors: dict[str, set[str]] = defaultdict(set)
    for tool in tools:
        claim("display name", "name", tool, tool.name.casefold(), tool.name)
        for os_name, names in tool.names.items():
            for n in names:
                if name_key(n) not in GENERIC_NAMES:  # generic names are shared by design
                    claim("name", f"names.{os_name}", tool, name_key(n), n)
        for b in tool.bundle_ids:
            claim("bundle", "macos.bundle_ids", tool, b.casefold(), b)
        for d in tool.desktop_ids:
            claim("desktop", "linux.desktop_ids", tool, d.casefold(), d)
        for p in tool.packages:
            claim("package", "linux.packages", tool, p.casefold(), p)
        for h in tool.sha256:
            claim("sha256", "hashes.sha256", tool, h, h)
        for b in tool.build_ids:
            claim("build-id", "linux.build_ids", tool, b, b)
        for signer in tool.signers:  # one publisher may sign several products of its own
            signer_vendors[signer.casefold()].add(tool.vendor.casefold())
            if len(signer_vendors[signer.casefold()]) > 1:
                problems.append(
                    Problem(
                        tool.file,
                        "signing.signers",
                        f"{signer!r} is claimed by tools of another vendor",
                    )
                )
        for g in tool.installers:
            claim("pattern", "installers.patterns", tool, g.text.casefold(), g.text)
        for pe in tool.pe:
            key = "|".join(sorted(f"{k}={g.text.casefold()}" for k, g in pe.values))
            claim("pe", "pe", tool, key, pe.describe())
    return problems
