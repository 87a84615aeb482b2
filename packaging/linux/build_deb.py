"""Build the Debian/Ubuntu package from the one-folder build (``make deb``).

The package puts the program under ``/opt/scamguard`` with ``scamguard`` on PATH, a menu
entry, and two ways of starting the tray at every login for every user, so that whichever
one the desktop uses, a tray that is killed comes back:

- a systemd user service (``Restart=always``, but not after Quit, which exits 0), enabled
  for graphical sessions: GNOME and KDE Plasma start those;
- an ``/etc/xdg/autostart`` entry running ``scamguard keep-running`` for desktops that
  start autostart entries themselves (Xfce, MATE, Cinnamon, LXQt...). It is marked
  ``X-GNOME-HiddenUnderSystemd`` so systemd's autostart generator does not start a second
  copy where the service already runs (and if both ever ran, the second tray hands over to
  the first and exits).

Built with ``dpkg-deb`` alone: nothing to install beyond what every Debian system has.
Removing the package (``apt remove``) removes all of it; purging also removes the
machine-wide settings an installer wrote (``/etc/xdg/ScamGuard``).
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

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "/opt/scamguard"
# Bundled by PyInstaller at build time, except these system libraries (libc, the GL
# dispatch libraries, libxcb, libdrm, wayland-client), which must come from the system.
# The xcb helpers are bundled too when the build machine has them; listing them makes a
# build from a machine without them still start.
DEPENDS = (
    "libc6 (>= 2.31), libgl1, libegl1, libxcb1, libdrm2, libwayland-client0, "
    "libxcb-cursor0, libxkbcommon-x11-0, libfontconfig1, libdbus-1-3"
)

CONTROL = """\
Package: scamguard
Version: {version}
Architecture: {arch}
Maintainer: ScamGuard <support@scamguard.invalid>
Installed-Size: {size_kb}
Depends: {depends}
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

POSTRM = """\
#!/bin/sh
set -e
# Purge also removes the machine-wide settings an installer wrote (provider, feed).
if [ "$1" = purge ]; then
    rm -rf /etc/xdg/ScamGuard
fi
exit 0
"""

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


def stage(payload: Path, root: Path, ver: str, arch: str) -> None:
    """Lay out the package's files under ``root`` (the future ``/``)."""
    if not (payload / "scamguard").is_file() or not (payload / "_internal").is_dir():
        raise SystemExit(f"{payload}: not a one-folder build (run make package first)")
    opt = root / PREFIX.lstrip("/")
    shutil.copytree(payload, opt, symlinks=True)
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
    debian = root / "DEBIAN"
    control = CONTROL.format(version=ver, arch=arch, size_kb=_tree_size_kb(root), depends=DEPENDS)
    _write(debian / "control", control)
    _write(debian / "postrm", POSTRM, 0o755)
    _write(debian / "md5sums", _md5sums(root))


def build(payload: Path, out_dir: Path, compression: str = "xz") -> Path:
    ver, arch = version(), architecture()
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"scamguard_{ver}_{arch}.deb"
    with tempfile.TemporaryDirectory(prefix="scamguard-deb-") as scratch:
        root = Path(scratch) / "root"
        root.mkdir(mode=0o755)
        os.chmod(root, 0o755)  # noqa: S103 - becomes / : everyone must read it
        stage(payload, root, ver, arch)
        subprocess.run(
            ["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(root), str(out)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--payload", type=Path, default=ROOT / "dist" / "scamguard")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument(
        "--compression", choices=("xz", "gzip", "none"), default="xz",
        help="xz (smallest, the release default) or gzip (faster, for tests)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if shutil.which("dpkg-deb") is None:
        print("build_deb: dpkg-deb not found (needs Debian or Ubuntu)", file=sys.stderr)
        return 2
    out = build(args.payload, args.out, args.compression)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
