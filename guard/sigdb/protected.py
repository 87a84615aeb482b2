"""The programs no signature may ever claim, and the bounded check that recognises them.

Freezing one of these by mistake would hang the computer (the Windows shell, the login
window), silence it (the audio server), take the person's way to ask for help away (the web
browser, the terminal) or stop the guard itself. So they live here, in code: a signature file
or a forged update cannot shorten the list.

Names are compared by their key (``name_key``: case-folded, no ``.exe``). Three kinds of rule:

* **literal** names, by category (``LITERALS``);
* **families** (``FAMILIES``): a fixed stem followed by a version (``python3.12``,
  ``pythonw3.11``, ``perl5.36``, ``kded6``), by anything (``systemd-logind``, ``gvfsd-fuse``,
  ``com.apple.WebKit.WebContent``), or by a browser's helper suffix
  (``Google Chrome Helper (Renderer)``);
* one **carve-out** (``REMOTE_WORDS``): a name in an "anything follows" family that says it
  is remote access (``com.apple.screensharing…``) is left to the signature database.

Everything is hand-written and bounded: a name is looked at once, character by character; no
regular expression is ever built from data. ``family_witness`` answers the validator's
question "could this installer pattern match a protected family member?" exactly, by walking
the pattern and a family's tiny automaton together (at most a few thousand steps).

**Deliberately not protected**, because they are remote-access tools the signature database
may list (and some do): Windows Quick Assist (``quickassist``), Remote Assistance (``msra``,
``raserver``), the Remote Desktop client and session helpers (``mstsc``, ``rdpclip``,
``rdpinit``, ``rdpshell``); macOS Screen Sharing and Remote Management (``screensharingd``,
``Screen Sharing``, ``ScreensharingAgent``, ``SSInvitationAgent``, ``ARDAgent``,
``AppleVNCServer``); Linux desktop sharing (``vino-server``, ``gnome-remote-desktop``,
``gnome-remote-desktop-daemon``, ``krfb``, ``x11vnc``, ``xrdp``), and KDE Connect / GSConnect
(``kdeconnectd``), which let a phone drive the mouse and keyboard.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Final

# Categories, as said in a reason ("python3.11 is a protected interpreter or runtime").
SYSTEM: Final = "system program"
RUNTIME: Final = "interpreter or runtime"
DESKTOP: Final = "desktop or session service"
BROWSER: Final = "web browser"
GUARD: Final = "part of ScamGuard"

# No file or process name is longer (255 is the file-name limit of NTFS, APFS and ext4).
MAX_NAME_LEN: Final = 255

# fmt: off
_WINDOWS: tuple[str, ...] = (
    # kernel, session and logon
    "system", "registry", "memory compression", "secure system", "idle", "ntoskrnl", "smss",
    "csrss", "wininit", "winlogon", "services", "lsass", "lsaiso", "lsm", "svchost", "logonui",
    "userinit", "lockapp", "consent", "credentialuibroker", "useroobebroker",
    # the desktop shell
    "explorer", "dwm", "fontdrvhost", "sihost", "taskhostw", "taskhost", "taskeng", "ctfmon",
    "runtimebroker", "searchhost", "searchapp", "searchui", "searchindexer",
    "searchprotocolhost", "searchfilterhost", "startmenuexperiencehost",
    "shellexperiencehost", "shellhost", "textinputhost", "applicationframehost", "pickerhost",
    "systemsettings", "systemsettingsbroker", "widgets", "widgetservice",
    "gamebarpresencewriter", "chsime", "tabtip", "backgroundtaskhost", "dllhost", "rundll32",
    "regsvr32",
    # accessibility: older people rely on these
    "osk", "magnify", "narrator", "utilman", "atbroker",
    # services, drivers, printing, sound
    "spoolsv", "printisolationhost", "audiodg", "wmiprvse", "wmiadap", "wmiapsrv", "unsecapp",
    "wudfhost", "dashost", "wlanext", "vssvc", "sppsvc", "sppextcomobj", "slui",
    # updates, error reporting, telemetry
    "trustedinstaller", "tiworker", "msiexec", "dismhost", "wuauclt", "usoclient",
    "mousocoreworker", "usocoreworker", "musnotification", "musnotificationux", "sihclient",
    "werfault", "werfaultsecure", "wermgr", "compattelrunner", "devicecensus",
    # security
    "smartscreen", "msmpeng", "mpdefendercoreservice", "mpcmdrun", "nissrv", "mssense",
    "securityhealthservice", "securityhealthsystray", "securityhealthhost", "sgrmbroker",
    "wlrmdr",
    # administration tools a person may need to see or stop what is happening
    "taskmgr", "resmon", "perfmon", "mmc", "regedit", "winver",
)

_MACOS: tuple[str, ...] = (
    "launchd", "kernel_task", "loginwindow", "windowserver", "finder", "dock",
    "systemuiserver", "controlcenter", "notificationcenter", "coreaudiod", "mds", "mds_stores",
    "mdworker", "mdworker_shared", "spotlight", "corespotlightd", "securityd", "securityagent",
    "opendirectoryd", "cfprefsd", "distnoted", "usereventagent", "trustd", "syspolicyd", "mrt",
    "configd", "powerd", "logd", "diagnosticd", "syslogd", "notifyd", "fseventsd", "kextd",
    "kernelmanagerd", "airportd", "bluetoothd", "locationd", "coreservicesd", "lsd",
    "launchservicesd", "sharingd", "rapportd", "tccd", "amfid", "taskgated", "authd",
    "secinitd", "runningboardd", "watchdogd", "thermalmonitord", "universalaccessd",
    "backupd", "timed", "usernoted", "nsurlsessiond", "cloudd", "bird", "akd", "apsd", "dasd",
    "symptomsd", "softwareupdated", "installd", "system_installd", "appleeventsd", "talagent",
    "pboard", "corebrightnessd", "windowmanager", "wallpaperagent", "textinputmenuagent",
    "imklaunchagent", "voiceover", "coreauthd", "ctkd", "mdnsresponder", "nehelper",
    "nesessionmanager", "sandboxd", "containermanagerd", "fontd", "iconservicesagent",
    "quicklookuiservice", "endpointsecurityd", "mobileassetd",
    "system settings", "system preferences", "activity monitor",
)

_LINUX: tuple[str, ...] = (
    # boot, login, privileges
    "systemd", "init", "kthreadd", "(sd-pam)", "udevd", "journald", "login", "agetty",
    "getty", "sshd", "sudo", "su", "doas", "pkexec", "plymouthd",
    # system services
    "dbus-daemon", "dbus-broker", "dbus-broker-launch", "dbus-launch", "networkmanager",
    "nm-applet", "wpa_supplicant", "modemmanager", "avahi-daemon", "cupsd", "cups-browsed",
    "rtkit-daemon", "udisksd", "upowerd", "accounts-daemon", "colord", "thermald",
    "irqbalance", "cron", "crond", "atd", "rsyslogd", "auditd", "chronyd", "ntpd", "snapd",
    "packagekitd", "fwupd", "unattended-upgrades",
    # display servers and login managers
    "xorg", "xwayland", "xinit", "xdm", "gdm", "gdm3", "gdm-session-worker",
    "gdm-wayland-session", "gdm-x-session", "sddm", "sddm-helper", "sddm-greeter", "lightdm",
    "lightdm-gtk-greeter",
)

_DESKTOP: tuple[str, ...] = (
    # GNOME
    "gnome-shell", "gnome-session", "gnome-session-binary", "gnome-session-ctl",
    "gnome-shell-calendar-server", "gnome-control-center", "gnome-keyring-daemon", "mutter",
    "nautilus", "dconf-service", "goa-daemon", "goa-identity-service", "gjs-console",
    # KDE
    "kwin", "kwin_x11", "kwin_wayland", "kwin_wayland_wrapper", "ksmserver", "kaccess",
    "kactivitymanagerd", "krunner", "ksplashqml", "kscreen_backend_launcher",
    "org_kde_powerdevil", "dolphin",
    # Xfce, Cinnamon, MATE, LXDE/LXQt, Budgie, Pantheon, tiling and Wayland compositors
    "xfwm4", "xfsettingsd", "xfdesktop", "xfconfd", "thunar", "cinnamon", "cinnamon-session",
    "cinnamon-launcher", "muffin", "nemo", "nemo-desktop", "marco", "mate-session",
    "mate-panel", "mate-settings-daemon", "caja", "openbox", "lxsession", "lxpanel",
    "lxpolkit", "pcmanfm", "pcmanfm-qt", "gala", "wingpanel", "sway", "hyprland", "weston",
    # sound, input methods, keys and secrets, accessibility, notifications, sandboxes
    "wireplumber", "pulseaudio", "ibus", "ssh-agent", "gpg-agent", "tracker3", "orca",
    "onboard", "speech-dispatcher", "xsettingsd", "notification-daemon", "dunst", "mako",
    "flatpak-session-helper", "flatpak-portal", "update-notifier",
    # terminal emulators: the person's own window on the computer
    "gnome-terminal", "gnome-terminal-server", "konsole", "xterm", "uxterm", "urxvt", "rxvt",
    "tilix", "terminator", "alacritty", "kitty", "wezterm", "wezterm-gui", "foot", "kgx",
    "gnome-console", "lxterminal", "qterminal", "mate-terminal", "guake", "yakuake",
    "terminology", "sakura", "ptyxis", "ptyxis-agent", "deepin-terminal", "terminal",
    "iterm2", "windowsterminal", "openconsole",
)

_RUNTIMES: tuple[str, ...] = (
    # command shells (SHELL_NAMES in names.py says which are frozen inside a tool's tree)
    "cmd", "powershell", "powershell_ise", "pwsh", "conhost", "bash", "sh", "dash", "zsh",
    "fish", "ksh", "mksh", "tcsh", "csh",
    # script hosts and interpreters whose names carry no version
    "wscript", "cscript", "mshta", "osascript", "py", "pyw", "dotnet", "gjs", "deno", "bun",
    # versioned families below cover these too; listed so PROTECTED_NAMES still holds them
    "python", "python3", "pythonw",
)

_BROWSERS: tuple[str, ...] = (
    "chrome", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
    "google-chrome-beta", "google chrome", "chrome_crashpad_handler", "nacl_helper",
    "msedge", "msedgewebview2", "microsoft-edge", "microsoft-edge-stable", "microsoft edge",
    "firefox", "firefox-bin", "firefox-esr", "plugin-container", "web content",
    "isolated web co", "isolated web content", "isolated servic", "webextensions",
    "privileged cont", "rdd process", "socket process", "utility process", "gpu process",
    "brave", "brave-browser", "brave browser", "opera", "vivaldi", "vivaldi-bin", "safari",
    "safari web content", "iexplore", "epiphany", "webkitwebprocess", "webkitnetworkprocess",
    "falkon", "midori", "waterfox", "librewolf", "seamonkey", "thorium", "arc",
)

_GUARD: tuple[str, ...] = ("scamguard", "scamguard-tray", "scamguard-service")
# fmt: on

LITERALS: dict[str, str] = {}
for _names, _category in (
    (_WINDOWS, SYSTEM),
    (_MACOS, SYSTEM),
    (_LINUX, SYSTEM),
    (_DESKTOP, DESKTOP),
    (_RUNTIMES, RUNTIME),
    (_BROWSERS, BROWSER),
    (_GUARD, GUARD),
):
    for _name in _names:
        LITERALS.setdefault(_name, _category)

# Tails a family stem may be followed by.
VERSION = "version"  # up to 10 of 0-9 and ".", then optionally one of d, m, t (python3.13t)
ANY = "any"  # anything at all (systemd-*, gvfs*)
HELPER = "helper"  # " helper", optionally " (renderer)": a browser's macOS helper processes

_DIGITS = "0123456789"
_VERSION_CHARS = _DIGITS + "."
_VERSION_LEN = 10
_VERSION_END = "dmt"
_HELPER = " helper"
_PAREN_LETTERS = "abcdefghijklmnopqrstuvwxyz "
_PAREN_LEN = 20
_EXE = ".exe"
# What a wildcard stands for where a family allows anything: a letter in none of REMOTE_WORDS.
_FILLER = "x"


@dataclass(frozen=True, slots=True)
class Family:
    """A stem and what may follow it: ``python`` + version, ``systemd-`` + anything."""

    stem: str
    tail: str
    category: str


# fmt: off
FAMILIES: tuple[Family, ...] = (
    # interpreters and runtimes: python3.11, pythonw3.12, pypy3.10, perl5.36, php8.2, lua5.4...
    *(Family(stem, VERSION, RUNTIME) for stem in (
        "python", "pythonw", "pypy", "perl", "ruby", "php", "php-cgi", "php-fpm", "lua",
        "luajit", "tclsh", "wish", "node", "nodejs", "java", "javaw", "javaws",
    )),
    # KDE daemons carry the framework's major version: kded5, kded6, kwalletd6
    *(Family(stem, VERSION, DESKTOP) for stem in ("kded", "kglobalaccel", "kwalletd")),
    # whole families of session services
    *(Family(stem, ANY, DESKTOP) for stem in (
        "xdg-desktop-portal", "xdg-document-portal", "xdg-permission-store", "gsd-", "csd-",
        "ibus-", "fcitx", "gvfs", "at-spi", "evolution-", "tracker-", "pipewire", "polkit",
        "plasma", "xfce4-", "lxqt-", "budgie-",
    )),
    *(Family(stem, ANY, SYSTEM) for stem in ("systemd-", "xprotect", "com.apple.")),
    # macOS browser helpers: "Google Chrome Helper (Renderer)", "Brave Browser Helper (GPU)"
    *(Family(stem, HELPER, BROWSER) for stem in (
        "google chrome", "chromium", "microsoft edge", "brave browser", "opera", "vivaldi",
    )),
)
# fmt: on

# A name in an "anything follows" family that says it is remote access is not protected by
# the family: the signature database may list it (macOS Screen Sharing's helpers, say).
REMOTE_WORDS: tuple[str, ...] = (
    "screensharing",
    "screen sharing",
    "remotedesktop",
    "remote-desktop",
    "remotemanagement",
    "remoteaccess",
    "vnc",
    "rdp",
)

# Families by the first three letters of their stem: one dict hit per name looked up.
_BY_START: dict[str, tuple[Family, ...]] = {}
for _family in FAMILIES:
    _BY_START[_family.stem[:3]] = (*_BY_START.get(_family.stem[:3], ()), _family)


def _version_tail(rest: str) -> bool:
    """``3.12``, ``5.36.0``, ``3.13t``, ``6``, or nothing at all."""
    if rest and rest[-1] in _VERSION_END:
        rest = rest[:-1]
    return len(rest) <= _VERSION_LEN and all(c in _VERSION_CHARS for c in rest)


def _helper_tail(rest: str) -> bool:
    """`` helper`` or `` helper (renderer)``: a browser's helper process on macOS."""
    if not rest.startswith(_HELPER):
        return False
    rest = rest[len(_HELPER) :]
    if not rest:
        return True
    inner = rest[2:-1]
    return (
        rest.startswith(" (")
        and rest.endswith(")")
        and 1 <= len(inner) <= _PAREN_LEN
        and all(c in _PAREN_LETTERS for c in inner)
    )


