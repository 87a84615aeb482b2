"""Build the ScamGuard Windows MSI from a PyInstaller one-folder build, with Debian's wixl.

Why a script rather than a plain ``wixl scamguard.wxs``:

- The payload is a generated folder of hundreds of files. ``payload.wxs`` (one component per
  file) is generated here, with component GUIDs derived from the file's path (uuid5 in the
  product's UpgradeCode), so the same file keeps the same GUID from build to build.
- wixl 0.101 lacks a few WiX features the installer needs (the ACL of the machine config
  folder, Secure properties, same-version upgrades, non-advertised shortcuts). The template
  keeps the real WiX elements; this script takes them out of wixl's copy and writes the same
  rows into the MSI afterwards with ``msibuild``. Any other attribute wixl does not know fails
  the build instead of being dropped silently.
- ``--stand-in`` packages a Linux build under the Windows names (``scamguard`` as
  ``scamguard.exe``), so the MSI's tables can be checked on Linux.
- The service (``--service``, default ``scamguard-service`` beside ``--payload``) is a second
  one-folder build, installed in the ``service`` folder under the install folder; the template
  declares its executable and the Windows service, this script its other files.

Needs ``wixl``, ``msibuild`` and ``msiinfo`` (Debian packages ``wixl`` and ``msitools``).

    python packaging/windows/build_msi.py --payload dist/scamguard --out dist/ScamGuard.msi
    python packaging/windows/build_msi.py --payload /tmp/pyi-dist/scamguard --stand-in \\
        --out /tmp/ScamGuard.msi
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import tomllib
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
TEMPLATE = HERE / "scamguard.wxs"
PYPROJECT = REPO / "pyproject.toml"
ICON = REPO / "packaging" / "icons" / "scamguard.png"

WIX_NS = "http://schemas.microsoft.com/wix/2006/wi"
ARCH = "x64"
INSTALL_DIR_ID = "INSTALLFOLDER"
SERVICE_DIR_ID = "SERVICEFOLDER"
SERVICE_DIR = "service"  # under INSTALLFOLDER
PAYLOAD_GROUP_ID = "Payload"
CLI_NAME = "scamguard"
TRAY_NAME = "scamguard-tray"
SERVICE_NAME = "scamguard-service"
UPGRADE_PROPERTY = "WIX_UPGRADE_DETECTED"
VERSION_MAX_INCLUSIVE = 512  # msidbUpgradeAttributesVersionMaxInclusive
DEFERRED = 1024  # msidbCustomActionTypeInScript
SERVICE_VITAL = 0x8000  # msidbServiceInstallErrorControlVital
SECURE = "SecureCustomProperties"
# wixl reports what it ignores or cannot do on stderr and still exits 0.
WIXL_COMPLAINTS = re.compile(r"WARNING|CRITICAL|ERROR|unimplemented|unhandled", re.IGNORECASE)
# A ProductVersion field's limits: major.minor.build, 255.255.65535.
VERSION_LIMITS = (255, 255, 65535)
ICON_MAX = 256


class BuildError(Exception):
    """The MSI cannot be built; the message says why and is shown without a traceback."""


def wix(tag: str) -> str:
    """``tag`` in the WiX v3 namespace, as ElementTree spells it."""
    return f"{{{WIX_NS}}}{tag}"


# --- Inputs ----------------------------------------------------------------------------


def project_version(pyproject: Path = PYPROJECT) -> str:
    """The project's version, the default ProductVersion: ``[project] version``, or when
    that is dynamic, ``__version__`` in the file ``[tool.hatch.version] path`` names."""
    with pyproject.open("rb") as f:
        config = tomllib.load(f)
    if "version" in config["project"]:
        return str(config["project"]["version"])
    source = pyproject.parent / config["tool"]["hatch"]["version"]["path"]
    found = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", source.read_text(), re.M)
    if not found:
        raise BuildError(f"{source}: no __version__ (pass --version)")
    return found.group(1)


def msi_version(version: str) -> str:
    """``version`` if it is a valid MSI ProductVersion (numeric ``x.y.z`` within limits).

    Windows Installer compares only these three numbers, so a PEP 440 suffix (``rc1``,
    ``.dev0``) would make two different builds look alike to MajorUpgrade; refuse it."""
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise BuildError(f"MSI ProductVersion must be numeric x.y.z, not {version!r}")
    fields = [int(part) for part in version.split(".")]
    for value, limit in zip(fields, VERSION_LIMITS, strict=True):
        if value > limit:
            raise BuildError(f"MSI ProductVersion {version!r}: fields are at most 255.255.65535")
    return ".".join(str(value) for value in fields)


@dataclass(frozen=True)
class Payload:
    """The two one-folder builds: the three executables (declared in the template) and the
    paths of all other files as installed under INSTALLFOLDER: the tray build's relative to
    ``root``, the service build's under ``service/``, relative to ``service_root``."""

    root: Path
    cli: Path
    tray: Path
    files: tuple[PurePosixPath, ...]
    service_root: Path
    service: Path


