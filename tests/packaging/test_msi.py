"""The Windows MSI: built by packaging/windows/build_msi.py with wixl from a small stand-in
payload, then read back table by table with msiinfo.

Needs Debian's ``wixl`` and ``msitools``. Without them the tests that build skip, unless
``SCAMGUARD_PACKAGING_REQUIRED=1`` (a packaging CI job), where a missing tool fails them.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO
from tests.packaging.conftest import require

pytestmark = pytest.mark.packaging

SCRIPT = REPO / "packaging" / "windows" / "build_msi.py"
TEMPLATE = REPO / "packaging" / "windows" / "scamguard.wxs"
VERSION = "1.2.3"
TOOLS = ("wixl", "msiinfo", "msibuild", "msiextract")

# A one-folder build in miniature, as a Linux build names it (--stand-in).
PAYLOAD = {
    "scamguard": b"console program",
    "scamguard-tray": b"windowed program",
    "_internal/base_library.zip": b"zip",
    "_internal/python311.dll": b"python",
    "_internal/PySide6/Qt/plugins/platforms/qwindows.dll": b"qt platform plugin",
    "_internal/signatures/tools/anydesk.toml": b"[tool]",
    "_internal/a name with spaces, and longer than eight.pyd": b"extension",
}
# The service's own one-folder build (no Qt), beside it as make package leaves it.
SERVICE_PAYLOAD = {
    "scamguard-service": b"service program",
    "_internal/base_library.zip": b"service zip",
    "_internal/python311.dll": b"python",
}
RENAMED = {"scamguard": "scamguard.exe", "scamguard-tray": "scamguard-tray.exe"}
INSTALLED = {RENAMED.get(rel, rel): data for rel, data in PAYLOAD.items()} | {
    "service/" + (rel + ".exe" if rel == "scamguard-service" else rel): data
    for rel, data in SERVICE_PAYLOAD.items()
}

DEFERRED, NO_IMPERSONATE, CONTINUE = 1024, 2048, 64
OWN_PROCESS, AUTO_START, ERROR_NORMAL, VITAL = 0x10, 2, 1, 0x8000
START_ON_INSTALL, STOP_ON_INSTALL, STOP_ON_UNINSTALL, DELETE_ON_UNINSTALL = 1, 2, 32, 128
CONFIG_ON_INSTALL, CONFIG_ON_UNINSTALL, CONFIG_ON_REINSTALL = 1, 2, 4
RESTART_SERVICE = "1"
EXE_FROM_FILE, SET_PROPERTY = 18, 51
COMPONENT_64BIT = 256


# --- Building ---------------------------------------------------------------------------


def require_msitools() -> None:
    """Skip without wixl/msitools (fail in CI: SCAMGUARD_PACKAGING_REQUIRED=1)."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    require(not missing, f"{', '.join(missing)} not installed (apt-get install wixl msitools)")


def make_payload(root: Path, files: dict[str, bytes] = PAYLOAD) -> Path:
    """The tray build at ``root``, and the service build beside it (``scamguard-service``,
    where build_msi.py looks for it by default)."""
    for folder, content in ((root, files), (root.parent / "scamguard-service", SERVICE_PAYLOAD)):
        for rel, data in content.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    return root


