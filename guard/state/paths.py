"""Where ScamGuard keeps its files: every stored path (the journal, the quarantine, the
settings, the machine folder, the state folder and its fallback) is decided here.

``SCAMGUARD_HOME=DIR`` puts config, state, journal and quarantine under one folder (tests and
benchmarks rely on it, so they never touch a real profile); otherwise each goes to the
per-OS location platformdirs chooses.

An installed build (PyInstaller, ``sys.frozen``) ignores ``SCAMGUARD_HOME`` unless an
administrator allowed test homes in the machine-wide config (``"allow_test_home": true``):
the variable also moves the machine-wide settings (the installed provider, the feed, the
keys), and a caller can get a variable into a person's login session without any admin
rights (``systemctl --user set-environment``, ``launchctl setenv``, ``setx``).
"""

from __future__ import annotations

import contextlib
import functools
import getpass
import hashlib
import json
import os
import re
import stat
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from guard import platform
from guard.errors import FILE_IN_THE_WAY, describe_os_error
from guard.platform import service_host
from guard.platform.ownership import admin_owned_reason

APP = platform.APP
ENV_HOME = "SCAMGUARD_HOME"
ENV_ONLY_UNDER = "SCAMGUARD_ONLY_UNDER"
ALLOW_TEST_HOME = "allow_test_home"
MACHINE_CONFIG = "config.json"
SETTINGS_FILE = "settings.json"


_SERVICE_LAYOUT = threading.Event()  # set once, by the service process, before any path use


def use_service_layout() -> None:
    """This process is the privileged guard service: its settings (trust list, provider) are
    the machine folder's and its state (journal, quarantine, updates) the service's own
    administrator-only folder, so nothing a user can write steers it."""
    _SERVICE_LAYOUT.set()


def service_layout() -> bool:
    return _SERVICE_LAYOUT.is_set()


def for_everyone_mode() -> int | None:
    """The mode of a file the service writes for every account to read (its settings, the
    pointer to its installed update and its state): 0644. None in anyone else's process:
    private, as ``tempfile.mkstemp`` makes it."""
    return 0o644 if service_layout() else None


_FOLLOW_SERVICE = threading.Event()  # set by the tray while the guard service is its guard


def follow_service_updates(on: bool = True) -> None:
    """This process shows what the guard service decides (the tray, connected to it): the
    update in use, signatures and phone numbers both, is the one the service installed.
    The service keeps the update schedule then, and nothing installs one in this person's
    own state folder, so without this a corrected number published by support staff would
    reach the service but never the warning the person sees."""
    if on:
        _FOLLOW_SERVICE.set()
    else:
        _FOLLOW_SERVICE.clear()


def following_service_updates() -> bool:
    return _FOLLOW_SERVICE.is_set()


def service_endpoint() -> str:
    """Where the service listens (``guard/platform/service_host.py``); in a test home, a
    socket of that home's own (kept under the 108 bytes a Unix socket path may have) or a
    pipe named after it, so tests never meet a real service."""
    home = _home()
    if home is None:
        return service_host.service_endpoint()
    digest = hashlib.sha256(str(home).encode("utf-8", "surrogateescape")).hexdigest()[:12]
    if platform.current_os() == "windows":
        return f"{service_host.PIPE_NAME}.{digest}"
    socket_path = home / "run" / "service.sock"
    if len(str(socket_path).encode()) <= 100:
        return str(socket_path)
    return str(Path(tempfile.gettempdir()) / f"scamguard-{digest}.sock")


def _home() -> Path | None:
    value = os.environ.get(ENV_HOME, "").strip()
    if not value:
        return None
    if getattr(sys, "frozen", False) and not test_homes_allowed():
        return None
    return Path(value).expanduser()


def overridden() -> bool:
    """Is this a test or staging run with its own ScamGuard home (SCAMGUARD_HOME)?"""
    return _home() is not None


def confined_to() -> Path | None:
    """``SCAMGUARD_ONLY_UNDER=DIR``, honoured only in a test home (``overridden()``): the bare
    ``scamguard`` command (tray or headless) then acts only on programs and files under DIR,
    so a test can run an installed build without touching anything else."""
    value = os.environ.get(ENV_ONLY_UNDER, "").strip()
    return Path(value) if value and overridden() else None


def system_machine_dir() -> Path:
    """The machine-wide settings folder, fixed per OS whatever the environment says."""
    return platform.machine_dir()


def machine_dir() -> Path:
    """``system_machine_dir()``: fixed per OS; ``$SCAMGUARD_HOME/machine`` in a test."""
    value = _home()
    if value:
        return value / "machine"
    return system_machine_dir()


