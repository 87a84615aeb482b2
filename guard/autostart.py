"""Start the tray app when the person logs in: one small interface, one adapter per OS.

The settings window's "Start ScamGuard when I log in" checkbox is the only caller, so every
method either does what it says or raises :class:`AutostartError` with one line naming the
file or registry key, which the window can show as it is: never a traceback. Protection that
silently fails to come back after a reboot is the failure that matters here, so
:meth:`Autostart.is_enabled` answers "will the session actually start it?", not "did we
write something once?".

- Linux and other Unixes: a freedesktop autostart entry,
  ``$XDG_CONFIG_HOME/autostart/scamguard.desktop``. A machine-wide entry under
  ``$XDG_CONFIG_DIRS`` (an ISP's package installs one for every user) is honoured, and is
  switched off for one person the spec's way: a same-named per-user file with ``Hidden=true``.
- Windows: the ``ScamGuard`` value under ``HKCU\\Software\\Microsoft\\Windows\\
  CurrentVersion\\Run``, behind a three-method registry adapter so the logic is tested
  anywhere; ``winreg`` is imported only when a real key is touched.
- macOS: a LaunchAgent plist in ``~/Library/LaunchAgents``.

Nothing here imports Qt or ``ui``.
"""

from __future__ import annotations

import contextlib
import os
import plistlib
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Protocol, TypeVar, runtime_checkable

from guard import files
from guard.errors import ScamGuardError
from guard.oskind import current_os

APP_NAME = "ScamGuard"
MAX_ENTRY_BYTES = 64 * 1024  # an autostart entry or plist is a few hundred bytes

_T = TypeVar("_T")


class AutostartError(ScamGuardError):
    """Start-at-login could not be read or changed. The message is one line naming the
    file or registry key, fit to show the person (or read out to their ISP) as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


@runtime_checkable
class Autostart(Protocol):
    """What the settings window needs, the same on every OS."""

    def is_enabled(self) -> bool:
        """Will the tray be started at the next login? (Raises if that cannot be read.)"""
        ...

    def enable(self, command: Sequence[str]) -> None:
        """Start ``command`` (an argv, see :func:`tray_command`) at every login."""
        ...

    def disable(self) -> None:
        """Stop starting the tray at login (for this person only)."""
        ...

    def describe(self) -> str:
        """One line saying where the registration lives (a path or a registry key)."""
        ...

    def for_everyone(self) -> str:
        """Where the installer registered the tray for every user ("" if it did not): the
        person's own setting then does not matter, and only an administrator can change it."""
        ...


def for_this_system(os_name: str | None = None, env: Mapping[str, str] | None = None) -> Autostart:
    """The adapter for ``os_name`` (``linux``, ``macos``, ``windows``; default: this OS).

    ``env`` stands in for ``os.environ`` (``HOME``, ``XDG_CONFIG_HOME``, ``XDG_CONFIG_DIRS``,
    ``XDG_CURRENT_DESKTOP``) so tests never touch a real profile.
    """
    name = os_name or current_os()
    environ: Mapping[str, str] = os.environ if env is None else env
    if name == "linux":
        return XdgAutostart(environ)
    if name == "macos":
        return LaunchAgentAutostart(_home_dir(environ))
    if name == "windows":
        return WindowsAutostart()
    raise ValueError(f"unknown OS name {name!r} (expected linux, macos or windows)")


