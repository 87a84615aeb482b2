"""``scan``: remote-access tools on this computer now — running, installed, or waiting in a
download folder.

A scan is a one-off look, so it can afford what the live watcher cannot: every process's
executable is inspected (PE metadata, bundle id), and every top-level file in the download
folders is checked, renamed or not.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from guard import locations, platform
from guard.identify.evidence import Evidence, Identification
from guard.identify.identifier import Identifier, InspectError
from guard.identify.process import read_process

MAX_FILES_PER_FOLDER = 5000


@dataclass(frozen=True)
class Finding:
    """One tool found in one place."""

    where: str  # "running" | "installed" | "installer"
    verdict: Identification
    pid: int | None = None
    user: str | None = None
    location: str = ""  # path, package name or desktop entry

    def to_json(self) -> dict[str, Any]:
        tool = self.verdict.tool
        assert tool is not None
        return {
            "where": self.where,
            "tool": tool.id,
            "name": tool.name,
            "risk": tool.risk,
            "pid": self.pid,
            "user": self.user,
            "location": self.location,
            "evidence": [e.to_json() for e in self.verdict.evidence],
        }


@dataclass
class ScanReport:
    running: list[Finding] = field(default_factory=list)
    installed: list[Finding] = field(default_factory=list)
    installers: list[Finding] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    processes_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.running or self.installed or self.installers)

    def to_json(self) -> dict[str, Any]:
        return {
            "found": self.found,
            "running": [f.to_json() for f in self.running],
            "installed": [f.to_json() for f in self.installed],
            "installers": [f.to_json() for f in self.installers],
            "folders": self.folders,
            "processes_checked": self.processes_checked,
            "problems": self.problems,
        }


def scan(
    identifier: Identifier, extra_folders: list[Path] | None = None, default_folders: bool = True
) -> ScanReport:
    report = ScanReport()
    _scan_processes(identifier, report)
    _scan_installed(identifier, report)
    folders = (locations.download_folders() if default_folders else []) + (extra_folders or [])
    for folder in folders:
        _scan_folder(identifier, folder, report)
    return report


def _scan_processes(identifier: Identifier, report: ScanReport) -> None:
    me = os.getpid()
    for proc in psutil.process_iter():
        if proc.pid == me:
            continue
        info = read_process(proc)
        if info is None:  # exited while we looked
            continue
        report.processes_checked += 1
        verdict = identifier.identify_process(info, inspect_file=True)
        if verdict.matched:
            report.running.append(
                Finding(
                    "running",
                    verdict,
                    pid=info.pid,
                    user=info.username,
                    location=info.exe or info.name,
                )
            )


def _scan_installed(identifier: Identifier, report: ScanReport) -> None:
    seen: set[str] = set()

    def add(verdict: Identification, location: str) -> None:
        assert verdict.tool is not None
        if verdict.tool.id not in seen:
            seen.add(verdict.tool.id)
            report.installed.append(Finding("installed", verdict, location=location))

    for tool, path in identifier.install_paths.existing():
        # A tool's own install folder existing is the finding; nothing needs reading.
        note = Evidence("install-path", path, f"{tool.name}'s install location exists", tool.id)
        add(Identification(path, tool, (note,), path=path), path)
    for folder in locations.application_folders(identifier.os_name):
        for entry in _list(folder, report):
            if entry.suffix.casefold() == ".app":
                verdict = _safe_file(identifier, str(entry), report)
                if verdict is not None and verdict.matched:
                    add(verdict, str(entry))
    index = identifier.index
    for folder in locations.desktop_entry_folders(identifier.os_name):
        for entry in _list(folder, report):
            hits = index.lookup_exact("desktop-id", entry.name)
            if hits:
                tool = index.tools[hits[0].tool_id]  # type: ignore[index]
                add(Identification(str(entry), tool, tuple(hits), path=str(entry)), str(entry))
    if identifier.os_name == "linux":
        for package in sorted(platform.installed_dpkg_packages(platform.DPKG_STATUS)):
            hits = index.lookup_exact("package", package)
            if hits:
                tool = index.tools[hits[0].tool_id]  # type: ignore[index]
                add(Identification(package, tool, tuple(hits)), f"package {package}")


def _scan_folder(identifier: Identifier, folder: Path, report: ScanReport) -> None:
    if not folder.is_dir():
        return
    report.folders.append(str(folder))
    for entry in _list(folder, report):
        try:
            if not (entry.is_file() or entry.suffix.casefold() == ".app"):
                continue
        except OSError:
            continue
        verdict = _safe_file(identifier, str(entry), report)
        if verdict is not None and verdict.matched:
            report.installers.append(Finding("installer", verdict, location=str(entry)))


def _list(folder: Path, report: ScanReport) -> list[Path]:
    try:
        with os.scandir(folder) as it:
            entries = []
            for i, entry in enumerate(it):
                if i >= MAX_FILES_PER_FOLDER:
                    report.problems.append(
                        f"{folder}: more than {MAX_FILES_PER_FOLDER} entries;"
                        " the rest were not checked"
                    )
                    break
                entries.append(Path(entry.path))
            return sorted(entries)
    except FileNotFoundError:
        return []
    except PermissionError:
        report.problems.append(f"{folder}: permission denied")
    except OSError as exc:
        report.problems.append(f"{folder}: cannot be read ({exc.strerror or exc})")
    return []


def _safe_file(identifier: Identifier, path: str, report: ScanReport) -> Identification | None:
    try:
        return identifier.identify_file(path)
    except InspectError as exc:
        report.problems.append(str(exc))
        return None
