"""File hashing: capped by size before any byte is read."""

from pathlib import Path

from guard.identify.hashing import sha256_file


def test_hash_skips_oversized_files_without_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.iso"
    with big.open("wb") as fh:
        fh.truncate(2048)  # sparse: size says 2 KiB
    assert sha256_file(big, max_bytes=1024) is None
    assert sha256_file(big, max_bytes=4096) == (
        "e5a00aa9991ac8a5ee3109844d84a55583bd20572ad3ffcd42792f3c36b183ad"
    )
    assert sha256_file(tmp_path / "missing") is None
