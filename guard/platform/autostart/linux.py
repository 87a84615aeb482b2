"""Linux and other Unixes: a freedesktop autostart entry (see the package's docstring)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from guard.platform.autostart.common import (
    APP_NAME,
    AutostartError,
    check_command,
    home_dir,
    move_aside,
    read_small,
    remove,
    write_atomic,
)

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
            user_config = (Path(home) if home is not None else home_dir(environ)) / ".config"
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
        argv = check_command(command)
        for arg in argv:
            _check_desktop_text(arg, self.user_file)
        existing = _read_desktop_entry(self.user_file)
        if existing is not None and not _is_ours(existing):
            move_aside(self.user_file)
        text = _desktop_entry_text(launchable(argv))
        write_atomic(self.user_file, text.encode("utf-8"))

    def disable(self) -> None:
        existing = _read_desktop_entry(self.user_file)
        if existing is not None and not _is_ours(existing):
            if DESKTOP_GROUP in existing and not _is_true(existing.get("Hidden")):
                _hide_in_place(self.user_file)
            return
        if self._system_entry() is not None:
            write_atomic(self.user_file, _hidden_entry_text().encode("utf-8"))
        elif existing is not None:
            remove(self.user_file)

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
    raw = read_small(path)
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
    raw = read_small(path, limit=None)  # all of it: nothing of theirs may be cut off
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
    write_atomic(path, "".join(out).encode("utf-8", errors="surrogateescape"), mode)


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
