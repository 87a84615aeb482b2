"""The operating system's own remote-access switches: read them cheaply, switch them off.

A caller does not need the person to install anything: "open Settings, turn on Remote
Desktop" (or "type this: reg add ... fDenyTSConnections /d 0") opens the computer without a
single new program of ours to see. These adapters say, per OS, whether each such switch is on
and switch it off again when the person chooses "Remove":

* **Windows**: ``HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server``
  ``fDenyTSConnections`` 0 is Remote Desktop on, ``fAllowToGetHelp`` 1 is Remote Assistance
  on; a group policy value (``HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal
  Services``) wins over both. Read through ``_winapi`` (two or four registry reads, a few
  microseconds). Switching off writes the values back, which needs an administrator.
* **macOS**: the launchd services ``com.apple.screensharing`` (Screen Sharing) and
  ``com.apple.RemoteDesktop.agent`` (Remote Management), from launchd's own record of
  enabled and disabled services (``disabled.plist``, re-read only when it changes; where it
  cannot be read, ``launchctl print-disabled system`` at most every ten seconds). Switching
  off is ``launchctl disable`` + ``bootout`` (Screen Sharing) or ARD's ``kickstart
  -deactivate`` (Remote Management), both needing an administrator. **Never run on a Mac.**
* **Linux**: the systemd *user* units ``gnome-remote-desktop.service`` and
  ``vino-server.service``, enabled when a link to them sits in a ``*.wants`` folder of
  ``$XDG_CONFIG_HOME/systemd/user`` (what ``systemctl --user enable`` and GNOME Settings'
  Remote Desktop switch make): one folder listing per look, no process started. Switching off
  is ``systemctl --user disable --now``; if that fails (no user session bus), the links are
  removed directly, which is all ``disable`` does.

Each adapter runs commands and touches the registry only through what it is given (``api``,
``run``), so tests drive the real decisions with a fake registry, a fake launchctl and a fake
systemctl over a temp folder. Nothing here imports the engine, the watchers or the state.
"""

from __future__ import annotations

import os
import plistlib
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from guard.errors import ScamGuardError

# How long a switch-off command may take before it counts as failed.
COMMAND_SECONDS = 15.0


@dataclass(frozen=True, slots=True)
class Switch:
    """One switch: its id, the tool signature it belongs to, what a person calls it, and
    where to turn it off by hand when the guard cannot."""

    id: str
    tool_id: str
    title: str
    by_hand: str  # "open Settings > System > Remote Desktop and turn it off"
    detail: str  # what "on" means, for the evidence ("fDenyTSConnections is 0")


class SwitchError(ScamGuardError):
    """A switch could not be read or switched off; the message is one line for a person."""


class SwitchAdapter(Protocol):
    """What the watcher and the engine need from an OS: the switches, their states, and a
    way to switch one off."""

    switches: tuple[Switch, ...]

    def read(self) -> tuple[dict[str, bool], list[str]]:
        """Each readable switch's state (True: on), and one line per switch that could not
        be read this time."""
        ...

    def switch_off(self, switch_id: str) -> None:
        """Switch it off (and stop its service); raises SwitchError with the reason."""
        ...


# A command runner: argv in, (exit code, what it printed) out; raises OSError when the
# command cannot be run at all.
Runner = Callable[[Sequence[str]], tuple[int, str]]
_MAX_OUTPUT = 64 * 1024