def executable_names(stand_in: bool) -> tuple[str, str]:
    """The executables' names in the payload: Windows names, or a Linux build's for a stand-in."""
    suffix = "" if stand_in else ".exe"
    return CLI_NAME + suffix, TRAY_NAME + suffix


def walk_files(root: Path) -> Iterator[PurePosixPath]:
    """Every file under ``root``, relative to it, sorted.

    A symlink to a file is packaged as a copy of its target (Windows builds have none; a
    Linux build links Qt's libraries into ``_internal``; wixl reads through the link). A
    symlink to a folder is refused rather than guessed at."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        here = Path(dirpath)
        for name in dirnames:
            if (here / name).is_symlink():
                raise BuildError(f"{here / name}: a symlink to a folder cannot go into an MSI")
        for name in sorted(filenames):
            path = here / name
            if not path.resolve().is_file():
                raise BuildError(f"{path}: not a regular file (or a dangling symlink)")
            yield PurePosixPath(path.relative_to(root).as_posix())


def check_windows_paths(rels: Sequence[PurePosixPath]) -> None:
    """Refuse what cannot be installed as named on Windows: characters Windows forbids (and
    ``$``, which wixl's preprocessor would eat), and two paths that differ only in case."""
    seen: dict[str, PurePosixPath] = {}
    for rel in rels:
        if re.search(r'[<>:"|?*$\\\x00-\x1f]', str(rel)) or any(
            part.endswith((" ", ".")) for part in rel.parts
        ):
            raise BuildError(f"{rel}: not a file name Windows (or wixl) can install")
        key = str(rel).casefold()
        if key in seen:
            raise BuildError(f"{seen[key]} and {rel} are the same path on Windows")
        seen[key] = rel


def collect_payload(root: Path, stand_in: bool, service_root: Path | None = None) -> Payload:
    """The payload of the one-folder builds at ``root`` and ``service_root`` (default:
    ``scamguard-service`` beside ``root``), checked for what an MSI can hold."""
    service_root = service_root or root.parent / SERVICE_NAME
    suffix = "" if stand_in else ".exe"
    hint = "" if stand_in else " (a Linux build needs --stand-in)"
    for folder in (root, service_root):
        if not folder.is_dir():
            raise BuildError(f"{folder}: no such folder (expected a PyInstaller one-folder build)")
    cli_name, tray_name = executable_names(stand_in)
    cli, tray = root / cli_name, root / tray_name
    for exe in (cli, tray):
        if not exe.is_file():
            raise BuildError(f"{exe}: missing from the payload{hint}")
    service = service_root / (SERVICE_NAME + suffix)
    if not service.is_file():
        raise BuildError(f"{service}: missing from the service build{hint}")
    executables = {PurePosixPath(cli_name), PurePosixPath(tray_name)}
    files = [rel for rel in walk_files(root) if rel not in executables]
    files += [
        PurePosixPath(SERVICE_DIR) / rel
        for rel in walk_files(service_root)
        if rel != PurePosixPath(service.name)
    ]
    exe_names = [PurePosixPath(n + ".exe") for n in (CLI_NAME, TRAY_NAME)]
    exe_names.append(PurePosixPath(SERVICE_DIR, SERVICE_NAME + ".exe"))
    check_windows_paths([*files, *exe_names])
    return Payload(root, cli, tray, tuple(files), service_root, service)


# --- payload.wxs -----------------------------------------------------------------------


def stable_uuid(namespace: uuid.UUID, kind: str, rel: PurePosixPath) -> uuid.UUID:
    """The same UUID for the same installed path in every build (case-insensitive, like
    Windows): component GUIDs must not change while the file's path does not."""
    return uuid.uuid5(namespace, f"{kind}:{str(rel).casefold()}")


def directory_element(
    rel: PurePosixPath, namespace: uuid.UUID, made: dict[PurePosixPath, ET.Element]
) -> ET.Element:
    """The <Directory> element for ``rel``, created on demand in ``made`` (which starts with
    ``.``, the DirectoryRef to INSTALLFOLDER)."""
    if rel in made:
        return made[rel]
    outer = directory_element(rel.parent, namespace, made)
    element = ET.SubElement(
        outer,
        wix("Directory"),
        Id="d" + stable_uuid(namespace, "dir", rel).hex,
        Name=rel.name,
    )
    made[rel] = element
    return element


def source_of(rel: PurePosixPath) -> str:
    """Where WiX finds an installed file: the service build's under ``$(var.ServiceDir)``,
    the tray build's under ``$(var.PayloadDir)``."""
    if rel.parts[0] == SERVICE_DIR:
        return f"$(var.ServiceDir)/{PurePosixPath(*rel.parts[1:])}"
    return f"$(var.PayloadDir)/{rel}"


def payload_wxs(files: Sequence[PurePosixPath], namespace: uuid.UUID) -> ET.ElementTree:
    """A WiX fragment installing ``files`` under INSTALLFOLDER, one component per file (the
    file is its key path), and the ``Payload`` component group that lists them. Sources are
    under ``$(var.PayloadDir)`` and ``$(var.ServiceDir)``, so the fragment also works with
    real WiX on Windows."""
    root = ET.Element(wix("Wix"))
    tree_ref = ET.SubElement(ET.SubElement(root, wix("Fragment")), wix("DirectoryRef"))
    tree_ref.set("Id", INSTALL_DIR_ID)
    service_ref = ET.SubElement(ET.SubElement(root, wix("Fragment")), wix("DirectoryRef"))
    service_ref.set("Id", SERVICE_DIR_ID)  # declared in the template
    group = ET.SubElement(ET.SubElement(root, wix("Fragment")), wix("ComponentGroup"))
    group.set("Id", PAYLOAD_GROUP_ID)
    made: dict[PurePosixPath, ET.Element] = {
        PurePosixPath("."): tree_ref,
        PurePosixPath(SERVICE_DIR): service_ref,
    }
    for rel in files:
        key = stable_uuid(namespace, "file", rel)
        component = ET.SubElement(
            directory_element(rel.parent, namespace, made),
            wix("Component"),
            Id="c" + key.hex,
            Guid=str(key).upper(),
            Win64="yes",
        )
        ET.SubElement(
            component,
            wix("File"),
            Id="f" + key.hex,
            Name=rel.name,
            Source=source_of(rel),
            KeyPath="yes",
        )
        ET.SubElement(group, wix("ComponentRef"), Id=component.get("Id", ""))
    return ET.ElementTree(root)


# --- What wixl lacks -------------------------------------------------------------------


@dataclass(frozen=True)
class LockPermission:
    """A <PermissionEx Sddl> on a <CreateFolder>: one MsiLockPermissionsEx row."""

    key: str
    directory: str
    sddl: str


@dataclass(frozen=True)
class FailureActions:
    """A <ServiceConfigFailureActions> (MSI 5): one MsiServiceConfigFailureActions row."""

    key: str
    service: str
    event: int
    reset_period: str
    actions: str  # "1[~]1[~]1": what to do on the 1st, 2nd, 3rd failure
    delays: str  # "1000[~]1000[~]5000": milliseconds before each
    component: str


@dataclass
class Lowered:
    """What was taken out of wixl's copy of the template, to be written into the MSI later."""

    secure_properties: list[str] = field(default_factory=list)
    permissions: list[LockPermission] = field(default_factory=list)
    failure_actions: list[FailureActions] = field(default_factory=list)
    vital_services: list[str] = field(default_factory=list)  # ServiceInstall ids
    same_version_upgrades: bool = False
    plain_shortcuts: dict[str, str] = field(default_factory=dict)  # shortcut id -> file id


def load_template(path: Path) -> ET.ElementTree:
    """The template, keeping its preprocessor instructions (``<?ifdef?>``) for wixl."""
    # Our own checked-in file, not untrusted input.
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_pis=True))  # noqa: S314
    return ET.parse(path, parser=parser)  # noqa: S314


