"""Windows app packages (.appx, .msix and their bundles) are zips; archive.py already checks
the names and version info of the programs inside. This adds what the package says about
itself in ``AppxManifest.xml`` (``AppxMetadata/AppxBundleManifest.xml`` in a bundle): the
``Identity`` Name (``AnyDesk.AnyDesk``-like), its Publisher, and the PublisherDisplayName
and DisplayName, matched as names and through the PE identity tables (the display name is
the product, the publisher display name the company).

Bounded like archive.py: the zip's directory was already checked there; the manifest is
read only if it declares at most ``MAX_MANIFEST_BYTES`` and is parsed by xmlsafe (no DOCTYPE,
no entities). Nothing is written to disk; a bad package gives a one-line note, never raises.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from guard.errors import describe_os_error
from guard.identify.archive import ArchiveRefused, _check_directory
from guard.identify.evidence import Evidence
from guard.identify.index import SignatureIndex
from guard.identify.members import problem_note
from guard.identify.regular_file import open_regular
from guard.identify.xmlsafe import UnsafeXml, find_elements

APPX_SUFFIXES = frozenset({".appx", ".msix", ".appxbundle", ".msixbundle"})
MANIFESTS = ("AppxManifest.xml", "AppxMetadata/AppxBundleManifest.xml")
MAX_MANIFEST_BYTES = 1024 * 1024
UNREADABLE_KIND = "appx-unreadable"


@dataclass(frozen=True)
class AppxLook:
    """The manifest's identity fields (Name, Publisher, DisplayName, PublisherDisplayName)."""

    identity: dict[str, str] = field(default_factory=dict)
    problem: str = ""


def read_manifest(path: str | Path) -> AppxLook:
    """The identity of an app package on disk; never raises."""
    try:
        fh, st = open_regular(path, buffering=64 * 1024)
    except OSError as exc:
        return AppxLook(problem=f"could not be opened ({describe_os_error(exc)})")
    with fh:
        try:
            _check_directory(fh, st.st_size)
            with zipfile.ZipFile(fh) as zf:
                names = {i.filename.casefold(): i for i in zf.infolist()}
                info = next((names[m.casefold()] for m in MANIFESTS if m.casefold() in names), None)
                if info is None:
                    return AppxLook(problem="has no app manifest")
                if info.file_size > MAX_MANIFEST_BYTES:
                    too_big = f"has an app manifest over {MAX_MANIFEST_BYTES:,} bytes"
                    return AppxLook(problem=too_big)
                with zf.open(info) as member:
                    data = member.read(MAX_MANIFEST_BYTES + 1)[:MAX_MANIFEST_BYTES]
        except ArchiveRefused:
            return AppxLook()  # archive.py already said why, in one line
        except Exception:  # zipfile raises many kinds for a damaged file
            return AppxLook(problem="is not a readable app package")
    try:
        elements = find_elements(data, {"Identity", "DisplayName", "PublisherDisplayName"})
    except UnsafeXml as exc:
        return AppxLook(problem=f"has an app manifest that {exc}")
    identity: dict[str, str] = {}
    for el in elements:
        if el.name == "Identity" and "Name" not in identity:
            for key in ("Name", "Publisher"):
                if el.attrs.get(key):
                    identity[key] = el.attrs[key]
        elif (
            el.name in ("DisplayName", "PublisherDisplayName")
            and "Properties" in el.parents
            and el.text
            and not el.text.startswith("ms-resource:")
        ):
            identity.setdefault(el.name, el.text)
    return AppxLook(identity)


def appx_evidence(
    look: AppxLook, index: SignatureIndex, shown: str
) -> tuple[list[Evidence], dict[str, str]]:
    """Evidence from the identity, and the identity as facts for Details."""
    name = Path(shown).name
    if look.problem:
        return [problem_note(UNREADABLE_KIND, look.problem, shown)], {}
    ident = look.identity
    found: list[Evidence] = []
    for key in ("Name", "DisplayName"):
        if ident.get(key):
            for ev in index.lookup_name(ident[key]):
                if ev.tool_id is not None:
                    found.append(_inside(ev, name, key))
    pe_like = {}
    if ident.get("DisplayName"):
        pe_like["ProductName"] = ident["DisplayName"]
    if ident.get("PublisherDisplayName"):
        pe_like["CompanyName"] = ident["PublisherDisplayName"]
    found += [_inside(ev, name, "manifest") for ev in index.lookup_pe(pe_like)]
    facts = {f"App package {k}": v for k, v in ident.items()}
    if ident.get("PublisherDisplayName"):
        facts["company"] = ident["PublisherDisplayName"]
    return found, facts


def _inside(ev: Evidence, name: str, field_name: str) -> Evidence:
    if ev.kind == "pe-version":
        said = ev.detail.replace("version information says", f"the app manifest of {name} says")
    else:
        said = f"the app manifest of {name} names {ev.value!r}: {ev.detail}"
    return Evidence(ev.kind, f"{ev.value} (app manifest {field_name} in {name})", said, ev.tool_id)