def run_command(argv: Sequence[str]) -> tuple[int, str]:
    """Run ``argv`` with a time limit; its exit code and what it printed (output, then
    errors), cut to 64 KiB."""
    try:
        done = subprocess.run(
            list(argv),
            capture_output=True,
            text=True,
            timeout=COMMAND_SECONDS,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return 124, f"{argv[0]} did not answer within {COMMAND_SECONDS:.0f} seconds"
    return done.returncode, ((done.stdout or "") + (done.stderr or ""))[:_MAX_OUTPUT]


def first_line(text: str) -> str:
    """The first non-empty line of a command's output, for a one-line reason."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""


def _by_id(switches: tuple[Switch, ...], switch_id: str) -> Switch:
    for switch in switches:
        if switch.id == switch_id:
            return switch
    raise SwitchError(f"there is no switch {switch_id!r} on this computer")


# --- Windows ---------------------------------------------------------------------------------

TS_KEY = r"SYSTEM\CurrentControlSet\Control\Terminal Server"
TS_POLICY_KEY = r"SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services"
WINDOWS_RDP = Switch(
    "windows-remote-desktop",
    "windows-remote-desktop",
    "Remote Desktop",
    "open Settings > System > Remote Desktop and turn it off (an administrator's account "
    "is needed)",
    "fDenyTSConnections is 0",
)
WINDOWS_RA = Switch(
    "windows-remote-assistance",
    "windows-remote-assistance",
    "Remote Assistance",
    'open Control Panel > System > Remote settings and untick "Allow Remote Assistance '
    "connections\" (an administrator's account is needed)",
    "fAllowToGetHelp is 1",
)
# switch -> (value name, the value that means on, the value that switches it off)
_WINDOWS_VALUES = {
    WINDOWS_RDP.id: ("fDenyTSConnections", 0, 1),
    WINDOWS_RA.id: ("fAllowToGetHelp", 1, 0),
}


def _dword(value: object) -> int | None:
    if value is None:
        return None
    try:
        return int(str(value), 0)
    except ValueError:
        return None


class WindowsSwitches:
    """Remote Desktop and Remote Assistance, from the registry (``_winapi``, or a fake)."""

    switches: tuple[Switch, ...] = (WINDOWS_RDP, WINDOWS_RA)

    def __init__(self, api: ModuleType | Any | None = None):
        if api is None:
            from guard.platform import _winapi  # noqa: PLC0415 - Windows only

            api = _winapi
        self.api = api

    def _value(self, key: str, name: str) -> int | None:
        return _dword(self.api.registry_get(key, name, machine=True))

    def read(self) -> tuple[dict[str, bool], list[str]]:
        states: dict[str, bool] = {}
        problems: list[str] = []
        for switch in self.switches:
            name, on_value, _off = _WINDOWS_VALUES[switch.id]
            try:
                policy = self._value(TS_POLICY_KEY, name)
                value = policy if policy is not None else self._value(TS_KEY, name)
            except OSError as exc:
                problems.append(f"{switch.title}: the registry could not be read ({exc})")
                continue
            states[switch.id] = value == on_value  # no value: Windows' default, off
        return states, problems

    def switch_off(self, switch_id: str) -> None:
        switch = _by_id(self.switches, switch_id)
        name, on_value, off_value = _WINDOWS_VALUES[switch.id]
        try:
            self.api.registry_set_machine_dword(TS_KEY, name, off_value)
            if self._value(TS_POLICY_KEY, name) == on_value:  # a policy turned it on
                self.api.registry_set_machine_dword(TS_POLICY_KEY, name, off_value)
        except PermissionError:
            raise SwitchError(_needs_admin(switch, "Windows")) from None
        except OSError as exc:
            if getattr(exc, "winerror", None) == 5:  # ERROR_ACCESS_DENIED
                raise SwitchError(_needs_admin(switch, "Windows")) from None
            raise SwitchError(
                f"{switch.title} could not be switched off ({exc}): {switch.by_hand}"
            ) from None


def _needs_admin(switch: Switch, os_title: str) -> str:
    return (
        f"{os_title} did not let ScamGuard switch {switch.title} off (it needs an "
        f"administrator): {switch.by_hand}"
    )


# --- macOS -----------------------------------------------------------------------------------

LAUNCHD_DISABLED = Path("/private/var/db/com.apple.xpc.launchd/disabled.plist")
KICKSTART = (
    "/System/Library/CoreServices/RemoteManagement/ARDAgent.app/Contents/Resources/kickstart"
)
MAC_SCREEN_SHARING = Switch(
    "com.apple.screensharing",
    "macos-screen-sharing",
    "Screen Sharing",
    "open System Settings > General > Sharing and turn Screen Sharing off (an "
    "administrator's password is needed)",
    "the launchd service com.apple.screensharing is enabled",
)
MAC_REMOTE_MANAGEMENT = Switch(
    "com.apple.RemoteDesktop.agent",
    "apple-remote-desktop",
    "Remote Management",
    "open System Settings > General > Sharing and turn Remote Management off (an "
    "administrator's password is needed)",
    "the launchd service com.apple.RemoteDesktop.agent is enabled",
)
# When launchd's file cannot be read, launchctl is asked at most this often.
LAUNCHCTL_SECONDS = 10.0


def parse_print_disabled(text: str) -> dict[str, bool]:
    """``launchctl print-disabled system`` → {label: disabled}. Lines look like
    ``"com.apple.screensharing" => disabled`` (macOS 11+: enabled/disabled; before: true
    for disabled, false for enabled)."""
    found: dict[str, bool] = {}
    for line in text.splitlines():
        left, sep, right = line.partition("=>")
        if not sep:
            continue
        label = left.strip().strip('"')
        word = right.strip().casefold()
        if word in ("disabled", "true"):
            found[label] = True
        elif word in ("enabled", "false"):
            found[label] = False
    return found


class MacSwitches:
    """Screen Sharing and Remote Management, from launchd's enabled/disabled record.

    Both services ship disabled; turning them on in System Settings (or with ``launchctl
    enable``/``kickstart -activate``) records them as enabled, and launchd starts their
    programs when someone connects (the process watcher sees those). A label launchd has no
    record of is off."""

    switches: tuple[Switch, ...] = (MAC_SCREEN_SHARING, MAC_REMOTE_MANAGEMENT)

    def __init__(
        self,
        disabled_plist: Path = LAUNCHD_DISABLED,
        run: Runner = run_command,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.disabled_plist = disabled_plist
        self.run = run
        self.clock = clock
        self._stamp: tuple[int, int] | None = None
        self._record: dict[str, bool] = {}
        self._asked_at: float | None = None

    def _from_file(self) -> dict[str, bool] | None:
        """launchd's record, re-parsed only when the file changed; None when unreadable."""
        try:
            st = self.disabled_plist.stat()
            stamp = (st.st_mtime_ns, st.st_size)
            if stamp != self._stamp:
                with self.disabled_plist.open("rb") as f:
                    data = plistlib.load(f)
                if not isinstance(data, dict):
                    return None
                self._record = {str(k): bool(v) for k, v in data.items()}
                self._stamp = stamp
        except (OSError, plistlib.InvalidFileException, ValueError):
            return None
        return self._record

    def _from_launchctl(self) -> dict[str, bool]:
        now = self.clock()
        if self._asked_at is not None and now - self._asked_at < LAUNCHCTL_SECONDS:
            return self._record
        self._asked_at = now
        code, said = self.run(["launchctl", "print-disabled", "system"])
        if code != 0:
            raise SwitchError(f"launchctl print-disabled: {first_line(said) or f'exit {code}'}")
        self._record = parse_print_disabled(said)
        return self._record

    def read(self) -> tuple[dict[str, bool], list[str]]:
        record = self._from_file()
        problems: list[str] = []
        if record is None:
            try:
                record = self._from_launchctl()
            except (OSError, SwitchError) as exc:
                return {}, [f"launchd's services could not be read ({exc})"]
        states = {s.id: record.get(s.id) is False for s in self.switches}
        return states, problems

    def switch_off(self, switch_id: str) -> None:
        switch = _by_id(self.switches, switch_id)
        if switch is MAC_REMOTE_MANAGEMENT:
            commands = [[KICKSTART, "-deactivate", "-configure", "-access", "-off", "-stop"]]
        else:
            commands = [
                ["launchctl", "disable", f"system/{switch.id}"],
                ["launchctl", "bootout", f"system/{switch.id}"],
            ]
        for i, argv in enumerate(commands):
            try:
                code, output = self.run(argv)
            except OSError as exc:
                raise SwitchError(
                    f"{switch.title} could not be switched off ({exc}): {switch.by_hand}"
                ) from None
            said = first_line(output)
            if code != 0 and i == 0:  # bootout of a service not loaded fails harmlessly
                if code == 1 or "permission" in said.casefold() or "root" in said.casefold():
                    raise SwitchError(_needs_admin(switch, "macOS"))
                raise SwitchError(
                    f"{switch.title} could not be switched off ({said or f'exit {code}'}): "
                    f"{switch.by_hand}"
                )
        self._stamp = None  # read launchd's record afresh
        self._asked_at = None


# --- Linux -----------------------------------------------------------------------------------

LINUX_UNITS: dict[str, Switch] = {
    "gnome-remote-desktop.service": Switch(
        "gnome-remote-desktop.service",
        "gnome-remote-desktop",
        "GNOME Remote Desktop",
        "open Settings > System > Remote Desktop (or Sharing) and turn it off",
        "the user service gnome-remote-desktop.service is enabled",
    ),
    "vino-server.service": Switch(
        "vino-server.service",
        "vino",
        "Desktop Sharing (Vino)",
        "open Settings > Sharing > Screen Sharing and turn it off",
        "the user service vino-server.service is enabled",
    ),
}


def user_unit_dir(env: Mapping[str, str] | None = None, home: Path | None = None) -> Path:
    """``$XDG_CONFIG_HOME/systemd/user`` (``~/.config/systemd/user``): where ``systemctl
    --user enable`` puts its links."""
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME") or str((home or Path.home()) / ".config")
    return Path(base) / "systemd" / "user"


class LinuxSwitches:
    """The desktop-sharing user units, enabled or not, from the links in the user's systemd
    folder. Started without being enabled (``systemctl --user start``), the unit's program
    starts, and the process watcher sees it."""

    switches: tuple[Switch, ...] = tuple(LINUX_UNITS.values())

    def __init__(self, unit_dir: Path | None = None, run: Runner = run_command):
        self.unit_dir = unit_dir if unit_dir is not None else user_unit_dir()
        self.run = run

    def _links(self, unit: str) -> list[Path]:
        """The enabling links to ``unit`` (``default.target.wants/unit`` and the like)."""
        found = []
        try:
            entries = list(os.scandir(self.unit_dir))
        except OSError:
            return []
        for entry in entries:
            if entry.name.endswith((".wants", ".requires")) and entry.is_dir():
                link = Path(entry.path) / unit
                if os.path.lexists(link):
                    found.append(link)
        return found

    def read(self) -> tuple[dict[str, bool], list[str]]:
        return {s.id: bool(self._links(s.id)) for s in self.switches}, []

    def switch_off(self, switch_id: str) -> None:
        switch = _by_id(self.switches, switch_id)
        try:
            code, output = self.run(["systemctl", "--user", "disable", "--now", switch.id])
            said = first_line(output)
        except OSError as exc:
            code, said = 127, f"systemctl could not be run ({exc.strerror or exc})"
        if code == 0 and not self._links(switch.id):
            return
        # No user bus (a guard started outside the session), or systemctl missing: what
        # "disable" does is remove the links, and the user owns them. The running program,
        # if any, is the incident's and is ended with it.
        failed = []
        for link in self._links(switch.id):
            try:
                link.unlink()
            except OSError as exc:
                failed.append(f"{link}: {exc.strerror or exc}")
        if failed:
            why = said or f"exit {code}"
            raise SwitchError(
                f"{switch.title} could not be switched off (systemctl: {why}; {failed[0]}): "
                f"{switch.by_hand}"
            )


class EveryonesLinuxSwitches:
    """The guard service's view on Linux: a desktop-sharing unit is on when any person has
    enabled it (their own ``~/.config/systemd/user``), and switching it off removes every
    person's links (root has no person's user bus to ask; removing the links is what
    ``systemctl --user disable`` does). Windows' and macOS' switches are the machine's own
    already."""

    switches: tuple[Switch, ...] = tuple(LINUX_UNITS.values())

    def __init__(self, homes: Callable[[], Sequence[Path]], run: Runner = run_command):
        self.homes = homes
        self.run = run

    def _each(self) -> list[LinuxSwitches]:
        return [LinuxSwitches(user_unit_dir({}, home), self._no_user_bus) for home in self.homes()]

    @staticmethod
    def _no_user_bus(_argv: Sequence[str]) -> tuple[int, str]:
        return 1, "not the person's own session"

    def read(self) -> tuple[dict[str, bool], list[str]]:
        found = {s.id: False for s in self.switches}
        for person in self._each():
            for switch_id, on in person.read()[0].items():
                found[switch_id] = found[switch_id] or on
        return found, []

    def switch_off(self, switch_id: str) -> None:
        failed = []
        for person in self._each():
            try:
                person.switch_off(switch_id)
            except SwitchError as exc:
                failed.append(str(exc))
        if failed:
            raise SwitchError(failed[0])


def for_this_os(os_name: str, *, everyone: bool = False) -> SwitchAdapter:
    """The adapter for ``os_name`` (``windows``, ``macos``, else Linux); ``everyone``: the
    guard service's, over every person's settings where they are per person."""
    if os_name == "windows":
        return WindowsSwitches()
    if os_name == "macos":
        return MacSwitches()
    if everyone:
        from guard.platform.service_host import person_homes  # noqa: PLC0415

        return EveryonesLinuxSwitches(person_homes)
    return LinuxSwitches()


__all__ = [
    "LINUX_UNITS",
    "EveryonesLinuxSwitches",
    "LinuxSwitches",
    "MacSwitches",
    "Switch",
    "SwitchAdapter",
    "SwitchError",
    "WindowsSwitches",
    "first_line",
    "for_this_os",
    "parse_print_disabled",
    "run_command",
    "user_unit_dir",
]