def tray_command(
    *,
    executable: str | None = None,
    frozen: bool | None = None,
    os_name: str | None = None,
    env: Mapping[str, str] | None = None,
) -> list[str]:
    """How to launch the tray from this install, as an argv for :meth:`Autostart.enable`.

    - A PyInstaller build (``sys.frozen``) is one program: ``[sys.executable]``; inside an
      AppImage that path is a mount that changes every run, so ``$APPIMAGE`` instead.
    - Otherwise the ``scamguard`` console script beside the interpreter (a venv's or
      pipx's ``bin``), so the process list shows "scamguard" rather than "python".
    - On Windows ``pythonw.exe -m ui`` instead: the console script there is a console
      program, and a black window at every login (closing it kills the guard) is worse than
      the generic name.
    - Else ``[sys.executable, "-m", "ui"]``.

    The keyword arguments stand in for ``sys.executable``, ``sys.frozen``, the OS and
    ``os.environ`` in tests.
    """
    raw = executable if executable is not None else sys.executable
    if not raw:
        raise AutostartError("cannot tell which program is running ScamGuard")
    exe = os.path.abspath(raw)  # not resolve(): a venv's python is a symlink we must keep
    is_frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    if is_frozen:
        appimage = (os.environ if env is None else env).get("APPIMAGE", "")
        return [appimage] if os.path.isabs(appimage) else [exe]
    folder = Path(exe).parent
    if (os_name or current_os()) == "windows":
        pythonw = folder / "pythonw.exe"
        return [str(pythonw) if pythonw.is_file() else exe, "-m", "ui"]
    script = folder / "scamguard"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [exe, "-m", "ui"]


def login_command(
    *,
    executable: str | None = None,
    frozen: bool | None = None,
    os_name: str | None = None,
    env: Mapping[str, str] | None = None,
) -> list[str]:
    """What a person's own start-at-login entry runs: the tray under ``keep-running``, so a
    tray ended in Task Manager comes back; on macOS the tray itself (launchd's
    ``KeepAlive`` does the restarting there). Arguments as for :func:`tray_command`."""
    command = tray_command(executable=executable, frozen=frozen, os_name=os_name, env=env)
    return command if (os_name or current_os()) == "macos" else [*command, "keep-running"]


# --- Linux: freedesktop autostart --------------------------------------------------------

DESKTOP_FILE = "scamguard.desktop"
DESKTOP_GROUP = "Desktop Entry"
MARKER_KEY = "X-ScamGuard"  # present in every file we write; absent = someone else's file
DEFAULT_CONFIG_DIRS = "/etc/xdg"

# Desktop Entry spec, "The Exec key": an argument containing any of these must be quoted.
_EXEC_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#`()")
# ...and inside double quotes these four must be backslash-escaped.
_EXEC_ESCAPED_IN_QUOTES = frozenset('"`$\\')


def exec_quote(arg: str) -> str:
    """One argument quoted for an ``Exec=`` line, before the file's string escaping.

    Per the Desktop Entry spec: an argument with a reserved character (or an empty one) is
    put in double quotes, inside which a double quote, backtick, dollar or backslash gets a
    backslash before it; ``%`` starts a field code everywhere, so a literal one is ``%%``.
    """
    if not arg or any(c in _EXEC_RESERVED for c in arg):
        arg = '"' + "".join("\\" + c if c in _EXEC_ESCAPED_IN_QUOTES else c for c in arg) + '"'
    return arg.replace("%", "%%")


def exec_value(command: Sequence[str]) -> str:
    """The text after ``Exec=`` in the file for ``command``.

    Exec is a string-type value, whose own escaping (``\\\\`` for a backslash) is undone
    before the Exec quoting is, so every backslash the quoting produced is doubled: a
    literal backslash inside a quoted argument ends up as four in the file, as the spec says.
    """
    return " ".join(exec_quote(arg) for arg in command).replace("\\", "\\\\")


def launchable(command: Sequence[str]) -> list[str]:
    """``command``, run through ``env`` (or ``sh`` if ``env`` would misread it) when the
    program's own path has a ``%``.

    The quoting is right either way, but GLib (GNOME's loader) looks the program up before
    it turns ``%%`` back into ``%``, finds no such file and silently skips the whole entry;
    arguments are not looked up, so moving the path to the second place avoids that. ``env``
    takes a leading ``NAME=VALUE`` as a variable, so a path that also has ``=`` goes through
    ``sh -c 'exec "$0" "$@"'`` instead.
    """
    argv = list(command)
    if "%" not in argv[0]:
        return argv
    if "=" not in argv[0]:
        return ["env", *argv]
    return ["sh", "-c", 'exec "$0" "$@"', *argv]