def says_remote_access(key: str) -> bool:
    """Does the name say it is remote access (``com.apple.screensharing.agent``)?"""
    return any(word in key for word in REMOTE_WORDS)


# The first three letters of every family stem: a name starting otherwise is in no family.
FAMILY_STARTS: frozenset[str] = frozenset(_BY_START)


def family_of(key: str) -> Family | None:
    """The family ``key`` belongs to, if any. ``key`` is already a name key."""
    for family in _BY_START.get(key[:3], ()):
        if not key.startswith(family.stem):
            continue
        rest = key[len(family.stem) :]
        if family.tail == VERSION and _version_tail(rest):
            return family
        if family.tail == HELPER and _helper_tail(rest):
            return family
        if family.tail == ANY and not says_remote_access(key):
            return family
    return None


def category_of(key: str) -> str | None:
    """Which kind of protected program ``key`` names (``SYSTEM``, ``RUNTIME``…), or None.

    On the identifier's hot path (every new process): one dict hit, and a second one that
    almost every name misses before any family is looked at."""
    category = LITERALS.get(key)
    if category is not None:
        return category
    if key[:3] not in _BY_START or len(key) > MAX_NAME_LEN:
        return None
    family = family_of(key)
    return family.category if family else None


def literals_starting_with(prefix: str) -> list[str]:
    """Literal protected names an installer pattern with this literal prefix could match."""
    return [name for name in LITERALS if name.startswith(prefix)]


