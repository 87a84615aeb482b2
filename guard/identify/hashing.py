"""SHA-256 of a file, read in chunks with a cap so a huge file cannot stall the guard."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

# Remote-access tools and their installers are far smaller; an ISO or a video in Downloads is
# skipped by its size without a byte being read.
MAX_HASH_BYTES = 256 * 1024 * 1024
_CHUNK = 1024 * 1024


def sha256_file(path: Path, max_bytes: int = MAX_HASH_BYTES) -> str | None:
    """Hex digest, or None when the file is larger than ``max_bytes`` or cannot be read."""
    digest = hashlib.sha256()
    total = 0
    try:
        with path.open("rb") as fh:
            if os.fstat(fh.fileno()).st_size > max_bytes:
                return None
            while chunk := fh.read(_CHUNK):
                total += len(chunk)
                if total > max_bytes:  # grew while we read it
                    return None
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()