@functools.lru_cache(maxsize=1)
def test_homes_allowed() -> bool:
    """Did an administrator allow test homes in an installed build (packaging tests,
    staging)? Read once, from the real machine config, which must be an administrator's
    alone (the same checks as every machine-wide file: guard/platform/ownership.py)."""
    path = system_machine_dir() / MACHINE_CONFIG
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    with os.fdopen(fd, "rb") as fh:
        if admin_owned_reason(path, os.fstat(fh.fileno())):
            return False
        raw = fh.read(16 * 1024)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(data, dict) and data.get(ALLOW_TEST_HOME) is True


def config_dir() -> Path:
    """Per-user settings (active provider, trusted tools); the service's are the machine's."""
    if service_layout():
        return machine_dir()
    home = _home()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP, appauthor=False))


def settings_path() -> Path:
    """The person's settings file (guard/state/settings.py); the service's own."""
    return config_dir() / SETTINGS_FILE


def service_settings_path() -> Path:
    """The guard service's settings (its trust list, its provider), in the machine folder,
    for the commands and windows that show them to a person."""
    return machine_dir() / SETTINGS_FILE


def configured_state_dir() -> Path:
    """Where state belongs (``SCAMGUARD_HOME/state`` or the per-OS folder), usable or not."""
    home = _home()
    if service_layout():
        return service_state_root()
    return home / "state" if home else Path(platformdirs.user_state_dir(APP, appauthor=False))


def service_state_root() -> Path:
    """The guard service's state folder (``$SCAMGUARD_HOME/service`` in a test home)."""
    home = _home()
    return home / "service" if home else service_host.service_state_dir()


def service_installed() -> bool:
    """Has the guard service run on this computer (its health record exists), so a window
    that cannot reach it should wait for it rather than guard on its own?"""
    return (service_state_root() / "health.json").is_file()


def service_journal_path() -> Path:
    """The guard service's journal: the computer's record, which every account may read
    (``history`` and the History window show it when the service runs)."""
    return service_state_root() / "journal.db"


def state_dir() -> Path:
    """Installed updates, journal, quarantine: things the guard writes as it runs.

    The configured folder when it can be written; otherwise a private temporary folder
    (``fallback_reason`` says why), so a broken home never stops the guard. Decided once per
    process and per configured folder."""
    return _state().path


def fallback_reason() -> str:
    """Why state is kept in a temporary folder, in one line ("" when it is not): for the
    journal and the tray, so "protecting" never hides that the journal is somewhere else."""
    return _state().reason


def runtime_dir() -> Path | None:
    """A private folder of this user's that every ScamGuard of this user (and this
    configured state folder) agrees on, whatever state the state folder is in: where the
    guard's lock lives when the state folder cannot be used, and where the temporary state
    folder is named for the other commands (``history``, ``allow``).

    ``/run/user/UID`` where the system keeps one (Linux; private to the user), else the
    temp folder (per-user on Windows and macOS). None when the folder there is not this
    user's own and private (another account made it first, or it is a link)."""
    configured = str(configured_state_dir()).encode("utf-8", "surrogateescape")
    name = f"scamguard-{_user_key()}-{hashlib.sha256(configured).hexdigest()[:12]}"
    base = Path(tempfile.gettempdir())
    if hasattr(os, "getuid"):
        run = Path("/run/user") / str(os.getuid())
        if _private_folder(run):
            base = run
    folder = base / name
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    return folder if _private_folder(folder) else None


@dataclass(frozen=True)
class _State:
    path: Path
    reason: str


_STATES: dict[Path, _State] = {}
_STATES_LOCK = threading.Lock()
FALLBACK_NOTE = "state-fallback"  # in runtime_dir(): the temporary state folder in use


def _state() -> _State:
    configured = configured_state_dir()
    with _STATES_LOCK:
        found = _STATES.get(configured)
        if found is None:
            found = _STATES[configured] = _resolve_state(configured)
    return found


def _resolve_state(configured: Path) -> _State:
    why = unusable_reason(configured)
    if not why:
        return _State(configured, "")
    try:
        temporary = _temporary_state()
    except OSError as exc:
        return _State(
            configured,
            f"the ScamGuard folder {configured} cannot be used ({why}) and no temporary "
            f"folder could be made ({exc.strerror or exc}); guarding anyway, but nothing is "
            "being recorded",
        )
    return _State(
        temporary,
        f"the ScamGuard folder {configured} cannot be used ({why}); guarding anyway, with "
        f"the journal and quarantine in the temporary folder {temporary} until it is fixed",
    )