# --- exact intersection of a glob with a family, for the validator ---------------------------

# One automaton per family: state -> [(allowed characters, or None for any; next state)].
_Edges = list[tuple[str | None, int]]


@dataclass(frozen=True, slots=True)
class _Automaton:
    edges: tuple[tuple[tuple[str | None, int], ...], ...]
    accepting: frozenset[int]


def _automaton(family: Family) -> _Automaton:
    """The family's names (optionally followed by ``.exe``) as a tiny automaton."""
    edges: list[_Edges] = []

    def new() -> int:
        edges.append([])
        return len(edges) - 1

    state = new()
    for ch in family.stem:
        nxt = new()
        edges[state].append((ch, nxt))
        state = nxt
    accepting: set[int] = set()
    if family.tail == VERSION:
        end = new()
        accepting.add(end)
        for _ in range(_VERSION_LEN):
            accepting.add(state)
            nxt = new()
            edges[state].append((_VERSION_CHARS, nxt))
            edges[state].append((_VERSION_END, end))
            state = nxt
        accepting.add(state)
        edges[state].append((_VERSION_END, end))
    elif family.tail == ANY:
        accepting.add(state)
        edges[state].append((None, state))
    else:  # HELPER
        for ch in _HELPER:
            nxt = new()
            edges[state].append((ch, nxt))
            state = nxt
        accepting.add(state)
        for ch in " (":
            nxt = new()
            edges[state].append((ch, nxt))
            state = nxt
        close = new()
        accepting.add(close)
        for _ in range(_PAREN_LEN):
            nxt = new()
            edges[state].append((_PAREN_LETTERS, nxt))
            state = nxt
            edges[state].append((")", close))
    # Any name of the family may be written with .exe.
    exe_start = new()
    state = exe_start
    for ch in _EXE[1:]:
        nxt = new()
        edges[state].append((ch, nxt))
        state = nxt
    for s in list(accepting):
        edges[s].append((".", exe_start))
    accepting.add(state)
    return _Automaton(tuple(tuple(e) for e in edges), frozenset(accepting))


