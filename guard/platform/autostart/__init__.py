"""Start the tray app when the person logs in: one small interface, one adapter per OS.

The settings window's "Start ScamGuard when I log in" checkbox is the only caller, so every
method either does what it says or raises :class:`AutostartError` with one line naming the
file or registry key, which the window can show as it is: never a traceback. Protection that
silently fails to come back after a reboot is the failure that matters here, so
:meth:`Autostart.is_enabled` answers "will the session actually start it?", not "did we
write something once?".

One module per adapter, chosen by :func:`for_this_system`:

- ``linux.py``, Linux and other Unixes: a freedesktop autostart entry,
  ``$XDG_CONFIG_HOME/autostart/scamguard.desktop``. A machine-wide entry under
  ``$XDG_CONFIG_DIRS`` (an ISP's package installs one for every user) is honoured, and is
  switched off for one person the spec's way: a same-named per-user file with ``Hidden=true``.
- ``windows.py``, Windows: the ``ScamGuard`` value under ``HKCU\\Software\\Microsoft\\Windows\\
  CurrentVersion\\Run``, behind a three-method registry adapter so the logic is tested
  anywhere; the registry is touched only through ``guard.platform._winapi``.
- ``macos.py``, macOS: a LaunchAgent plist in ``~/Library/LaunchAgents``.

Nothing here imports Qt or ``ui``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from guard.platform import current_os
from guard.platform.autostart.common import AutostartError, home_dir

__all__ = ["Autostart", "AutostartError", "for_this_system", "login_command", "tray_command"]


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
        from guard.platform.autostart.linux import XdgAutostart  # noqa: PLC0415

        return XdgAutostart(environ)
    if name == "macos":
        from guard.platform.autostart.macos import LaunchAgentAutostart  # noqa: PLC0415

        return LaunchAgentAutostart(home_dir(environ))
    if name == "windows":
        from guard.platform.autostart.windows import WindowsAutostart  # noqa: PLC0415

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
