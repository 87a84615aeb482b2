"""SHA-256 of a file, read in chunks with a cap so a huge file cannot stall the guard, and
opened so that a FIFO or device swapped in under the name cannot block it (regular_file)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import BinaryIO

from guard.identify.regular_file import open_regular

# Remote-access tools and their installers are far smaller; an ISO or a video in Downloads is
# skipped by its size without a byte being read.
MAX_HASH_BYTES = 256 * 1024 * 1024
_CHUNK = 1024 * 1024


def sha256_file(path: Path, max_bytes: int = MAX_HASH_BYTES) -> str | None:
    """Hex digest, or None when the file is larger than ``max_bytes``, cannot be read, or is
    not a regular file."""
    try:
        fh, st = open_regular(path)
        with fh:
            return sha256_handle(fh, st.st_size, max_bytes)
    except OSError:
        return None


def sha256_handle(fh: BinaryIO, size: int, max_bytes: int = MAX_HASH_BYTES) -> str | None:
    """The digest of an open file from its start (its ``size`` as fstat saw it), or None
    when it is, or grows while read, larger than ``max_bytes``. Raises OSError."""
    if size > max_bytes:
        return None
    digest = hashlib.sha256()
    total = 0
    fh.seek(0)
    while chunk := fh.read(_CHUNK):
        total += len(chunk)
        if total > max_bytes:  # grew while we read it
            return None
        digest.update(chunk)
    return digest.hexdigest()
