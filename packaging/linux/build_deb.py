"""Build the Debian/Ubuntu package from the two one-folder builds (``make deb``).

The package puts the program under ``/opt/scamguard`` with ``scamguard`` on PATH, and the
service (``dist/scamguard-service``, no Qt) under ``/opt/scamguard/service``. It installs:

- the system unit ``scamguard.service``: ``scamguard-service service run`` as root, started
  at boot and again whenever it ends (``Restart=always``). Being a system unit, stopping,
  disabling or masking it needs an administrator (``sudo``);
- the watchdog ``scamguard-check.timer`` (+ ``.service``): ``scamguard-service service
  check`` every minute, which journals a stopped service, so switching it off leaves a trace;
- maintainer scripts that enable and start both at install (with systemd running:
  ``deb-systemd-helper`` and ``deb-systemd-invoke``; without it, in a container or WSL:
  the same enable links, and the service started with ``start-stop-daemon`` and a pid
  file), stop them before removal or upgrade, and on purge remove the service's state
  (``/var/lib/scamguard``) and the machine-wide settings;
- a menu entry, and two ways of starting the tray at every login for every user, so that
  whichever one the desktop uses, a tray that is killed comes back:

- a systemd user service (``Restart=always``, but not after Quit, which exits 0), enabled
  for graphical sessions: GNOME and KDE Plasma start those;
- an ``/etc/xdg/autostart`` entry running ``scamguard keep-running`` for desktops that
  start autostart entries themselves (Xfce, MATE, Cinnamon, LXQt...). It is marked
  ``X-GNOME-HiddenUnderSystemd`` so systemd's autostart generator does not start a second
  copy where the service already runs (and if both ever ran, the second tray hands over to
  the first and exits).

Built with ``dpkg-deb`` alone: nothing to install beyond what every Debian system has.
Removing the package (``apt remove``) stops the service and removes all of it, enable links
included (so a later install enables it again); purging also removes the machine-wide
settings an installer wrote (``/etc/xdg/ScamGuard``) and the service's state.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import system_libraries

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "/opt/scamguard"
SERVICE_DIR = f"{PREFIX}/service"
SERVICE_PROGRAM = f"{SERVICE_DIR}/scamguard-service"
SYSTEM_UNITS = "usr/lib/systemd/system"
# Bundled by PyInstaller at build time, except the libraries every desktop has, which come
# from the system (system_libraries.py: the GL and xcb libraries, libX11, glib, fontconfig,
# OpenSSL...). libxcb-cursor0 is bundled when the build machine has it; naming it makes a
# build from a machine without it still start.
DEPENDS = ", ".join(["libc6 (>= 2.31)", "libxcb-cursor0", *system_libraries.depends()])

CONTROL = """\
Package: scamguard
Version: {version}
Architecture: {arch}
Maintainer: ScamGuard <support@scamguard.invalid>
Installed-Size: {size_kb}
Depends: {depends}
Recommends: speech-dispatcher | espeak-ng, sound-theme-freedesktop
Section: utils
Priority: optional
Homepage: https://scamguard.invalid/
Description: stops remote-access scams
 Freezes remote-access tools (AnyDesk, TeamViewer and 130 more) the moment a scam
 caller gets one onto the computer, and shows a full-screen warning with the
 broadband provider's real phone numbers, so the person hangs up and calls the
 real company from another phone.
"""

MENU_ENTRY = """\
[Desktop Entry]
Type=Application
Name=ScamGuard
GenericName=Scam protection
Comment=Stops remote-access scams and shows who to call
Exec=/usr/bin/scamguard
Icon=scamguard
Terminal=false
Categories=Utility;Security;
StartupNotify=false
"""

# Same file name as the per-user entry guard/platform/autostart/linux.py writes, so a
# person's own entry (or their Hidden=true) overrides this one, as the autostart spec intends.
AUTOSTART_ENTRY = """\
[Desktop Entry]
Type=Application
Name=ScamGuard
Comment=Stops remote-access scams and shows who to call
Exec=/usr/bin/scamguard keep-running
Icon=scamguard
Terminal=false
NoDisplay=true
X-GNOME-Autostart-enabled=true
X-GNOME-Autostart-Delay=5
X-GNOME-HiddenUnderSystemd=true
"""

USER_SERVICE = """\
[Unit]
Description=ScamGuard: stops remote-access scams
Documentation=file:///opt/scamguard/README
PartOf=graphical-session.target
After=graphical-session.target
# Never give up restarting (the default gives up after 5 starts in 10 s, which a caller
# killing the tray in a loop could reach on systemd older than 254).
StartLimitIntervalSec=0

