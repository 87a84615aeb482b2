"""Which signature database is active, and falling back safely when one is damaged.

An update installs a newer database under the state folder; the app also ships one. The
guard always prefers the installed copy and falls back to the shipped one if the installed
copy fails to load, so detection never stops because of a bad file on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from guard import home
from guard.sigdb.loader import load_database
from guard.sigdb.model import SignatureSet
from guard.sigdb.problems import SignatureError


@dataclass(frozen=True)
class ActiveDatabase:
    """The loaded database and, when a fallback happened, the one-line reason why."""

    signatures: SignatureSet
    origin: str  # "installed update" or "built-in"
    warning: str = ""


def load_active(directory: Path | None = None) -> ActiveDatabase:
    """Load ``directory`` if given (errors propagate), else the best available database."""
    if directory is not None:
        return ActiveDatabase(load_database(directory), origin=str(directory))
    warning = ""
    installed = home.installed_signatures_dir()
    if installed.is_dir():
        try:
            return ActiveDatabase(load_database(installed), origin="installed update")
        except SignatureError as exc:
            warning = f"the installed signature update is damaged ({exc}); using the built-in one"
        except Exception as exc:  # whatever is on disk, the guard must start on something
            warning = (
                f"the installed signature update cannot be read ({exc!r}); using the built-in one"
            )
    return ActiveDatabase(
        load_database(home.builtin_signatures_dir()), origin="built-in", warning=warning
    )
