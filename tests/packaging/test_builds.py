"""The two one-folder builds (``make package``): the tray build keeps every part of Qt the
tray uses and nothing of Qt it does not; the service build has no Qt at all; both fit
their size targets (issue 15); everything they link against is in them or a named system
package.

The Qt the tray uses is measured, not listed by hand: packaging/pyinstaller/qt_usage.py runs
the tray offscreen through every window and the warning's pages and reports the Qt modules,
libraries and plugins that were loaded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.packaging.conftest import require

DIST = REPO / "dist"
TRAY = DIST / "scamguard"
SERVICE = DIST / "scamguard-service"
QT_USAGE = REPO / "packaging" / "pyinstaller" / "qt_usage.py"
sys.path.insert(0, str(REPO / "packaging"))
sys.path.insert(0, str(REPO / "packaging" / "linux"))
from sizes import size_mib  # noqa: E402
from system_libraries import BROUGHT_BY_SYSTEM, C_LIBRARY, SYSTEM_LIBRARIES  # noqa: E402


@pytest.fixture(scope="module")
def builds() -> None:
    for folder in (TRAY, SERVICE):
        require(folder.is_dir(), f"no one-folder build in {folder}: make package")


@pytest.fixture(scope="module")
def used() -> dict[str, list[str]]:
    require(sys.platform.startswith("linux"), "qt_usage.py reads /proc/self/maps (Linux)")
    result = subprocess.run(
        [sys.executable, str(QT_USAGE)],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.rglob("*") if not p.is_dir()}


def test_the_tray_build_keeps_every_qt_part_the_tray_loads(builds, used):
    files = _files(TRAY)
    for module in used["modules"]:  # PySide6.QtWidgets -> QtWidgets.abi3.so
        name = module.split(".")[1]
        assert any(f.startswith(f"{name}.") for f in files), module
    for library in used["libraries"]:  # Qt6Widgets -> libQt6Widgets.so.6
        assert any(f.startswith(f"lib{library}.so") for f in files), library
    plugins = TRAY / "_internal" / "PySide6" / "Qt" / "plugins"
    for plugin in used["plugins"]:
        assert (plugins / plugin).is_file(), plugin
    # And the desktops' own platform plugins, which offscreen cannot load here.
    for plugin in ("platforms/libqxcb.so", "platforms/libqwayland.so"):
        assert (plugins / plugin).is_file(), plugin


def test_the_tray_build_leaves_out_the_qt_it_does_not_use(builds, used):
    files = _files(TRAY)
    bindings = {f.split(".")[0] for f in files if f.startswith("Qt") and ".abi3." in f}
    assert bindings == {m.split(".")[1] for m in used["modules"]}
    assert not [f for f in files if f.endswith(".qm") and f.startswith("qt")]  # Qt's own
    for unused in ("libQt6Svg.so.6", "libQt6OpenGL.so.6", "libqgtk3.so", "libqjpeg.so",
                   "libQt6Pdf.so.6", "libQt6Qml.so.6", "libqopensslbackend.so"):  # fmt: skip
        assert unused not in files, unused


def test_the_service_build_has_no_qt(builds):
    files = _files(SERVICE)
    assert "scamguard-service" in files
    assert not [f for f in files if "Qt" in f or "pyside" in f.lower() or "shiboken" in f]
    assert not (SERVICE / "_internal" / "ui").exists()


def test_the_service_program_is_the_engine_command_line(builds, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    program = str(SERVICE / "scamguard-service")
    version = subprocess.run([program, "--version"], capture_output=True, text=True, env=env,
                             cwd="/", timeout=60, check=False)  # fmt: skip
    assert version.returncode == 0 and version.stdout.startswith("scamguard "), version.stderr
    # The phone-number checks still work without phonenumbers' left-out tables.
    shown = subprocess.run([program, "provider", "show", "talktalk", "--json"],
                           capture_output=True, text=True, env=env, cwd="/", timeout=60,
                           check=False)  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert "0345 172 0088" in shown.stdout


def test_the_builds_meet_their_size_targets(builds):
    """Issue 15's targets: the tray build at most 90 MiB, the service 40 (``make package``
    prints both)."""
    assert size_mib(TRAY) <= 90
    assert size_mib(SERVICE) <= 40


def _elf_files(folder: Path) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def _needed(path: Path) -> list[str]:
    shown = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True,
                           timeout=60, check=True).stdout  # fmt: skip
    return [line.split("[", 1)[1].rstrip("]") for line in shown.splitlines() if "(NEEDED)" in line]


@pytest.mark.parametrize("folder", [TRAY, SERVICE], ids=["tray", "service"])
def test_every_library_a_build_needs_travels_with_it_or_is_a_named_system_package(builds, folder):
    """What the spec leaves to the system (packaging/linux/system_libraries.py) is named
    there with its Debian package (the .deb depends on it); anything else a program or
    library of the build links against must be in the build."""
    require(sys.platform.startswith("linux"), "ELF builds (Linux)")
    require(shutil.which("readelf"), "readelf (binutils) is not installed")
    files = _files(folder)
    unprovided = {
        (path.name, name)
        for path in _elf_files(folder)
        for name in _needed(path)
        if name not in files and name not in SYSTEM_LIBRARIES and name not in C_LIBRARY
    }
    assert not unprovided
    assert not files & set(SYSTEM_LIBRARIES)  # left out, not carried as well
    assert not files & BROUGHT_BY_SYSTEM  # and what only those need (libcups's TLS)


def test_the_tray_build_carries_icus_data_cut_to_what_qt_can_ask(builds):
    """31 MiB of ICU data cut to about 3 (packaging/pyinstaller/icu_trim.py); the installed
    tray still draws the warning (test_deb), and Qt's collation works on it (test_icu_trim)."""
    require(sys.platform.startswith("linux"), "PySide6 carries ICU on Linux only")
    data = [p for p in TRAY.rglob("libicudata.so*") if not p.is_symlink()]
    assert len(data) == 1 and data[0].stat().st_size < 6 * 2**20, data


def test_the_tray_build_carries_the_compiled_translations_only(builds):
    """The spec compiles each ui/translations/*.ts into the build: the .qm ships, the source
    does not (a French Canadian person gets the French warning from the installed build)."""
    folder = TRAY / "_internal" / "ui" / "translations"
    assert (folder / "scamguard_fr_CA.qm").is_file(), sorted(p.name for p in folder.iterdir())
    assert not list(folder.glob("*.ts"))