[Service]
ExecStart=/usr/bin/scamguard
# Supervised: a tray started while another copy runs waits for it rather than exiting 0.
Environment=SCAMGUARD_SUPERVISED=1
# Started again whenever it stops, except after Quit in its menu (exit 0, asked first and
# journalled). SIGTERM from anyone but systemd (a caller's "pkill scamguard") exits 143,
# which is restarted; systemd's own stop at logout is never restarted.
Restart=always
RestartPreventExitStatus=0
SuccessExitStatus=143
RestartSec=2
# systemd 254+: quick repeated failures wait longer, up to 5 minutes (older: ignored).
RestartSteps=6
RestartMaxDelaySec=300

[Install]
WantedBy=graphical-session.target
"""

# The service, as root, for every account. Hardening keeps only what it needs, and nothing
# that would stop it acting on other people's programs:
# - CAP_KILL: freeze (SIGSTOP) and end the tools of every account;
# - CAP_SYS_PTRACE: read /proc/PID/exe of other accounts' processes (to identify them by
#   content), which the kernel allows only with ptrace read access;
# - CAP_NET_ADMIN: the proc connector (netlink) that reports every new process at once;
# - CAP_SYS_ADMIN: fanotify permission events (deny a known tool before it runs);
# - CAP_SYS_NICE and no RestrictRealtime=: the exec gate's thread runs real-time, since
#   every program start on the computer waits for its answer;
# - CAP_DAC_READ_SEARCH, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_CHOWN: read a download in a
#   person's private folder, and quarantine it (move it away, give it back).
# No mount-namespace options (ProtectSystem, ProtectHome, PrivateTmp, PrivateDevices,
# ReadWritePaths, ProtectProc...): they give the service its own copies of the mounts, so
# fanotify marks on "the mount holding /usr" would be on the service's copy and never see a
# person's exec; ProtectHome and PrivateTmp would also hide the very folders it watches.
SYSTEM_SERVICE = f"""\
[Unit]
Description=ScamGuard service: stops remote-access scams for every account
Documentation=file://{PREFIX}/README
After=local-fs.target
# Up before anyone can log in, so every tray finds it.
Before=systemd-user-sessions.service display-manager.service
# Never give up restarting.
StartLimitIntervalSec=0

[Service]
# Ready once it takes clients (sd_notify READY=1): a tray started after it finds it.
Type=notify
NotifyAccess=main
# Only an administrator can write this file (tests confine the service with --only-under).
EnvironmentFile=-/etc/default/scamguard
ExecStart={SERVICE_PROGRAM} service run $SCAMGUARD_SERVICE_ARGS
# Exits 0 on SIGTERM. Started again whenever it ends, unless systemd itself stopped it
# (systemctl stop, which only an administrator can do, and the check timer journals).
Restart=always
RestartSec=1
# Its health ticker says WATCHDOG=1 every second. Held still (kill -STOP, a debugger) it
# goes quiet, and after 10 s systemd kills it (SIGKILL: a stopped process cannot act on
# SIGABRT) and starts it again; the gap is journalled then. With the exec gate on, program
# starts wait for a held service at most this long.
WatchdogSec=10
WatchdogSignal=SIGKILL
RuntimeDirectory=scamguard
RuntimeDirectoryMode=0755
StateDirectory=scamguard
StateDirectoryMode=0755
UMask=0022
OOMScoreAdjust=-900
# The exec gate (on by default; --no-exec-gate in /etc/default/scamguard switches it off)
# holds one descriptor per exec waiting for its answer; the kernel refuses an exec it
# cannot give a descriptor for.
LimitNOFILE=65536
CapabilityBoundingSet=CAP_KILL CAP_SYS_PTRACE CAP_NET_ADMIN CAP_SYS_ADMIN CAP_SYS_NICE
CapabilityBoundingSet=CAP_DAC_READ_SEARCH CAP_DAC_OVERRIDE CAP_FOWNER CAP_CHOWN
NoNewPrivileges=yes
RestrictAddressFamilies=AF_UNIX AF_NETLINK AF_INET AF_INET6
RestrictNamespaces=yes
RestrictSUIDSGID=yes
LockPersonality=yes
SystemCallArchitectures=native

