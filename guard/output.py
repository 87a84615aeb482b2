"""Small helpers every command uses to print: JSON one way, errors one line."""

from __future__ import annotations

import json
import sys
from typing import Any


def print_json(data: Any) -> None:
    """Stable JSON for scripts: sorted keys would reorder the documented shape, so we don't."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def warn(message: str) -> None:
    """A one-line notice on stderr that does not change the exit code."""
    print(f"scamguard: {message}", file=sys.stderr)
