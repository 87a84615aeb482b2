"""How executable and download names are compared, and which names are never enough alone.

Two lists live here, in code rather than in the signature data, on purpose: a signature file
(or a forged update) must not be able to weaken them.

* PROTECTED names belong to the operating system, the desktop or the guard itself. Freezing
  one by mistake would hang the computer, so no signature may claim one and the identifier
  never matches one by name alone.
* GENERIC names (``setup.exe``, ``agent.exe``…) are shared by countless programs. A tool may
  list one, but it only counts when a second piece of evidence (install path, PE metadata,
  hash) agrees.
"""

from __future__ import annotations

import re

# Windows shells and system processes, Linux init and desktop shells, macOS system agents,
# the interpreters and names the guard itself runs under.
# fmt: off
PROTECTED_NAMES: frozenset[str] = frozenset({
    # Windows
    "system", "registry", "memory compression", "idle",
    "smss", "csrss", "wininit", "winlogon", "services", "lsass", "lsaiso", "svchost",
    "explorer", "dwm", "fontdrvhost", "sihost", "taskhostw", "ctfmon", "conhost",
    "runtimebroker", "searchhost", "searchindexer", "searchui", "startmenuexperiencehost",
    "shellexperiencehost", "textinputhost", "applicationframehost", "spoolsv", "audiodg",
    "dllhost", "rundll32", "wmiprvse", "taskmgr", "logonui", "userinit", "smartscreen",
    "msmpeng", "nissrv", "securityhealthservice", "securityhealthsystray", "mpcmdrun",
    "lsm", "wudfhost", "dashost", "sppsvc", "trustedinstaller", "tiworker", "msiexec",
    "consent", "cmd", "powershell", "pwsh", "regedit", "mmc", "winver",
    # Linux
    "systemd", "init", "kthreadd", "xorg", "xwayland", "gnome-shell", "gnome-session",
    "gnome-session-binary", "kwin", "kwin_x11", "kwin_wayland", "plasmashell", "ksmserver",
    "mutter", "xfwm4", "xfce4-session", "cinnamon", "marco", "openbox", "gdm", "gdm3",
    "sddm", "lightdm", "dbus-daemon", "dbus-broker", "polkitd", "networkmanager",
    "pipewire", "wireplumber", "pulseaudio", "sshd", "login", "agetty", "bash", "sh",
    "dash", "zsh", "sudo", "udevd", "systemd-udevd", "systemd-logind", "journald",
    "systemd-journald",
    # macOS
    "launchd", "kernel_task", "loginwindow", "windowserver", "finder", "dock",
    "systemuiserver", "coreaudiod", "mds", "mds_stores", "securityd", "opendirectoryd",
    "controlcenter", "notificationcenter",
    # the guard itself and what it runs under
    "scamguard", "scamguard-tray", "scamguard-service", "python", "python3", "pythonw",
})
# fmt: on

# Command shells: protected from signatures, but a shell *started by* a frozen tool is the
# remote person's hands on this computer, so it is frozen with the rest of the tool's tree.
SHELL_NAMES: frozenset[str] = frozenset(
    {"cmd", "powershell", "pwsh", "conhost", "bash", "sh", "dash", "zsh"}
)

# Names shared by many unrelated programs: never enough evidence on their own.
# fmt: off
GENERIC_NAMES: frozenset[str] = frozenset({
    "agent", "client", "client32", "client64", "connect", "connector", "helper", "host",
    "launcher", "remote", "service", "server", "setup", "install", "installer", "update",
    "updater", "uninstall", "uninst", "unins000", "support", "viewer", "app", "main",
    "run", "start", "tray", "monitor", "session", "bootstrapper", "download",
    "downloader", "svc", "winvnc", "vncviewer", "vncserver", "x11vnc", "remotedesktop",
    "desktop", "access", "assist", "control", "daemon", "core", "node", "worker",
    # plain words, or well-known programs of their own, that a tool's helper happens to share
    "rdesktop", "level", "rhost", "raccess", "rviewer", "pservice",
})
# fmt: on

# Extensions that a Windows program is started by; stripped so `AnyDesk` matches `AnyDesk.exe`.
_EXECUTABLE_SUFFIX = ".exe"

# Browser duplicate suffixes: Chrome/Edge "AnyDesk (1).exe", Firefox "AnyDesk(1).exe".
_DUPLICATE_RE = re.compile(r"\s?\(\d{1,3}\)(?=\.[^.]+$|$)")


def strip_duplicate_suffix(file_name: str) -> str:
    """Remove a browser's ``" (1)"`` duplicate marker: ``AnyDesk (1).exe`` → ``AnyDesk.exe``."""
    if "(" not in file_name:
        return file_name
    return _DUPLICATE_RE.sub("", file_name, count=1)


def normalize_file_name(file_name: str) -> str:
    """Case-fold a download or file name and drop browser duplicate markers (keeps extension)."""
    return strip_duplicate_suffix(file_name.strip()).casefold()


def name_key(name: str) -> str:
    """The key two process names are compared by: case-folded, no ``.exe``, no ``(1)``.

    ``AnyDesk.exe``, ``anydesk`` and ``AnyDesk (1).exe`` all give ``anydesk``; ``AnyDesk.msi``
    keeps its extension because an installer is not the program itself.
    """
    return key_of_normalized(normalize_file_name(name))


def key_of_normalized(file_name: str) -> str:
    """``name_key`` for a name already through ``normalize_file_name`` (saves a second pass)."""
    if file_name.endswith(_EXECUTABLE_SUFFIX):
        return file_name[: -len(_EXECUTABLE_SUFFIX)]
    return file_name


def is_protected(name: str) -> bool:
    """True when ``name`` is an operating-system or guard process that must never be frozen."""
    return name_key(name) in PROTECTED_NAMES