[Install]
WantedBy=multi-user.target
"""

CHECK_SERVICE = f"""\
[Unit]
Description=ScamGuard: journal it if the ScamGuard service is not running
Documentation=file://{PREFIX}/README

[Service]
Type=oneshot
ExecStart={SERVICE_PROGRAM} service check
# Exit 1 is its finding ("not running", journalled), not a failure of the check.
SuccessExitStatus=1
NoNewPrivileges=yes
"""

CHECK_TIMER = """\
[Unit]
Description=ScamGuard: check every minute that the ScamGuard service is running

[Timer]
OnBootSec=2min
OnUnitActiveSec=1min
AccuracySec=10s

[Install]
WantedBy=timers.target
"""

# Shared by the maintainer scripts. Without systemd as PID 1 (containers, WSL without
# systemd, chroots) the service is started with start-stop-daemon and a pid file; nothing
# restarts it there, and the check timer does not run.
SCRIPT_HEAD = f"""\
#!/bin/sh
set -e
UNITS="scamguard.service scamguard-check.timer"
DAEMON={SERVICE_PROGRAM}
PIDFILE=/run/scamguard-service.pid
LOG=/var/log/scamguard-service.log

have() {{ command -v "$1" >/dev/null 2>&1; }}
systemd_running() {{ [ -d /run/systemd/system ]; }}

# Stop a service started without systemd (or left from before systemd came up).
stop_without_systemd() {{
    if [ -f "$PIDFILE" ]; then
        start-stop-daemon --stop --quiet --oknodo --retry TERM/15/KILL/5 \\
            --pidfile "$PIDFILE" --exec "$DAEMON" || true
        rm -f "$PIDFILE"
    fi
}}
"""

POSTINST = (
    SCRIPT_HEAD
    + """
start_without_systemd() {
    SCAMGUARD_SERVICE_ARGS=
    if [ -r /etc/default/scamguard ]; then
        . /etc/default/scamguard
    fi
    # shellcheck disable=SC2086 # the options are separate words
    start-stop-daemon --start --quiet --oknodo --background --make-pidfile \\
        --pidfile "$PIDFILE" --output "$LOG" --exec "$DAEMON" -- service run $SCAMGUARD_SERVICE_ARGS
}

case "$1" in
configure | abort-upgrade | abort-deconfigure | abort-remove)
    # Enable: the links in /etc/systemd/system, made whether or not systemd runs now.
    for unit in $UNITS; do
        if have deb-systemd-helper; then
            deb-systemd-helper unmask "$unit" >/dev/null || true
            deb-systemd-helper enable "$unit" >/dev/null || true
        elif have systemctl; then
            systemctl --no-reload enable "$unit" >/dev/null 2>&1 || true
        fi
    done
    if systemd_running; then
        stop_without_systemd
        systemctl --system daemon-reload >/dev/null || true
        if have deb-systemd-invoke; then
            deb-systemd-invoke restart $UNITS >/dev/null || true
        else
            systemctl restart $UNITS >/dev/null || true
        fi
    else
        start_without_systemd
    fi
    ;;
esac
exit 0
"""
)

PRERM = (
    SCRIPT_HEAD
    + """
case "$1" in
remove | upgrade | deconfigure | failed-upgrade)
    # Stopped before its files are replaced or removed (a frozen Python program reads its
    # own files while it runs).
    if systemd_running; then
        if have deb-systemd-invoke; then
            deb-systemd-invoke stop $UNITS scamguard-check.service >/dev/null || true
        else
            systemctl stop $UNITS scamguard-check.service >/dev/null || true
        fi
    fi
    stop_without_systemd
    ;;
esac
exit 0
"""
)

POSTRM = (
    SCRIPT_HEAD
    + """
case "$1" in
remove | purge)
    # No enable links left behind; a later install enables the service again.
    for unit in $UNITS; do
        if have deb-systemd-helper; then
            deb-systemd-helper purge "$unit" >/dev/null || true
        fi
        rm -f "/etc/systemd/system/multi-user.target.wants/scamguard.service" \\
            "/etc/systemd/system/timers.target.wants/scamguard-check.timer"
    done
    if systemd_running; then
        systemctl --system daemon-reload >/dev/null || true
    fi
    rm -rf /run/scamguard
    rm -f "$PIDFILE"
    ;;
