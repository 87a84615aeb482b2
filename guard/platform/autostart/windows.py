"""Windows: the ``ScamGuard`` value under ``HKCU\\...\\CurrentVersion\\Run`` (see the
package's docstring). The registry is reached only through ``guard.platform._winapi``."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from guard.platform import _winapi
from guard.platform.autostart.common import APP_NAME, AutostartError, check_command, reason

_T = TypeVar("_T")

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
    """:class:`RegistryKey` on the real registry, through ``guard.platform._winapi``, which
    imports ``winreg`` per call, so building one (or :func:`for_this_system` for
    ``windows``) works on any OS."""

    def __init__(self, path: str, *, machine: bool = False) -> None:
        self.path = path
        self.machine = machine  # HKEY_LOCAL_MACHINE (read only here): what the MSI wrote

    def get(self, name: str) -> str | bytes | None:
        return _winapi.registry_get(self.path, name, machine=self.machine)

    def set(self, name: str, value: str) -> None:
        _winapi.registry_set(self.path, name, value)

    def delete(self, name: str) -> None:
        _winapi.registry_delete(self.path, name)


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
        line = subprocess.list2cmdline(check_command(command))
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
                f'cannot {verb} HKEY_CURRENT_USER\\{key.path}, value "{RUN_VALUE}": {reason(exc)}'
            ) from None