def parents_of(tree: ET.ElementTree) -> dict[ET.Element, ET.Element]:
    """Each element's parent (ElementTree keeps no back links)."""
    return {child: parent for parent in tree.iter() for child in parent}


def folder_of(create_folder: ET.Element, parents: dict[ET.Element, ET.Element]) -> str:
    """The Directory id a <CreateFolder> creates: its own, or its component's folder."""
    if create_folder.get("Directory"):
        return create_folder.get("Directory", "")
    component = parents[create_folder]
    if component.get("Directory"):
        return component.get("Directory", "")
    return parents[component].get("Id", "")


def lower_permissions(tree: ET.ElementTree, lowered: Lowered) -> None:
    """Move each <PermissionEx> out of the tree into ``lowered.permissions``."""
    parents = parents_of(tree)
    for element in list(tree.iter(wix("PermissionEx"))):
        create_folder = parents[element]
        if create_folder.tag != wix("CreateFolder"):
            raise BuildError("PermissionEx is only supported inside CreateFolder")
        directory = folder_of(create_folder, parents)
        key = element.get("Id") or f"Lock{directory}"
        lowered.permissions.append(LockPermission(key, directory, element.get("Sddl", "")))
        create_folder.remove(element)


# msidbServiceConfigEvent*: when MsiConfigureServices applies a row.
CONFIG_EVENTS = {"OnInstall": 1, "OnUninstall": 2, "OnReinstall": 4}
FAILURE_ACTIONS = {"none": "0", "restartService": "1", "restartComputer": "2", "runCommand": "3"}