class XdgAutostart:
    """``scamguard.desktop`` in the user's autostart folder, per the freedesktop autostart
    spec, which GNOME, KDE, Xfce, Cinnamon, MATE, LXQt and most others follow.

    Ownership: every file we write carries ``X-ScamGuard=1``. A file under our name without
    it was written by someone else (the person, an admin, GNOME Tweaks copying a menu entry)
    and is never deleted:

    - ``disable()`` sets ``Hidden=true`` in it, in place, leaving every other line as it was.
      ``Hidden=true`` is the spec's own "this entry is switched off", honoured by every
      session; deleting or renaming the file would lose, or hide from its author, work that
      is not ours, and the edit is undone by removing one line.
    - ``enable()`` moves it aside to ``scamguard.desktop.replaced-<time>`` (not ``.desktop``,
      so sessions ignore it) and writes ours: the person asked for ScamGuard to start, and
      only one file can have the name.

    A machine-wide entry (``$XDG_CONFIG_DIRS``, default ``/etc/xdg``) is used when the user
    has none; ``disable()`` then writes a per-user ``Hidden=true`` entry (ours), the spec's
    way for one user to switch off a system entry, and ``enable()`` overwrites that with a
    full entry, so the tick always means "this command", even if the system entry is for
    another desktop.
    """

    def __init__(self, env: Mapping[str, str] | None = None, home: str | Path | None = None):
        environ: Mapping[str, str] = os.environ if env is None else env
        config_home = environ.get("XDG_CONFIG_HOME", "")
        # The base-directory spec: relative paths in these variables are invalid; ignore them.
        if os.path.isabs(config_home):
            user_config = Path(config_home)
        else:
            user_config = (Path(home) if home is not None else _home_dir(environ)) / ".config"
        self.user_file = user_config / "autostart" / DESKTOP_FILE
        dirs = [d for d in environ.get("XDG_CONFIG_DIRS", "").split(":") if os.path.isabs(d)]
        self.system_files = tuple(
            Path(d) / "autostart" / DESKTOP_FILE for d in (dirs or [DEFAULT_CONFIG_DIRS])
        )
        self.desktops = frozenset(d for d in environ.get("XDG_CURRENT_DESKTOP", "").split(":") if d)

    def is_enabled(self) -> bool:
        # Of same-named files only the one in the most important folder is used, user first.
        for path in (self.user_file, *self.system_files):
            entry = _read_desktop_entry(path)
            if entry is not None:
                return self._starts(entry)
        return False

    def enable(self, command: Sequence[str]) -> None:
        argv = _check_command(command)
        for arg in argv:
            _check_desktop_text(arg, self.user_file)
        existing = _read_desktop_entry(self.user_file)
        if existing is not None and not _is_ours(existing):
            _move_aside(self.user_file)
        text = _desktop_entry_text(launchable(argv))
        _write_atomic(self.user_file, text.encode("utf-8"))

    def disable(self) -> None:
        existing = _read_desktop_entry(self.user_file)
        if existing is not None and not _is_ours(existing):
            if DESKTOP_GROUP in existing and not _is_true(existing.get("Hidden")):
                _hide_in_place(self.user_file)
            return
        if self._system_entry() is not None:
            _write_atomic(self.user_file, _hidden_entry_text().encode("utf-8"))
        elif existing is not None:
            _remove(self.user_file)

    def describe(self) -> str:
        line = f"freedesktop autostart entry {self.user_file}"
        machine = self._system_entry()
        return f"{line} (machine-wide: {machine})" if machine else line

    def for_everyone(self) -> str:
        machine = self._system_entry()
        entry = _read_desktop_entry(machine) if machine else None
        return str(machine) if entry is not None and self._starts(entry) else ""

    def _system_entry(self) -> Path | None:
        return next((p for p in self.system_files if os.path.lexists(p)), None)

    def _starts(self, entry: dict[str, str]) -> bool:
        """Would a session start this entry? The checks the spec (and GNOME) make."""
        if entry.get("Type") != "Application" or not entry.get("Exec"):
            return False
        if _is_true(entry.get("Hidden")) or _is_false(entry.get("X-GNOME-Autostart-enabled")):
            return False
        only, never = _list(entry.get("OnlyShowIn")), _list(entry.get("NotShowIn"))
        if only and not only & self.desktops:
            return False
        return not never & self.desktops


