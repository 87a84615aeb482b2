"""Writing a pack to a file: whole or not at all, and a one-line reason when it cannot be.

A half-written pack could be printed and handed to a bank without anyone noticing the end is
missing, so the file appears only once it is complete (written beside it, then renamed). No
folder is created: a mistyped folder gets a clear reason instead of a new folder somewhere.
"""

from __future__ import annotations

from pathlib import Path

from guard import files
from guard.errors import describe_os_error
from guard.report import html
from guard.report.build import ReportError
from guard.report.model import RecoveryPack

FORMATS = (".pdf", ".html")


def check_target(path: Path) -> str:
    """The format of ``path`` (``.pdf`` or ``.html``, from its extension; ``.htm`` counts as
    HTML) before any work is done; ReportError with the reason when it cannot be one."""
    suffix = path.suffix.lower()
    if suffix == ".htm":
        suffix = ".html"
    if suffix not in FORMATS:
        raise ReportError(
            f"{path}: the file name must end in .pdf or .html"
            + (f", not {path.suffix}" if path.suffix else "")
        )
    if path.is_dir():
        raise ReportError(f"{path} is a folder; give a file name ending in {suffix}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        why = "is not a folder" if folder.exists() else "does not exist"
        raise ReportError(f"{path} cannot be written: {folder} {why}")
    return suffix


def save_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole (temporary file, then rename); ReportError if not."""
    check_target(path)
    try:
        files.write_atomic(path, data)
    except OSError as exc:
        raise ReportError(f"{path} cannot be written ({describe_os_error(exc)})") from None


def write_html(pack: RecoveryPack, path: Path) -> None:
    save_bytes(path, html.render(pack).encode("utf-8"))