def lower_failure_actions(tree: ET.ElementTree, lowered: Lowered) -> None:
    """Move each <ServiceConfigFailureActions> under a <ServiceInstall> into
    ``lowered.failure_actions`` (wixl does not know it)."""
    parents = parents_of(tree)
    for element in list(tree.iter(wix("ServiceConfigFailureActions"))):
        install = parents[element]
        if install.tag != wix("ServiceInstall"):
            raise BuildError("ServiceConfigFailureActions is only supported in ServiceInstall")
        failures = element.findall(wix("Failure"))
        unknown = [f.get("Action") for f in failures if f.get("Action") not in FAILURE_ACTIONS]
        if unknown:
            raise BuildError(f"Failure/@Action {unknown[0]!r}: not one of {list(FAILURE_ACTIONS)}")
        event = sum(bit for name, bit in CONFIG_EVENTS.items() if element.get(name) == "yes")
        lowered.failure_actions.append(
            FailureActions(
                key=element.get("Id") or install.get("Id", ""),
                service=install.get("Name", ""),
                event=event,
                reset_period=element.get("ResetPeriod", ""),
                actions="[~]".join(FAILURE_ACTIONS[f.get("Action", "")] for f in failures),
                delays="[~]".join(f.get("Delay", "0") for f in failures),
                component=parents[install].get("Id", ""),
            )
        )
        install.remove(element)


def lower_attributes(tree: ET.ElementTree, lowered: Lowered) -> None:
    """Strip the attributes wixl ignores, noting what each one must still do."""
    for prop in tree.iter(wix("Property")):
        if prop.attrib.pop("Secure", "no") == "yes":
            lowered.secure_properties.append(prop.get("Id", ""))
    for upgrade in tree.iter(wix("MajorUpgrade")):
        lowered.same_version_upgrades = upgrade.attrib.pop("AllowSameVersionUpgrades", "") == "yes"
        schedule = upgrade.attrib.pop("Schedule", "afterInstallValidate")
        if schedule != "afterInstallValidate":
            raise BuildError(f"MajorUpgrade/@Schedule={schedule!r} is not supported here")
    for package in tree.iter(wix("Package")):
        platform = package.attrib.pop("Platform", ARCH)
        if platform != ARCH:
            raise BuildError(f"Package/@Platform is {platform!r}; this script builds {ARCH}")
    for service in tree.iter(wix("ServiceInstall")):  # wixl drops Vital without a word
        if service.attrib.pop("Vital", "no") == "yes":
            lowered.vital_services.append(service.get("Id", ""))
    for file in tree.iter(wix("File")):
        for shortcut in file.iter(wix("Shortcut")):
            if shortcut.attrib.pop("Advertise", "yes") == "no":
                lowered.plain_shortcuts[shortcut.get("Id", "")] = file.get("Id", "")


