"""Packaging checks (``make test-packaging``): every test here is marked ``packaging``, so
``make test`` skips them. They need tools (dpkg, wixl, msiinfo) and sometimes root; on a
developer's machine a missing one skips the test with the reason, but in CI
(``SCAMGUARD_PACKAGING_REQUIRED=1``) it fails, so a broken CI image cannot pass silently."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REQUIRED = os.environ.get("SCAMGUARD_PACKAGING_REQUIRED") == "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.packaging)


def require(condition: object, reason: str) -> None:
    """Skip (or, in CI, fail) unless ``condition`` holds."""
    if condition:
        return
    if REQUIRED:
        pytest.fail(f"packaging check cannot run: {reason}")
    pytest.skip(reason)