esac
# Purge also removes the service's state (journal, quarantine, updates), its log, and the
# machine-wide settings an installer wrote (provider, feed).
if [ "$1" = purge ]; then
    rm -rf /var/lib/scamguard /etc/xdg/ScamGuard
    rm -f "$LOG"
fi
exit 0
"""
)

README = """\
ScamGuard {version}

Commands: scamguard --help
An ISP's signed provider profile and update feed, for everyone on this computer:
    sudo scamguard provider install FILE.scamguard-profile --feed https://...
"""


def version() -> str:
    text = (ROOT / "guard" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    if not found:
        raise SystemExit("cannot find __version__ in guard/__init__.py")
    return found.group(1)


def architecture() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)


def _tree_size_kb(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*")) // 1024 + 1


def _md5sums(root: Path) -> str:
    lines = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and "DEBIAN" not in path.parts:
            digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
            lines.append(f"{digest}  {path.relative_to(root)}\n")
    return "".join(lines)


def stage(payload: Path, service: Path, root: Path, ver: str, arch: str) -> None:
    """Lay out the package's files under ``root`` (the future ``/``)."""
    for folder, program in ((payload, "scamguard"), (service, "scamguard-service")):
        if not (folder / program).is_file() or not (folder / "_internal").is_dir():
            raise SystemExit(f"{folder}: not a one-folder build (run make package first)")
    opt = root / PREFIX.lstrip("/")
    shutil.copytree(payload, opt, symlinks=True)
    shutil.copytree(service, root / SERVICE_DIR.lstrip("/"), symlinks=True)
    _write(opt / "README", README.format(version=ver))
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "scamguard").symlink_to(f"{PREFIX}/scamguard")
    _write(root / "usr/share/applications/scamguard.desktop", MENU_ENTRY)
    icon = root / "usr/share/icons/hicolor/256x256/apps/scamguard.png"
    icon.parent.mkdir(parents=True)
    shutil.copy(ROOT / "packaging" / "icons" / "scamguard.png", icon)
    _write(root / "etc/xdg/autostart/scamguard.desktop", AUTOSTART_ENTRY)
    units = root / "usr/lib/systemd/user"
    _write(units / "scamguard.service", USER_SERVICE)
    wants = units / "graphical-session.target.wants"
    wants.mkdir()
    (wants / "scamguard.service").symlink_to("../scamguard.service")
    system = root / SYSTEM_UNITS
    _write(system / "scamguard.service", SYSTEM_SERVICE)
    _write(system / "scamguard-check.service", CHECK_SERVICE)
    _write(system / "scamguard-check.timer", CHECK_TIMER)
    debian = root / "DEBIAN"
    control = CONTROL.format(version=ver, arch=arch, size_kb=_tree_size_kb(root), depends=DEPENDS)
    _write(debian / "control", control)
    _write(debian / "postinst", POSTINST, 0o755)
    _write(debian / "prerm", PRERM, 0o755)
    _write(debian / "postrm", POSTRM, 0o755)
    _write(debian / "md5sums", _md5sums(root))


def build(payload: Path, service: Path, out_dir: Path, compression: str = "xz") -> Path:
    ver, arch = version(), architecture()
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"scamguard_{ver}_{arch}.deb"
    with tempfile.TemporaryDirectory(prefix="scamguard-deb-") as scratch:
        root = Path(scratch) / "root"
        root.mkdir(mode=0o755)
        os.chmod(root, 0o755)  # noqa: S103 - becomes / : everyone must read it
        stage(payload, service, root, ver, arch)
        subprocess.run(
            ["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(root), str(out)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--payload", type=Path, default=ROOT / "dist" / "scamguard")
    parser.add_argument(
        "--service", type=Path, help="the service build (default: beside --payload)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument(
        "--compression", choices=("xz", "gzip", "none"), default="xz",
        help="xz (smallest, the release default) or gzip (faster, for tests)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if shutil.which("dpkg-deb") is None:
        print("build_deb: dpkg-deb not found (needs Debian or Ubuntu)", file=sys.stderr)
        return 2
    service = args.service or args.payload.parent / "scamguard-service"
    out = build(args.payload, service, args.out, args.compression)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