def unusable_reason(folder: Path) -> str:
    """Why ``folder`` cannot hold ScamGuard's state, in a few words ("" when it can): made
    if missing, then a file really created and removed in it (permissions, a read-only
    disk, a file standing where a folder should be)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".scamguard-probe-", suffix=".tmp")
        os.close(fd)
        os.unlink(probe)
    except (FileExistsError, NotADirectoryError):
        return FILE_IN_THE_WAY
    except PermissionError:
        return "permission denied"
    except OSError as exc:
        # Windows says "path not found" (error 3) where a file stands in the way.
        return FILE_IN_THE_WAY if _file_in_the_way(folder) else describe_os_error(exc)
    return ""


def _file_in_the_way(folder: Path) -> bool:
    """Is the nearest part of ``folder`` that exists a file rather than a folder?"""
    for part in (folder, *folder.parents):
        if part.exists():
            return not part.is_dir()
    return False


def _temporary_state() -> Path:
    """A private temporary state folder (mode 0700, ``tempfile.mkdtemp``): the one another
    ScamGuard of this user already uses (named in ``runtime_dir()``), else a new one, so
    ``history`` and ``allow`` find the guard's journal."""
    shared = runtime_dir()
    note = shared / FALLBACK_NOTE if shared is not None else None
    if note is not None:
        named = _read_note(note)
        if named is not None:
            return named
    made = Path(tempfile.mkdtemp(prefix="scamguard-state-"))
    if note is None:
        return made
    staged = note.with_name(f".{FALLBACK_NOTE}-{os.getpid()}")
    try:
        staged.write_text(str(made), encoding="utf-8")
        for _attempt in range(2):
            try:
                os.link(staged, note)  # whole or not at all, and never over another's
                return made
            except FileExistsError:
                named = _read_note(note)
                if named is not None:  # another process named its folder first: share it
                    with contextlib.suppress(OSError):
                        made.rmdir()
                    return named
                note.unlink()  # names a folder that is gone (the temp cleaner)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            staged.unlink()
    return made


def _read_note(note: Path) -> Path | None:
    try:
        named = Path(note.read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError):
        return None
    return named if named.is_absolute() and _private_folder(named) else None


def _private_folder(folder: Path) -> bool:
    """Is ``folder`` a real folder (not a link), this user's, that nobody else can enter?"""
    try:
        st = os.lstat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode):
        return False
    if hasattr(os, "getuid"):
        return st.st_uid == os.getuid() and not st.st_mode & 0o077
    return True  # Windows: the per-user temp folder's own permissions


def _user_key() -> str:
    if hasattr(os, "getuid"):
        return str(os.getuid())
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    return hashlib.sha256(user.encode("utf-8", "surrogateescape")).hexdigest()[:8]


def journal_path() -> Path:
    """The journal: every detection, decision and change, for whoever helps afterwards."""
    return state_dir() / "journal.db"


def quarantine_dir() -> Path:
    """Where blocked downloads are moved (guard/engine/quarantine.py)."""
    return state_dir() / "quarantine"


def updates_dir() -> Path:
    """Installed updates: version folders and the ``current`` pointer (guard.updates). The
    service's while this process follows it (``follow_service_updates``): readable by every
    account, written only by the service."""
    if _FOLLOW_SERVICE.is_set() and not service_layout():
        return service_state_root() / "updates"
    return state_dir() / "updates"


def installed_signatures_dir() -> Path:
    """The installed update in use: the folder the ``current`` pointer names. A path that
    does not exist when nothing (valid) is installed, so callers fall back to the built-in
    database."""
    base = updates_dir()
    try:
        name = (base / "current").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return base / "none"
    if not re.fullmatch(r"v[0-9]{1,16}-[0-9a-f]{8}", name):
        return base / "none"
    return base / name


def builtin_signatures_dir() -> Path:
    """The database shipped with this copy of ScamGuard.

    Three layouts reach here: a source checkout or editable install (``signatures/`` beside
    ``guard/``), a wheel (copied into ``guard/_builtin``), and a PyInstaller build (unpacked
    under ``sys._MEIPASS``).
    """
    here = Path(__file__).resolve().parent.parent  # guard/
    candidates = [here / "_builtin" / "signatures", here.parent / "signatures"]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.insert(0, Path(frozen) / "signatures")
    for candidate in candidates:
        if (candidate / "tools").is_dir():
            return candidate
    return candidates[-1]