def _desktop_entry_text(argv: Sequence[str]) -> str:
    # Delay 5 s: long enough for the panel's tray to exist, short because protection that
    # starts late is the gap a caller on the phone could use.
    return (
        '# Written by ScamGuard: "Start ScamGuard when I log in" in its settings.\n'
        f"[{DESKTOP_GROUP}]\n"
        "Type=Application\n"
        f"Name={APP_NAME}\n"
        "Comment=Stops remote-access scams: freezes remote-control programs\n"
        f"Exec={exec_value(argv)}\n"
        "Icon=scamguard\n"
        "Terminal=false\n"
        "NoDisplay=true\n"
        "X-GNOME-Autostart-enabled=true\n"
        "X-GNOME-Autostart-Delay=5\n"
        f"{MARKER_KEY}=1\n"
    )


def _hidden_entry_text() -> str:
    # No Exec: a Hidden entry "should be treated as if it does not exist" (spec), and one
    # that some session did try to start must start nothing.
    return (
        "# Written by ScamGuard: switches off, for this user only, the machine-wide entry\n"
        '# of the same name. Tick "Start ScamGuard when I log in" to undo.\n'
        f"[{DESKTOP_GROUP}]\n"
        "Type=Application\n"
        f"Name={APP_NAME}\n"
        "Hidden=true\n"
        "X-GNOME-Autostart-enabled=false\n"
        f"{MARKER_KEY}=1\n"
    )


def _read_desktop_entry(path: Path) -> dict[str, str] | None:
    """The keys of the file's ``[Desktop Entry]`` group (a repeated key: the last wins, as
    in GLib);
    ``None`` if there is no file. A file without the group gives ``{}``: it still hides
    same-named entries in less important folders, but starts nothing."""
    raw = _read_small(path)
    if raw is None:
        return None
    entry: dict[str, str] = {}
    group: str | None = None
    for line in raw.decode("utf-8", errors="surrogateescape").splitlines():
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if text.startswith("[") and text.endswith("]"):
            group = text[1:-1]
            if group == DESKTOP_GROUP:
                entry.setdefault(DESKTOP_GROUP, "")  # remember that the group exists
            continue
        if group == DESKTOP_GROUP and "=" in text:
            key, _, value = text.partition("=")
            entry[key.strip()] = value.strip()
    return entry


def _hide_in_place(path: Path) -> None:
    """Make every ``Hidden=`` line of the ``[Desktop Entry]`` group ``Hidden=true`` (adding
    one at the end of the group if there is none), keeping all other bytes and the mode."""
    raw = _read_small(path, limit=None)  # all of it: nothing of theirs may be cut off
    if raw is None:
        return
    lines = raw.decode("utf-8", errors="surrogateescape").splitlines(keepends=True)
    out: list[str] = []
    in_group = found = False

    def close_group() -> None:
        if in_group and not found:
            if out and not out[-1].endswith(("\n", "\r")):
                out[-1] += "\n"
            out.append("Hidden=true\n")

    for line in lines:
        text = line.strip()
        if text.startswith("[") and text.endswith("]"):
            close_group()
            in_group, found = text[1:-1] == DESKTOP_GROUP, False
        elif in_group and "=" in text and text.partition("=")[0].strip() == "Hidden":
            out.append("Hidden=true\n")
            found = True
            continue
        out.append(line)
    close_group()
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        mode = 0o644
    _write_atomic(path, "".join(out).encode("utf-8", errors="surrogateescape"), mode)


