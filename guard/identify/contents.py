"""Which reader looks inside a file: chosen by what the file *is* (its first bytes, an ISO's
volume descriptor, a disk image's trailer) as well as by its name, so ``invoice.pdf`` that
is really an ISO is read as one, and a file only *named* ``support.msi`` gets a one-line note
saying it is not an installer.

Every reader here is bounded, writes nothing to disk and never raises; this module only
sniffs a few bytes (through regular_file: a FIFO named x.iso never blocks) and dispatches:

* zip (and .appx/.msix, which are zips): archive.py, plus the AppX manifest (appx.py)
* Windows Installer .msi/.msp (OLE): msi.py
* ISO 9660 / Joliet disk images (.iso, .img): disk_image.py
* Debian .deb and .rpm packages: packages.py
* macOS flat installer packages (.pkg, xar): macpkg.py
* ClickOnce deployment manifests (.application, XML): clickonce.py

macOS ``.dmg`` images are not looked into: the volume and .app names live in the HFS+/APFS
catalog inside compressed blocks, which cannot be read without unpacking most of the image.
A .dmg is judged by its name until it is mounted, where the install watcher sees the .app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from guard.identify import appx, clickonce, disk_image, macpkg, msi, packages
from guard.identify.archive import archive_evidence, look_inside
from guard.identify.evidence import Evidence
from guard.identify.index import SignatureIndex
from guard.identify.regular_file import open_regular

HEAD_BYTES = 512
ZIP_SUFFIXES = frozenset({".zip", *appx.APPX_SUFFIXES})
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass
class Contents:
    """What looking inside found: evidence (and notes), facts for Details, and the raw
    Authenticode signature bytes of an MSI (for signer.py), if it carries one."""

    evidence: list[Evidence] = field(default_factory=list)
    facts: dict[str, str] = field(default_factory=dict)
    signature: bytes | None = None


@dataclass(frozen=True)
class Sniff:
    """The few bytes that tell formats apart."""

    head: bytes = b""
    iso_marker: bytes = b""  # 5 bytes at 32 KiB + 1: "CD001" (ISO 9660), "BEA01" (UDF)


def sniff(path: str | Path) -> Sniff:
    try:
        fh, st = open_regular(path)
    except OSError:
        return Sniff()
    with fh:
        try:
            head = fh.read(HEAD_BYTES)
            marker = b""
            if st.st_size >= disk_image.FIRST_DESCRIPTOR + 6:
                fh.seek(disk_image.FIRST_DESCRIPTOR + 1)
                marker = fh.read(5)
        except OSError:
            return Sniff()
    return Sniff(head, marker)


def kind_of(path: str | Path, found: Sniff) -> str | None:
    """The reader for this file: by its bytes first (a renamed file is what it is), then
    by its name (so a broken file named .msi is noted as broken)."""
    head, suffix = found.head, Path(path).suffix.casefold()
    if head.startswith(msi.OLE_MAGIC):
        return "msi"
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if packages.is_deb(head) or head.startswith(packages.RPM_MAGIC):
        return "package"
    if head.startswith(macpkg.XAR_MAGIC):
        return "pkg"
    if found.iso_marker in disk_image.MARKERS:
        return "disk-image"
    if suffix in ZIP_SUFFIXES:
        return "zip"
    if suffix in msi.MSI_SUFFIXES:
        return "msi"
    if suffix in packages.SUFFIXES:
        return "package"
    if suffix in macpkg.SUFFIXES:
        return "pkg"
    if suffix in disk_image.SUFFIXES:
        return "disk-image"
    if suffix in clickonce.SUFFIXES:
        return "clickonce"
    return None


def look_at_contents(path: str | Path, index: SignatureIndex, shown: str) -> Contents:
    """Evidence from inside ``path`` (a regular, readable file), or nothing for a file of
    no kind we look into. Never raises."""
    kind = kind_of(path, sniff(path))
    if kind is None:
        return Contents()
    try:
        return _look(kind, Path(path), index, shown)
    except Exception as exc:  # a reader's bug must not stop identify_file; say it in one line
        name = Path(shown).name
        why = f"{name} could not be looked into ({type(exc).__name__})"
        return Contents([Evidence("contents-unreadable", shown, why)])


def _look(kind: str, path: Path, index: SignatureIndex, shown: str) -> Contents:
    if kind == "zip":
        evidence = archive_evidence(look_inside(path), index, shown)
        if path.suffix.casefold() in appx.APPX_SUFFIXES:
            more, facts = appx.appx_evidence(appx.read_manifest(path), index, shown)
            return Contents(evidence + more, facts)
        return Contents(evidence)
    if kind == "msi":
        look = msi.read_msi(path)
        evidence, facts = msi.msi_evidence(look, index, shown, path)
        return Contents(evidence, facts, look.signature)
    if kind == "disk-image":
        return Contents(disk_image.image_evidence(disk_image.look_inside(path), index, shown))
    if kind == "package":
        evidence, facts = packages.package_evidence(packages.read_package(path), index, shown)
        return Contents(evidence, facts)
    if kind == "pkg":
        evidence, facts = macpkg.pkg_evidence(macpkg.read_pkg(path), index, shown)
        return Contents(evidence, facts)
    if kind == "clickonce":
        evidence, facts = clickonce.clickonce_evidence(clickonce.read_manifest(path), index, shown)
        return Contents(evidence, facts)
    raise ValueError(kind)  # pragma: no cover - kind_of only returns the kinds above