def build_msi(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def build_stand_in(tmp: Path) -> Path:
    payload = make_payload(tmp / "payload")
    out = tmp / "out" / "ScamGuard.msi"
    result = build_msi("--payload", payload, "--stand-in", "--version", VERSION, "--out", out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def msi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_msitools()
    return build_stand_in(tmp_path_factory.mktemp("msi"))


# --- Reading it back -------------------------------------------------------------------


def table(msi: Path, name: str) -> list[dict[str, str]]:
    """A table's rows from ``msiinfo export`` (.idt: names, types, keys, then rows)."""
    out = subprocess.run(
        ["msiinfo", "export", str(msi), name], capture_output=True, text=True, check=True
    ).stdout
    lines = out.splitlines()
    names = lines[0].split("\t")
    return [dict(zip(names, line.split("\t"), strict=False)) for line in lines[3:]]


def tables(msi: Path) -> set[str]:
    out = subprocess.run(
        ["msiinfo", "tables", str(msi)], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def properties(msi: Path) -> dict[str, str]:
    return {row["Property"]: row["Value"] for row in table(msi, "Property")}


def sequence(msi: Path) -> dict[str, tuple[int, str]]:
    """InstallExecuteSequence as action -> (sequence number, condition)."""
    return {
        row["Action"]: (int(row["Sequence"]), row["Condition"])
        for row in table(msi, "InstallExecuteSequence")
    }


def summary(msi: Path) -> dict[str, str]:
    out = subprocess.run(
        ["msiinfo", "suminfo", str(msi)], capture_output=True, text=True, check=True
    ).stdout
    return dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)


def directory_paths(msi: Path) -> dict[str, str]:
    """Each Directory id as a path of ids and names from TARGETDIR, e.g.
    ``ProgramFiles64Folder/ScamGuard/_internal``."""
    rows = {row["Directory"]: row for row in table(msi, "Directory")}

    def path(key: str) -> str:
        row = rows[key]
        if not row["Directory_Parent"]:
            return ""
        parent = path(row["Directory_Parent"])
        name = key if row["DefaultDir"] == "." else row["DefaultDir"].split("|")[-1]
        return f"{parent}/{name}" if parent else name

    return {key: path(key) for key in rows}


def installed_files(msi: Path) -> dict[str, int]:
    """Every file's installed path under INSTALLFOLDER, with its size."""
    dirs = directory_paths(msi)
    root = dirs["INSTALLFOLDER"]
    folder = {row["Component"]: dirs[row["Directory_"]] for row in table(msi, "Component")}
    found = {}
    for row in table(msi, "File"):
        where = folder[row["Component_"]]
        assert where == root or where.startswith(root + "/"), where
        rel = where[len(root) + 1 :]
        name = row["FileName"].split("|")[-1]
        found[f"{rel}/{name}" if rel else name] = int(row["FileSize"])
    return found


def custom_action(msi: Path, name: str) -> dict[str, str]:
    return next(row for row in table(msi, "CustomAction") if row["Action"] == name)


# --- What the MSI must do --------------------------------------------------------------


def test_every_payload_file_is_installed_at_its_windows_path(msi: Path):
    assert installed_files(msi) == {rel: len(data) for rel, data in INSTALLED.items()}


def test_the_cabinet_holds_each_file_s_own_bytes(msi: Path, tmp_path: Path):
    subprocess.run(["msiextract", "-C", str(tmp_path), str(msi)], capture_output=True, check=True)
    root = tmp_path / "ScamGuard"
    extracted = {
        p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
    }
    assert extracted == INSTALLED


# --- The service (issue 15) -------------------------------------------------------------


def test_the_service_is_installed_to_run_as_local_system_at_boot(msi: Path):
    (service,) = table(msi, "ServiceInstall")
    assert service["Name"] == "ScamGuard"
    assert service["StartName"] in ("", "LocalSystem")  # both mean LocalSystem
    assert service["Arguments"] == "service run"
    assert int(service["ServiceType"]) == OWN_PROCESS
    assert int(service["StartType"]) == AUTO_START
    assert int(service["ErrorControl"]) == ERROR_NORMAL | VITAL  # cannot register: install fails
    # Its component's key path is service\scamguard-service.exe: the program the SCM runs.
    component = next(r for r in table(msi, "Component") if r["Component"] == service["Component_"])
    (exe,) = [r for r in table(msi, "File") if r["File"] == component["KeyPath"]]
    assert exe["FileName"].split("|")[-1] == "scamguard-service.exe"
    assert directory_paths(msi)[component["Directory_"]] == "ProgramFiles64Folder/ScamGuard/service"


def test_the_service_is_started_at_install_and_stopped_and_removed_at_uninstall(msi: Path):
    rows = {r["ServiceControl"]: r for r in table(msi, "ServiceControl")}
    (service,) = table(msi, "ServiceInstall")
    events = 0
    for row in rows.values():
        assert row["Name"] == "ScamGuard" and row["Component_"] == service["Component_"]
        event = int(row["Event"])
        events |= event
        if event & (STOP_ON_INSTALL | STOP_ON_UNINSTALL):
            assert row["Wait"] == "1"  # stopped before its files are replaced or removed
        if event & START_ON_INSTALL:
            assert row["Wait"] == "0"  # a service that cannot start never rolls back the install
    assert events == START_ON_INSTALL | STOP_ON_INSTALL | STOP_ON_UNINSTALL | DELETE_ON_UNINSTALL
    seq = sequence(msi)
    assert seq["StopServices"][0] < seq["DeleteServices"][0] < seq["RemoveFiles"][0]
    assert seq["InstallFiles"][0] < seq["InstallServices"][0] < seq["StartServices"][0]
    assert seq["StartServices"][0] < seq["InstallFinalize"][0]


def test_the_service_is_restarted_whenever_it_dies(msi: Path):
    (row,) = table(msi, "MsiServiceConfigFailureActions")
    assert row["Name"] == "ScamGuard"
    assert int(row["Event"]) == CONFIG_ON_INSTALL | CONFIG_ON_REINSTALL
    actions = row["Actions"].split("[~]")
    delays = [int(ms) for ms in row["DelayActions"].split("[~]")]
    assert actions == [RESTART_SERVICE] * 3  # the third and every later failure too
    assert len(delays) == 3 and max(delays) <= 10_000
    seq = sequence(msi)
    at, condition = seq["MsiConfigureServices"]
    assert seq["InstallServices"][0] < at < seq["StartServices"][0]
    assert condition == "VersionNT >= 600"


def test_installs_per_machine_under_program_files_64(msi: Path):
    dirs = directory_paths(msi)
    assert dirs["INSTALLFOLDER"] == "ProgramFiles64Folder/ScamGuard"
    assert summary(msi)["Template"] == "x64;1033"
    assert all(int(row["Attributes"]) & COMPONENT_64BIT for row in table(msi, "Component"))
    props = properties(msi)
    assert props["ALLUSERS"] == "1"
    assert "MSIINSTALLPERUSER" not in props
    conditions = [row["Condition"] for row in table(msi, "LaunchCondition")]
    assert "Installed OR ALLUSERS = 1" in conditions  # no per-user install from the command line


def test_product_identity_and_add_remove_programs(msi: Path):
    props = properties(msi)
    upgrade_code = re.search(r'UpgradeCode="([0-9A-F-]{36})"', TEMPLATE.read_text()).group(1)
    assert props["UpgradeCode"].upper() == "{" + upgrade_code + "}"
    assert props["ProductVersion"] == VERSION
    assert props["ProductName"] == props["Manufacturer"] == "ScamGuard"
    assert re.fullmatch(r"\{[0-9A-F-]{36}\}", props["ProductCode"])
    assert props["ARPNOMODIFY"] == "1"
    assert props["ARPPRODUCTICON"] in {row["Name"] for row in table(msi, "Icon")}


def test_isp_properties_are_secure(msi: Path):
    secure = properties(msi)["SecureCustomProperties"].split(";")
    assert {"PROFILE", "FEED", "CHANNEL", "WIX_UPGRADE_DETECTED"} <= set(secure)


def test_run_at_login_for_all_users(msi: Path):
    (run,) = [row for row in table(msi, "Registry") if row["Name"] == "ScamGuard"]
    assert run["Root"] == "2"  # HKEY_LOCAL_MACHINE
    assert run["Key"] == r"Software\Microsoft\Windows\CurrentVersion\Run"
    assert run["Value"] == '"[INSTALLFOLDER]scamguard-tray.exe" keep-running'


def test_major_upgrade_in_place_and_no_downgrade(msi: Path):
    rows = {row["ActionProperty"]: row for row in table(msi, "Upgrade")}
    upgrade, downgrade = rows["WIX_UPGRADE_DETECTED"], rows["WIX_DOWNGRADE_DETECTED"]
    assert upgrade["VersionMax"] == VERSION and not upgrade["VersionMin"]
    assert int(upgrade["Attributes"]) & 512  # a rebuild of the same version upgrades too
    assert downgrade["VersionMin"] == VERSION and int(downgrade["Attributes"]) & 2  # OnlyDetect
    conditions = [row["Condition"] for row in table(msi, "LaunchCondition")]
    assert "NOT WIX_DOWNGRADE_DETECTED" in conditions
    seq = sequence(msi)
    remove = seq["RemoveExistingProducts"][0]
    assert seq["InstallValidate"][0] < remove < seq["InstallInitialize"][0]


def test_provider_install_runs_as_system_after_the_files_only_when_asked(msi: Path):
    action = custom_action(msi, "ProviderInstall")
    kind = int(action["Type"])
    assert kind & 0x3F == EXE_FROM_FILE and action["Source"] == "ScamGuardExe"
    assert kind & DEFERRED and kind & NO_IMPERSONATE
    assert kind & CONTINUE  # a refused profile (exit 3) must not fail the install
    assert action["Target"] == "provider install [ProviderArgs]"
    seq = sequence(msi)
    at, condition = seq["ProviderInstall"]
    assert seq["InstallFiles"][0] < at < seq["InstallFinalize"][0]
    assert "PROFILE OR FEED" in condition and 'NOT REMOVE~="ALL"' in condition
    assert "NOT Installed" in condition  # never on a repair a standard user can start


def test_provider_arguments_are_built_from_the_properties(msi: Path):
    seq = sequence(msi)
    expected = {
        "SetProviderArgsProfile": ("PROFILE", '"[PROFILE]"'),
        "SetProviderArgsFeed": ("FEED", '[ProviderArgs] --feed "[FEED]"'),
        "SetProviderArgsChannel": ("CHANNEL", '[ProviderArgs] --channel "[CHANNEL]"'),
    }
    numbers = []
    for name, (prop, value) in expected.items():
        action = custom_action(msi, name)
        assert int(action["Type"]) == SET_PROPERTY  # immediate, nothing else set
        assert (action["Source"], action["Target"]) == ("ProviderArgs", value)
        at, condition = seq[name]
        assert condition.startswith(prop + " ")
        assert at < seq["InstallInitialize"][0]
        numbers.append(at)
    assert numbers == sorted(numbers)  # profile, then --feed, then --channel


def test_provider_uninstall_only_on_a_real_uninstall(msi: Path):
    action = custom_action(msi, "ProviderUninstall")
    kind = int(action["Type"])
    assert kind & DEFERRED and kind & NO_IMPERSONATE and kind & CONTINUE
    assert action["Target"] == "provider uninstall --purge"
    seq = sequence(msi)
    at, condition = seq["ProviderUninstall"]
    assert seq["InstallInitialize"][0] < at < seq["RemoveFiles"][0]
    assert 'REMOVE~="ALL"' in condition and "NOT UPGRADINGPRODUCTCODE" in condition


def test_machine_config_folder_is_locked_down(msi: Path):
    assert "MsiLockPermissionsEx" in tables(msi)
    (lock,) = table(msi, "MsiLockPermissionsEx")
    assert lock["Table"] == "CreateFolder"
    assert directory_paths(msi)[lock["LockObject"]] == "CommonAppDataFolder/ScamGuard"
    assert lock["LockObject"] in {row["Directory_"] for row in table(msi, "CreateFolder")}
    sddl = lock["SDDL"]
    assert sddl.startswith("D:P")  # protected: %ProgramData%'s "Users may create" not inherited
    aces = re.findall(r"\(([^)]*)\)", sddl)
    granted = {ace.split(";")[5]: ace.split(";")[2] for ace in aces}
    assert granted["SY"] == granted["BA"] == "FA"
    assert granted["BU"] == granted["OW"] == "0x1200a9"  # read and execute only
    assert all(ace.startswith("A;OICI;") for ace in aces)
    assert int(summary(msi)["Version"].split()[0]) >= 500  # MsiLockPermissionsEx needs MSI 5


def test_start_menu_shortcut_is_not_advertised(msi: Path):
    (shortcut,) = table(msi, "Shortcut")
    assert shortcut["Directory_"] == "ProgramMenuFolder"
    assert shortcut["Target"] == "[#ScamGuardTrayExe]"
    assert shortcut["Arguments"] == "keep-running"


def test_tray_starts_after_an_interactive_install_only(msi: Path):
    action = custom_action(msi, "StartTray")
    assert int(action["Type"]) & 0x3F == EXE_FROM_FILE
    assert not int(action["Type"]) & (DEFERRED | NO_IMPERSONATE)
    at, condition = sequence(msi)["StartTray"]
    assert at > sequence(msi)["InstallFinalize"][0]
    assert "UILevel > 2" in condition and "NOT Installed" in condition


def test_component_guids_are_the_same_in_every_build(msi: Path, tmp_path: Path):
    again = build_stand_in(tmp_path)
    assert table(again, "Component") == table(msi, "Component")
    assert properties(again)["ProductCode"] != properties(msi)["ProductCode"]


# --- What the build refuses (no msitools needed) --------------------------------------


def test_refuses_a_version_windows_installer_cannot_compare(tmp_path: Path):
    payload = make_payload(tmp_path / "payload")
    for version in ("0.2.0rc1", "1.2", "256.0.0"):
        out = tmp_path / "x.msi"
        result = build_msi("--payload", payload, "--stand-in", "--version", version, "--out", out)
        assert result.returncode == 1 and "ProductVersion" in result.stderr, version
    assert not (tmp_path / "x.msi").exists()


def test_refuses_a_linux_build_without_stand_in(tmp_path: Path):
    payload = make_payload(tmp_path / "payload")
    result = build_msi("--payload", payload, "--version", VERSION, "--out", tmp_path / "x.msi")
    assert result.returncode == 1 and "--stand-in" in result.stderr


@pytest.mark.parametrize(
    ("names", "why"),
    [
        (["_internal/Qt.dll", "_internal/qt.dll"], "same path on Windows"),
        (["_internal/price$list.txt"], "Windows (or wixl) can install"),
        (["_internal/what?.txt"], "Windows (or wixl) can install"),
        (["_internal/dotted./x.txt"], "Windows (or wixl) can install"),
    ],
)
def test_refuses_paths_windows_cannot_hold(tmp_path: Path, names: list[str], why: str):
    payload = make_payload(tmp_path / "payload", {**PAYLOAD, **dict.fromkeys(names, b"x")})
    result = build_msi("--payload", payload, "--stand-in", "--out", tmp_path / "x.msi")
    assert result.returncode == 1 and why in result.stderr


def load_build_msi(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The script as a module (its dataclasses need it in sys.modules while it loads)."""
    spec = importlib.util.spec_from_file_location("scamguard_build_msi", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module


def test_anything_wixl_ignores_fails_the_build(monkeypatch: pytest.MonkeyPatch):
    build = load_build_msi(monkeypatch)
    stderr = (
        "\n(wixl:1): GLib-GObject-WARNING **: 05:03:35.300: g_object_set_is_valid_property: "
        "object class 'WixlWixProperty' has no property named 'Secure'\n"
        "** Message: 05:06:06.998: builder.vala:699: unimplemented\n"
    )
    assert len(build.wixl_complaints(stderr)) == 2
    assert build.wixl_complaints("") == []