def _is_ours(entry: Mapping[str, str]) -> bool:
    return _is_true(entry.get(MARKER_KEY))


def _is_true(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("true", "1")


def _is_false(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("false", "0")


def _list(value: str | None) -> frozenset[str]:
    return frozenset(v.strip() for v in (value or "").split(";") if v.strip())


def _check_desktop_text(arg: str, path: Path) -> None:
    """A desktop entry is UTF-8 text with no control characters in its values."""
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        raise AutostartError(
            f"cannot write {path}: the program path is not valid UTF-8 ({arg!r})"
        ) from None
    if any(ord(c) < 32 or ord(c) == 127 for c in arg):
        raise AutostartError(f"cannot write {path}: the command has a control character ({arg!r})")


# --- Windows: HKCU\...\Run ---------------------------------------------------------------

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
# Task Manager's Startup tab records "Disabled" here without touching the Run value.
STARTUP_APPROVED_KEY = r"Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run"
RUN_VALUE = APP_NAME


class RegistryKey(Protocol):
    """The values of one ``HKEY_CURRENT_USER`` key: all the Windows adapter needs, so tests
    can use a dict. Methods raise ``OSError`` on failure, as ``winreg`` does."""

    path: str

    def get(self, name: str) -> str | bytes | None:
        """The value's data, or ``None`` if there is no such value (or key)."""
        ...

    def set(self, name: str, value: str) -> None:
        """Create the key if needed and store ``value`` as ``REG_SZ``."""
        ...

    def delete(self, name: str) -> None:
        """Remove the value; a missing value or key is not an error."""
        ...


class WinregKey:
    """:class:`RegistryKey` on the real registry. ``winreg`` is imported per call, so
    building one (or :func:`for_this_system` for ``windows``) works on any OS."""

    def __init__(self, path: str, *, machine: bool = False) -> None:
        self.path = path
        self.machine = machine  # HKEY_LOCAL_MACHINE (read only here): what the MSI wrote

    def get(self, name: str) -> str | bytes | None:
        winreg = _winreg()
        hive = winreg.HKEY_LOCAL_MACHINE if self.machine else winreg.HKEY_CURRENT_USER
        try:
            # The 64-bit view: the MSI is x64, and a 32-bit reader would see another key.
            access = winreg.KEY_READ | winreg.KEY_WOW64_64KEY
            with winreg.OpenKey(hive, self.path, 0, access) as key:
                value, _kind = winreg.QueryValueEx(key, name)
        except FileNotFoundError:
            return None
        return value if isinstance(value, str | bytes) else str(value)

    def set(self, name: str, value: str) -> None:
        winreg = _winreg()
        access = winreg.KEY_SET_VALUE
        with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, self.path, 0, access) as key:
            winreg.SetValueEx(key, name, 0, winreg.REG_SZ, value)

    def delete(self, name: str) -> None:
        winreg = _winreg()
        with contextlib.suppress(FileNotFoundError):
            access = winreg.KEY_SET_VALUE
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, self.path, 0, access) as key:
                winreg.DeleteValue(key, name)


def _winreg() -> ModuleType:
    try:
        import winreg  # noqa: PLC0415  # Windows-only module, imported only when used
    except ImportError:
        raise OSError("the Windows registry is not available on this system") from None
    return winreg