def lower_template(template: Path) -> tuple[ET.ElementTree, Lowered]:
    """wixl's copy of the template and what was taken out of it."""
    tree = load_template(template)
    lowered = Lowered()
    lower_permissions(tree, lowered)
    lower_failure_actions(tree, lowered)
    lower_attributes(tree, lowered)
    return tree, lowered


def upgrade_namespace(tree: ET.ElementTree) -> uuid.UUID:
    """The product's UpgradeCode, the namespace of the payload's component GUIDs."""
    product = tree.find(wix("Product"))
    if product is None or not product.get("UpgradeCode"):
        raise BuildError("the template has no Product/@UpgradeCode")
    return uuid.UUID(product.get("UpgradeCode", ""))


def png_icon(png: Path, ico: Path) -> None:
    """Wrap a 256x256 (or smaller) PNG in an .ico file (Windows Vista and later read
    PNG-compressed icon images), for Add/Remove Programs' icon, without an image library."""
    data = png.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise BuildError(f"{png}: not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    if max(width, height) > ICON_MAX:
        raise BuildError(f"{png}: {width}x{height}; an icon image is at most 256x256")
    header = struct.pack("<HHH", 0, 1, 1)  # reserved, type 1 = icon, one image
    # width/height 0 means 256; no palette; 1 plane; 32 bits; size; offset after the entry.
    entry = struct.pack("<BBBBHHII", width % 256, height % 256, 0, 0, 1, 32, len(data), 22)
    ico.write_bytes(header + entry + data)


# --- Running msitools ------------------------------------------------------------------


def require_tools() -> None:
    """Fail early, with the package to install, if a tool is missing."""
    missing = [tool for tool in ("wixl", "msibuild", "msiinfo") if shutil.which(tool) is None]
    if missing:
        raise BuildError(f"{', '.join(missing)} not found (apt-get install wixl msitools)")


def run(argv: Sequence[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run a tool, failing the build with its output if it fails."""
    result = subprocess.run(argv, capture_output=True, text=True, check=False, cwd=cwd)
    if result.returncode != 0:
        raise BuildError(f"{argv[0]} failed ({result.returncode}):\n{result.stderr}{result.stdout}")
    return result


def wixl_complaints(stderr: str) -> list[str]:
    """The lines of wixl's stderr that say it ignored or could not do something."""
    return [line for line in stderr.splitlines() if WIXL_COMPLAINTS.search(line)]


def run_wixl(sources: Sequence[str], defines: dict[str, str], out: Path, cwd: Path) -> None:
    """wixl ``sources`` into ``out``, in ``cwd``; anything it says it ignored is an error."""
    argv = ["wixl", "-a", ARCH, "-o", str(out)]
    for name, value in defines.items():
        argv += ["-D", f"{name}={value}"]
    result = run([*argv, *sources], cwd=cwd)
    complaints = wixl_complaints(result.stderr)
    if complaints:
        raise BuildError("wixl ignored part of the source:\n" + "\n".join(complaints))


def msi_rows(msi: Path, table: str) -> list[dict[str, str]]:
    """A table's rows, read with ``msiinfo export`` (an .idt: names, types, keys, rows)."""
    lines = run(["msiinfo", "export", str(msi), table]).stdout.splitlines()
    names = lines[0].split("\t")
    return [dict(zip(names, line.split("\t"), strict=False)) for line in lines[3:]]


def literal(value: str | int) -> str:
    """``value`` as an MSI SQL literal. Strings here are our own identifiers and GUIDs;
    one with a quote is refused rather than escaped (libmsi has no escape)."""
    if isinstance(value, int):
        return str(value)
    if "'" in value:
        raise BuildError(f"cannot quote {value!r} for msibuild")
    return f"'{value}'"  # '' is how MSI SQL writes a null string


def msi_query(msi: Path, statement: str, *values: str | int) -> None:
    """Run one SQL ``statement`` on the MSI, each ``?`` replaced by the next value as a
    literal (msibuild binds no parameters, and takes one statement per run)."""
    parts = statement.split("?")
    if len(parts) != len(values) + 1:
        raise BuildError(f"{statement!r} has {len(parts) - 1} placeholders, not {len(values)}")
    query = parts[0] + "".join(literal(v) + part for v, part in zip(values, parts[1:], strict=True))
    run(["msibuild", str(msi), "-q", query])


# --- Putting back what wixl lacks ------------------------------------------------------


def add_secure_properties(msi: Path, names: Sequence[str]) -> None:
    """Append ``names`` to SecureCustomProperties (what WiX does for Secure="yes"), so they
    reach the elevated server side of the install even from a non-admin client."""
    rows = {row["Property"]: row["Value"] for row in msi_rows(msi, "Property")}
    current = [name for name in rows.get(SECURE, "").split(";") if name]
    value = ";".join(dict.fromkeys([*current, *names]))
    if SECURE in rows:
        msi_query(msi, "UPDATE Property SET Value=? WHERE Property=?", value, SECURE)
    else:
        msi_query(msi, "INSERT INTO Property (Property, Value) VALUES (?, ?)", SECURE, value)


def idt_field(value: str) -> str:
    """``value`` as one .idt field (tab-separated, one row per line)."""
    if any(c in value for c in "\t\r\n"):
        raise BuildError(f"cannot write {value!r} to an .idt table")
    return value


def add_lock_permissions(msi: Path, permissions: Sequence[LockPermission], work: Path) -> None:
    """The MsiLockPermissionsEx table (Windows Installer 5), as WiX writes it for
    <PermissionEx Sddl>: CreateFolders applies each SDDL to its folder."""
    lines = [
        "MsiLockPermissionsEx\tLockObject\tTable\tSDDL\tCondition",
        "s72\ts72\ts32\ts0\tS255",
        "MsiLockPermissionsEx\tMsiLockPermissionsEx",
    ]
    for p in permissions:
        fields = (p.key, p.directory, "CreateFolder", p.sddl, "")
        lines.append("\t".join(idt_field(v) for v in fields))
    idt = work / "MsiLockPermissionsEx.idt"
    idt.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    run(["msibuild", str(msi), "-i", str(idt)])


def add_failure_actions(msi: Path, rows: Sequence[FailureActions], work: Path) -> None:
    """The MsiServiceConfigFailureActions table (Windows Installer 5), as WiX writes it for
    <ServiceConfigFailureActions>, and the MsiConfigureServices action that applies it:
    after InstallServices (the service must exist) and before StartServices."""
    lines = [
        "MsiServiceConfigFailureActions\tName\tEvent\tResetPeriod\tRebootMessage\tCommand"
        "\tActions\tDelayActions\tComponent_",
        "s72\tl255\ti2\tI4\tL255\tL255\tS255\tS255\ts72",
        "MsiServiceConfigFailureActions\tMsiServiceConfigFailureActions",
    ]
    for r in rows:
        fields = (r.key, r.service, str(r.event), r.reset_period, "", "", r.actions, r.delays,
                  r.component)  # fmt: skip
        lines.append("\t".join(idt_field(v) for v in fields))
    idt = work / "MsiServiceConfigFailureActions.idt"
    idt.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    run(["msibuild", str(msi), "-i", str(idt)])
    sequence = sequence_of(msi)
    if "MsiConfigureServices" not in sequence:
        at = sequence["InstallServices"] + 1
        if not at < sequence["StartServices"]:
            raise BuildError("no room for MsiConfigureServices before StartServices")
        msi_query(
            msi,
            "INSERT INTO InstallExecuteSequence (Action, Condition, Sequence) VALUES (?, ?, ?)",
            "MsiConfigureServices",
            "VersionNT >= 600",
            at,
        )


def make_services_vital(msi: Path, ids: Sequence[str]) -> None:
    """Set msidbServiceInstallErrorControlVital on each service, as WiX does for
    Vital="yes": an install that cannot register the service fails instead of going on."""
    rows = {r["ServiceInstall"]: r for r in msi_rows(msi, "ServiceInstall")}
    for key in ids:
        if key not in rows:
            raise BuildError(f"no ServiceInstall row {key!r} to make vital")
        value = int(rows[key]["ErrorControl"]) | SERVICE_VITAL
        query = "UPDATE ServiceInstall SET ErrorControl=? WHERE ServiceInstall=?"
        msi_query(msi, query, value, key)


def allow_same_version_upgrades(msi: Path) -> None:
    """Make the upgrade row's VersionMax inclusive, so a rebuild with the same version
    replaces the installed one instead of installing beside it. Attributes is part of the
    Upgrade table's key, so the row is deleted and written again."""
    rows = [r for r in msi_rows(msi, "Upgrade") if r["ActionProperty"] == UPGRADE_PROPERTY]
    if len(rows) != 1:
        raise BuildError(f"expected one {UPGRADE_PROPERTY} row in Upgrade, found {len(rows)}")
    row = rows[0]
    msi_query(msi, "DELETE FROM Upgrade WHERE ActionProperty=?", UPGRADE_PROPERTY)
    msi_query(
        msi,
        "INSERT INTO Upgrade (UpgradeCode, VersionMin, VersionMax, Language, Attributes, "
        "Remove, ActionProperty) VALUES (?, ?, ?, ?, ?, ?, ?)",
        row["UpgradeCode"],
        row["VersionMin"],
        row["VersionMax"],
        row["Language"],
        int(row["Attributes"]) | VERSION_MAX_INCLUSIVE,
        row["Remove"],
        row["ActionProperty"],
    )


def unadvertise_shortcuts(msi: Path, shortcuts: dict[str, str]) -> None:
    """Point each shortcut at its file instead of its feature (wixl always advertises)."""
    for shortcut, file_id in shortcuts.items():
        msi_query(msi, "UPDATE Shortcut SET Target=? WHERE Shortcut=?", f"[#{file_id}]", shortcut)


def sequence_of(msi: Path) -> dict[str, int]:
    """InstallExecuteSequence as action -> sequence number."""
    return {r["Action"]: int(r["Sequence"]) for r in msi_rows(msi, "InstallExecuteSequence")}


def schedule_remove_existing_products(msi: Path) -> None:
    """Put RemoveExistingProducts right after InstallValidate (MajorUpgrade's
    afterInstallValidate), where WiX puts it; wixl's sorter may put it anywhere."""
    sequence = sequence_of(msi)
    if "RemoveExistingProducts" in sequence:
        msi_query(
            msi,
            "UPDATE InstallExecuteSequence SET Sequence=? WHERE Action=?",
            sequence["InstallValidate"] + 1,
            "RemoveExistingProducts",
        )


def check_sequence(msi: Path) -> None:
    """Refuse an MSI whose actions are out of order: old version removed between
    InstallValidate and InstallInitialize, deferred custom actions inside the script."""
    sequence = sequence_of(msi)
    start, end = sequence["InstallInitialize"], sequence["InstallFinalize"]
    remove = sequence.get("RemoveExistingProducts")
    if remove is not None and not sequence["InstallValidate"] < remove < start:
        raise BuildError(f"RemoveExistingProducts at {remove} is not before InstallInitialize")
    for action in msi_rows(msi, "CustomAction"):
        deferred = int(action["Type"]) & DEFERRED
        at = sequence.get(action["Action"])
        if deferred and at is not None and not start < at < end:
            raise BuildError(f"deferred {action['Action']} at {at} is outside the script")


def apply_lowered(msi: Path, lowered: Lowered, work: Path) -> None:
    """Write into the MSI what wixl could not build from the template."""
    schedule_remove_existing_products(msi)
    if lowered.secure_properties:
        add_secure_properties(msi, lowered.secure_properties)
    if lowered.permissions:
        add_lock_permissions(msi, lowered.permissions, work)
    if lowered.failure_actions:
        add_failure_actions(msi, lowered.failure_actions, work)
    make_services_vital(msi, lowered.vital_services)
    if lowered.same_version_upgrades:
        allow_same_version_upgrades(msi)
    unadvertise_shortcuts(msi, lowered.plain_shortcuts)
    check_sequence(msi)


# --- The build -------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """The command line."""

    payload: Path
    out: Path
    version: str
    stand_in: bool
    about_url: str | None
    work_dir: Path | None
    sources_only: Path | None = None
    service: Path | None = None


def write_xml(tree: ET.ElementTree, path: Path) -> None:
    """``tree`` as UTF-8 XML with WiX as the default namespace."""
    ET.register_namespace("", WIX_NS)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def write_sources(options: Options, folder: Path) -> Path:
    """For real WiX on Windows: the unlowered template (PermissionEx, Secure and the rest
    as WiX means them), the payload's components and the icon, plus ``defines.txt`` with
    the ``-d NAME=VALUE`` options to build them with. No wixl involved."""
    payload = collect_payload(options.payload, options.stand_in, options.service)
    folder.mkdir(parents=True, exist_ok=True)
    template = load_template(TEMPLATE)
    write_xml(template, folder / "scamguard.wxs")
    write_xml(payload_wxs(payload.files, upgrade_namespace(template)), folder / "payload.wxs")
    png_icon(ICON, folder / "ScamGuard.ico")
    defines = {
        "Version": msi_version(options.version),
        "PayloadDir": str(payload.root),
        "CliExe": str(payload.cli),
        "TrayExe": str(payload.tray),
        "ServiceDir": str(payload.service_root),
        "ServiceExe": str(payload.service),
        "IconFile": str(folder / "ScamGuard.ico"),
    }
    if options.about_url:
        defines["AboutUrl"] = options.about_url
    lines = "".join(f"-d{name}={value}\n" for name, value in defines.items())
    (folder / "defines.txt").write_text(lines, encoding="utf-8")
    return folder


def build(options: Options, work: Path) -> int:
    """Build the MSI in ``work``, then copy it to ``options.out``; the number of files."""
    version = msi_version(options.version)
    payload = collect_payload(options.payload, options.stand_in, options.service)
    require_tools()
    template, lowered = lower_template(TEMPLATE)
    write_xml(template, work / "scamguard.wixl.wxs")
    write_xml(payload_wxs(payload.files, upgrade_namespace(template)), work / "payload.wxs")
    png_icon(ICON, work / "ScamGuard.ico")
    # wixl only finds sources by relative path (it runs in ``work``).
    defines = {
        "Version": version,
        "PayloadDir": os.path.relpath(payload.root, work),
        "CliExe": os.path.relpath(payload.cli, work),
        "TrayExe": os.path.relpath(payload.tray, work),
        "ServiceDir": os.path.relpath(payload.service_root, work),
        "ServiceExe": os.path.relpath(payload.service, work),
        "IconFile": "ScamGuard.ico",
    }
    if options.about_url:
        if not options.about_url.startswith("https://"):
            raise BuildError(f"--about-url must be https://, not {options.about_url!r}")
        defines["AboutUrl"] = options.about_url
    msi = work / "ScamGuard.msi"
    run_wixl(["scamguard.wixl.wxs", "payload.wxs"], defines, msi, cwd=work)
    apply_lowered(msi, lowered, work)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    partial = options.out.with_name(options.out.name + ".partial")
    shutil.copyfile(msi, partial)
    partial.replace(options.out)  # never a half-written MSI at --out
    return len(payload.files) + 3


def parse_args(argv: Sequence[str] | None) -> Options:
    """The command line as Options (the version defaults to pyproject.toml's)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payload", type=Path, required=True, help="PyInstaller one-folder build")
    parser.add_argument("--out", type=Path, default=Path("ScamGuard.msi"), help="the .msi to write")
    parser.add_argument("--version", help="ProductVersion x.y.z (default: pyproject.toml's)")
    parser.add_argument(
        "--stand-in",
        action="store_true",
        help="payload is a Linux build: package scamguard/scamguard-tray as the .exe files",
    )
    parser.add_argument(
        "--service",
        type=Path,
        help="the service's one-folder build (default: scamguard-service beside --payload)",
    )
    parser.add_argument("--about-url", help="Add/Remove Programs support link (https://...)")
    parser.add_argument(
        "--work-dir", type=Path, help="keep the generated .wxs files and tables here"
    )
    parser.add_argument(
        "--sources-only",
        type=Path,
        metavar="DIR",
        help="write the WiX sources and defines.txt for real WiX (Windows) into DIR and "
        "stop; --out is then not used",
    )
    args = parser.parse_args(argv)
    return Options(
        payload=args.payload.resolve(),
        out=args.out.resolve(),
        version=args.version or project_version(),
        stand_in=args.stand_in,
        about_url=args.about_url,
        work_dir=args.work_dir.resolve() if args.work_dir else None,
        sources_only=args.sources_only.resolve() if args.sources_only else None,
        service=args.service.resolve() if args.service else None,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Build the MSI; 0 on success, 1 with a one-paragraph reason otherwise."""
    options = parse_args(argv)
    started = time.monotonic()
    try:
        if options.sources_only:
            print(write_sources(options, options.sources_only))
            return 0
        if options.work_dir:
            options.work_dir.mkdir(parents=True, exist_ok=True)
            count = build(options, options.work_dir)
        else:
            with tempfile.TemporaryDirectory(prefix="scamguard-msi-") as work:
                count = build(options, Path(work))
    except BuildError as e:
        print(f"build_msi: {e}", file=sys.stderr)
        return 1
    size = options.out.stat().st_size
    elapsed = time.monotonic() - started
    print(f"{options.out}: {count} files, {size / 1e6:.1f} MB, {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
