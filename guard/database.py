"""Which signature database is active, and falling back safely when one is damaged.

An update installs a newer database under the state folder; the app also ships one. The
guard prefers the installed copy only while it still checks out against the pinned keys,
re-checked at every load (guard/updates/installed_check.py: its signed manifest, then every
file): the state folder belongs to the person's account, and a folder copied in by hand must
never decide what is detected. A refused or damaged copy means the shipped one, with a
one-line reason, so detection never stops because of a bad file on disk. A shipped database
newer than the installed update (an app upgrade overtook the feed) is used instead of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from guard.sigdb.loader import load_database
from guard.sigdb.model import SignatureSet
from guard.sigdb.problems import SignatureError
from guard.state import paths


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
    folder = paths.installed_signatures_dir()
    if folder.is_dir():
        found = _installed(folder)
        if isinstance(found, SignatureSet):
            return ActiveDatabase(found, origin="installed update")
        warning = found
    return ActiveDatabase(
        load_database(paths.builtin_signatures_dir()), origin="built-in", warning=warning
    )


def _installed(folder: Path) -> SignatureSet | str:
    """The installed update's database if it checks out; else why not."""
    # Imported here: the check needs cryptography, and most commands never get this far.
    from guard.updates import installed_check  # noqa: PLC0415

    try:
        installed_check.check(
            folder, installed_check.pinned_content_keys(), installed_check.followed_channel()
        )
    except installed_check.Refused as exc:
        return f"the installed signature update was refused ({exc}); using the built-in one"
    except Exception as exc:  # whatever is on disk, the guard must start on something
        return f"the installed signature update cannot be checked ({exc!r}); using the built-in one"
    try:
        signatures = load_database(folder)
    except SignatureError as exc:
        return f"the installed signature update is damaged ({exc}); using the built-in one"
    except Exception as exc:
        return f"the installed signature update cannot be read ({exc!r}); using the built-in one"
    return signatures