class WindowsAutostart:
    """The ``ScamGuard`` value under ``HKCU\\...\\CurrentVersion\\Run``: per user, needs no
    admin rights, and is what Task Manager's Startup tab lists. The value name is the
    ownership mark: there is nowhere to put another, and a value called ScamGuard is ours."""

    def __init__(
        self,
        run: RegistryKey | None = None,
        approved: RegistryKey | None = None,
        machine_run: RegistryKey | None = None,
    ):
        self.run: RegistryKey = run if run is not None else WinregKey(RUN_KEY)
        self.approved: RegistryKey = (
            approved if approved is not None else WinregKey(STARTUP_APPROVED_KEY)
        )
        self.machine_run: RegistryKey = (
            machine_run if machine_run is not None else WinregKey(RUN_KEY, machine=True)
        )

    def is_enabled(self) -> bool:
        value = self._on(self.run, "read", lambda: self.run.get(RUN_VALUE))
        if not isinstance(value, str) or not value.strip():
            return False
        flag = self._on(self.approved, "read", lambda: self.approved.get(RUN_VALUE))
        # Task Manager writes 12 bytes: the first is even (02, 06) when enabled and odd
        # (03, 07) when the person switched it off there; no value means enabled.
        return not (isinstance(flag, bytes) and flag and flag[0] & 1)

    def enable(self, command: Sequence[str]) -> None:
        line = subprocess.list2cmdline(_check_command(command))
        self._on(self.run, "write", lambda: self.run.set(RUN_VALUE, line))
        # Else an old "Disabled" from Task Manager would silently overrule the tick.
        self._on(self.approved, "write", lambda: self.approved.delete(RUN_VALUE))

    def disable(self) -> None:
        self._on(self.run, "remove", lambda: self.run.delete(RUN_VALUE))
        self._on(self.approved, "remove", lambda: self.approved.delete(RUN_VALUE))

    def describe(self) -> str:
        return f'registry HKEY_CURRENT_USER\\{self.run.path}, value "{RUN_VALUE}"'

    def for_everyone(self) -> str:
        try:
            value = self.machine_run.get(RUN_VALUE)
        except OSError:
            return ""
        if not isinstance(value, str) or not value.strip():
            return ""
        return f'registry HKEY_LOCAL_MACHINE\\{self.machine_run.path}, value "{RUN_VALUE}"'

    @staticmethod
    def _on(key: RegistryKey, verb: str, action: Callable[[], _T]) -> _T:
        try:
            return action()
        except OSError as exc:
            raise AutostartError(
                f'cannot {verb} HKEY_CURRENT_USER\\{key.path}, value "{RUN_VALUE}": {_reason(exc)}'
            ) from None


# --- macOS: a LaunchAgent ----------------------------------------------------------------

LAUNCH_AGENT_LABEL = "uk.co.scamguard.tray"
# The installer's agent for every user (packaging/macos/uk.co.scamguard.agent.plist).
MACHINE_AGENT = Path("/Library/LaunchAgents/uk.co.scamguard.agent.plist")


