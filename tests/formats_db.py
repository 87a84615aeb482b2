"""A one-tool signature database for the installer/disk-image format tests: DemoDesk has a
program name, a PE identity, a bundle id, a Linux package and a network domain, so each
format's evidence can be traced to exactly one table."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex
from guard.sigdb.loader import load_database
from tests.helpers import tool_toml, write_database


def demo_identifier(root: Path) -> Identifier:
    db = write_database(
        root / "db",
        {
            "demodesk": tool_toml(
                "demodesk",
                "DemoDesk",
                """
            [names]
            windows = ["DemoDesk.exe", "DemoDesk.WindowsClient.exe"]
            macos = ["DemoDesk"]
            [[pe]]
            product = "DemoDesk"
            [[pe]]
            company = "Demo Remote Desk GmbH"
            product = "Helper*"
            [macos]
            bundle_ids = ["com.demo.desk"]
            [linux]
            packages = ["demodesk"]
            [network]
            domains = ["*.demodesk.example"]
            """,
            ),
        },
    )
    return Identifier(SignatureIndex(load_database(db)), os_name="windows", env={}, home=str(root))


def returns_on_a_fifo(path: Path, look: Callable[[Path], object]) -> object:
    """``look(path)`` on a FIFO with no writer, in a thread: it must come back (not block)."""
    os.mkfifo(path)
    result: list[object] = []
    reader = threading.Thread(target=lambda: result.append(look(path)), daemon=True)
    reader.start()
    reader.join(5)
    if not result:
        with open(path, "wb"):  # unblock the reader so the thread ends, then fail
            pass
        raise AssertionError(f"reading {path.name} blocked on a FIFO")
    return result[0]