_AUTOMATA: dict[Family, _Automaton] = {f: _automaton(f) for f in FAMILIES}


def _skip_stars(pattern: str, i: int) -> list[int]:
    """Glob positions reachable from ``i`` without reading a character (``*`` may be empty)."""
    out = [i]
    while i < len(pattern) and pattern[i] == "*":
        i += 1
        out.append(i)
    return out


def _witness(pattern: str, automaton: _Automaton) -> str | None:
    """A name both the glob ``pattern`` (case-folded; ``*`` and ``?`` special) and the
    automaton accept, or None when there is none. Breadth-first over (glob position,
    automaton state) pairs: at most (len(pattern) + 1) x states, each visited once."""
    parent: dict[tuple[int, int], tuple[tuple[int, int], str] | None] = {}
    queue: deque[tuple[int, int]] = deque()
    for i in _skip_stars(pattern, 0):
        parent[(i, 0)] = None
        queue.append((i, 0))
    while queue:
        node = queue.popleft()
        i, state = node
        if i == len(pattern) and state in automaton.accepting:
            chars: list[str] = []
            step = parent[node]
            while step is not None:
                node, ch = step
                chars.append(ch)
                step = parent[node]
            return "".join(reversed(chars))
        if i == len(pattern):
            continue
        sym = pattern[i]
        # A star reads a character and stays (or moves on); anything else moves on.
        nexts = _skip_stars(pattern, i if sym == "*" else i + 1)
        for allowed, target in automaton.edges[state]:
            if sym in "*?":
                candidates: str = allowed if allowed is not None else _FILLER
            elif allowed is None or sym in allowed:
                candidates = sym
            else:
                continue
            for ch in candidates:
                for j in nexts:
                    key = (j, target)
                    if key not in parent:
                        parent[key] = (node, ch)
                        queue.append(key)
    return None


def _literal_segments(pattern: str) -> list[str]:
    return [s for s in pattern.replace("?", "*").split("*") if s]


def family_witness(pattern: str, prefix: str) -> tuple[str, str] | None:
    """A protected family member the glob ``pattern`` (case-folded, literal ``prefix``)
    would match, with its category; None when it can match none."""
    remote_literal = any(says_remote_access(s) for s in _literal_segments(pattern))
    for family in FAMILIES:
        if not (prefix.startswith(family.stem) or family.stem.startswith(prefix)):
            continue
        if family.tail == ANY and remote_literal:
            continue  # every name it matches says it is remote access: not protected
        found = _witness(pattern, _AUTOMATA[family])
        if found is not None:
            return found.removesuffix(_EXE), family.category
    return None