class LaunchAgentAutostart:
    """``~/Library/LaunchAgents/uk.co.scamguard.tray.plist``: launchd loads every agent in
    that folder into each GUI login. The ``Label`` is the ownership mark (a reverse-DNS
    label in our domain); a file under our name with another label, or that is not a plist,
    is someone else's and is moved aside, never deleted.

    Writing the plist takes effect at the next login; nothing calls ``launchctl`` (the tray
    is already running when the box is ticked). Not handled yet: on macOS 13+ the person
    can switch the agent off in System Settings > Login Items, which this cannot see, and
    a signed app should move to ``SMAppService`` with the plist inside the bundle.
    """

    def __init__(self, home: str | Path | None = None, machine_agent: Path = MACHINE_AGENT):
        base = Path(home) if home is not None else _home_dir(os.environ)
        self.path = base / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"
        self.machine_agent = machine_agent

    def is_enabled(self) -> bool:
        job = self._read()
        if not job or job.get("Label") != LAUNCH_AGENT_LABEL or job.get("Disabled") is True:
            return False
        argv = job.get("ProgramArguments")
        return job.get("RunAtLoad") is True and isinstance(argv, list) and bool(argv)

    def enable(self, command: Sequence[str]) -> None:
        argv = _check_command(command)
        job = self._read()
        if job is not None and job.get("Label") != LAUNCH_AGENT_LABEL:
            _move_aside(self.path)
        plist = {
            "Label": LAUNCH_AGENT_LABEL,
            "ProgramArguments": argv,
            "RunAtLoad": True,
            # Started again if it is killed or crashes (a caller may ask for Force Quit),
            # but not after Quit in its menu, which asks first and exits 0.
            "KeepAlive": {"SuccessfulExit": False},
            "ThrottleInterval": 10,
            # Supervised: a second copy waits for the first instead of exiting 0 (ui.cli).
            "EnvironmentVariables": {"SCAMGUARD_SUPERVISED": "1"},
            "ProcessType": "Interactive",  # a UI app: no background throttling
            "LimitLoadToSessionType": "Aqua",  # GUI logins only, not ssh sessions
        }
        _write_atomic(self.path, plistlib.dumps(plist, fmt=plistlib.FMT_XML))

    def disable(self) -> None:
        job = self._read()
        if job is None:
            return
        if job.get("Label") == LAUNCH_AGENT_LABEL:
            _remove(self.path)
        else:
            _move_aside(self.path)

    def describe(self) -> str:
        return f"LaunchAgent {self.path}"

    def for_everyone(self) -> str:
        return str(self.machine_agent) if self.machine_agent.is_file() else ""

    def _read(self) -> dict[str, object] | None:
        """The plist's top-level dict; ``None`` if there is no file, ``{}`` if unparseable."""
        raw = _read_small(self.path)
        if raw is None:
            return None
        try:
            job = plistlib.loads(raw)
        except (plistlib.InvalidFileException, ValueError, TypeError, OverflowError):
            return {}
        return job if isinstance(job, dict) else {}


# --- shared ------------------------------------------------------------------------------


def _check_command(command: Sequence[str]) -> list[str]:
    if isinstance(command, str | bytes) or not command:
        raise AutostartError("no program was given to start at login")
    argv = list(command)
    if not all(isinstance(arg, str) for arg in argv) or any("\0" in arg for arg in argv):
        raise AutostartError(f"cannot start {argv!r} at login: not a list of arguments")
    return argv


def _home_dir(env: Mapping[str, str]) -> Path:
    home = env.get("HOME", "")
    if os.path.isabs(home):
        return Path(home)
    try:
        return Path.home()
    except RuntimeError:
        raise AutostartError("cannot tell where your home folder is") from None


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def _read_small(path: Path, limit: int | None = MAX_ENTRY_BYTES) -> bytes | None:
    """The file's first ``limit`` bytes (enough for any real entry; ``None``: all of it);
    ``None`` if there is no file."""
    try:
        with open(path, "rb") as fh:
            return fh.read(-1 if limit is None else limit)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AutostartError(f"cannot read {path}: {_reason(exc)}") from None


def _write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Whole or not at all (guard/files.py): never half an entry that a session would try
    to run; the temp name does not end in ``.desktop`` or ``.plist``, so no session loads it."""
    try:
        files.write_atomic(path, data, mode)
    except OSError as exc:
        raise AutostartError(f"cannot write {path}: {_reason(exc)}") from None


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise AutostartError(f"cannot remove {path}: {_reason(exc)}") from None


def _move_aside(path: Path) -> Path:
    """Rename someone else's file to ``<name>.replaced-<time>`` beside it, so nothing they
    wrote is lost and no session loads it any more."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.replaced-{stamp}")
    n = 1
    while os.path.lexists(target):
        n += 1
        target = path.with_name(f"{path.name}.replaced-{stamp}-{n}")
    try:
        os.rename(path, target)
    except OSError as exc:
        raise AutostartError(f"cannot move aside {path}: {_reason(exc)}") from None
    return target
