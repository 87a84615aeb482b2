"""Version information from Windows executables, read with pefile and kept cheap and safe.

A renamed binary ("TalkTalk Support.exe") still carries the vendor's CompanyName, ProductName
and OriginalFilename in its version resource; that is how we see through the disguise.
pefile memory-maps the file, so only the header and the resource pages are actually read.
Anything that is not a well-formed PE (a truncated download, a text file named .exe) simply
yields no PE evidence; it is never an error.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pefile

# Larger files are not parsed: no real remote-access executable is this big, and a huge map
# on a slow disk is not worth the guard's time.
MAX_PE_FILE_BYTES = 1024 * 1024 * 1024
MAX_VALUE_CHARS = 200
KEYS = ("CompanyName", "ProductName", "OriginalFilename", "FileDescription", "InternalName")

# pefile logs warnings about odd files at WARNING level; they are not ours to show.
logging.getLogger("pefile").setLevel(logging.ERROR)


def looks_like_pe(path: Path) -> bool:
    """True when the file starts with the 'MZ' DOS signature every PE file has."""
    try:
        with path.open("rb") as fh:
            return fh.read(2) == b"MZ"
    except OSError:
        return False


def read_version_info(path: Path) -> dict[str, str]:
    """The version-resource strings we match on, or {} for anything that is not a usable PE."""
    try:
        if path.stat().st_size > MAX_PE_FILE_BYTES or not looks_like_pe(path):
            return {}
        pe = pefile.PE(str(path), fast_load=True)
    except (OSError, pefile.PEFormatError, ValueError):
        return {}
    try:
        pe.parse_data_directories(
            directories=[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_RESOURCE"]]
        )
        return _strings(pe)
    except Exception:
        return {}
    finally:
        pe.close()


def _strings(pe: pefile.PE) -> dict[str, str]:
    found: dict[str, str] = {}
    for file_info in getattr(pe, "FileInfo", None) or []:
        for entry in file_info:
            for table in getattr(entry, "StringTable", None) or []:
                for raw_key, raw_value in table.entries.items():
                    key = _text(raw_key)
                    if key in KEYS and key not in found:
                        value = _text(raw_value).strip()
                        if value:
                            found[key] = value[:MAX_VALUE_CHARS]
    return found


def _text(value: bytes | str) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value
