"""Manifests that make Windows install or start a program: a ClickOnce ``.application``
(ScreenConnect's way in) and the AppxManifest.xml inside an .appx/.msix. Both are XML from
the scam caller, so a DOCTYPE or entity (a billion-laughs bomb) is refused in one line."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from guard.identify import appx, clickonce, xmlsafe
from guard.identify.identifier import Identifier
from guard.identify.xmlsafe import UnsafeXml, find_elements
from tests.formats_db import demo_identifier
from tests.pe_builder import build_pe

CLICKONCE = """<?xml version="1.0" encoding="utf-8"?>
<asmv1:assembly xsi:schemaLocation="urn:schemas-microsoft-com:asm.v1 assembly.adaptive.xsd"
    manifestVersion="1.0" xmlns:asmv1="urn:schemas-microsoft-com:asm.v1"
    xmlns="urn:schemas-microsoft-com:asm.v2" xmlns:asmv2="urn:schemas-microsoft-com:asm.v2"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <assemblyIdentity name="{app}.Client.application" version="24.1.0.0"
      publicKeyToken="4b14c015c87c1ad8" language="neutral" processorArchitecture="msil"
      xmlns="urn:schemas-microsoft-com:asm.v1" />
  <description asmv2:publisher="{publisher}" asmv2:product="{app} Client"
      xmlns="urn:schemas-microsoft-com:asm.v1" />
  <deployment install="false" trustURLParameters="true" mapFileExtensions="true">
    <deploymentProvider codebase="https://{host}/Bin/{app}.Client.application?e=Access" />
  </deployment>
  <dependency>
    <dependentAssembly dependencyType="install" codebase="{app}.WindowsClient.exe.manifest">
      <assemblyIdentity name="{app}.WindowsClient.exe" version="24.1.0.0" type="win32" />
    </dependentAssembly>
  </dependency>
</asmv1:assembly>
"""

APPX_MANIFEST = """<?xml version="1.0" encoding="utf-8"?>
<Package xmlns="http://schemas.microsoft.com/appx/manifest/foundation/windows10">
  <Identity Name="{name}" Publisher="CN=Demo" Version="1.0.0.0" />
  <Properties>
    <DisplayName>{display}</DisplayName>
    <PublisherDisplayName>{publisher}</PublisherDisplayName>
  </Properties>
  <Applications><Application Id="App" Executable="app.exe"><uap:VisualElements
      xmlns:uap="http://schemas.microsoft.com/appx/manifest/uap/windows10"
      DisplayName="ignored"/></Application></Applications>
</Package>
"""

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    + ']><assembly><assemblyIdentity name="&lol9;"/></assembly>'
)


def _clickonce(tmp_path: Path, name: str, **fields: str) -> Path:
    values = {"app": "DemoDesk", "publisher": "Someone", "host": "help.example.org"} | fields
    path = tmp_path / name
    path.write_text(CLICKONCE.format(**values))
    return path


def test_a_clickonce_manifest_naming_a_tools_program_is_that_tool(tmp_path: Path) -> None:
    path = _clickonce(tmp_path, "Support.Client.application")
    look = clickonce.read_manifest(path)
    assert look.names == ("DemoDesk.Client.application", "DemoDesk.WindowsClient.exe")
    assert look.host == "help.example.org" and look.product == "DemoDesk Client"
    verdict = demo_identifier(tmp_path).identify_file(path)
    assert verdict.tool is not None and verdict.tool.id == "demodesk"
    assert verdict.facts["ClickOnce server"] == "help.example.org"
    assert any(
        "names the program 'DemoDesk.WindowsClient.exe'" in e.detail for e in verdict.evidence
    )


def test_screenconnect_client_application_is_screenconnect(
    identifier: Identifier, tmp_path: Path
) -> None:
    path = _clickonce(
        tmp_path,
        "ScreenConnect.Client.application",
        app="ScreenConnect",
        publisher="ScreenConnect Software",
        host="instance-x1.screenconnect.com",
    )
    verdict = identifier.identify_file(path)
    assert verdict.tool is not None and verdict.tool.id == "screenconnect"
    kinds = {e.kind for e in verdict.evidence}
    assert "name" in kinds and clickonce.DOMAIN_KIND in kinds


def test_the_server_alone_is_not_enough(tmp_path: Path) -> None:
    path = _clickonce(tmp_path, "x.application", app="Viewer", host="a.demodesk.example")
    verdict = demo_identifier(tmp_path).identify_file(path)
    assert verdict.tool is None
    [ev] = verdict.evidence
    assert ev.kind == clickonce.DOMAIN_KIND and "a DemoDesk server" in ev.detail


@pytest.mark.parametrize(
    "text",
    [BILLION_LAUGHS, '<!DOCTYPE a SYSTEM "file:///etc/passwd"><assembly/>', "<assembly", ""],
    ids=["billion-laughs", "external-dtd", "truncated", "empty"],
)
def test_a_hostile_or_broken_manifest_is_a_one_line_note(tmp_path: Path, text: str) -> None:
    path = tmp_path / "x.application"
    path.write_text(text)
    started = time.monotonic()
    verdict = demo_identifier(tmp_path).identify_file(path)
    assert time.monotonic() - started < 5  # refused at the DOCTYPE, never expanded
    [note] = verdict.evidence
    assert note.kind == clickonce.UNREADABLE_KIND and "\n" not in note.detail


def test_xmlsafe_refuses_entities_and_oversize(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UnsafeXml, match="document type"):
        find_elements(BILLION_LAUGHS.encode(), {"assemblyIdentity"})
    with pytest.raises(UnsafeXml, match="document type"):
        find_elements(b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', {"a"})
    monkeypatch.setattr(xmlsafe, "MAX_XML_BYTES", 10)
    with pytest.raises(UnsafeXml, match="larger than 10 bytes"):
        find_elements(b"<a>" + b" " * 20 + b"</a>", {"a"})
    monkeypatch.undo()
    many = b"<r>" + b"<a/>" * (xmlsafe.MAX_ELEMENTS + 50) + b"</r>"
    assert len(find_elements(many, {"a"})) == xmlsafe.MAX_ELEMENTS


def test_xmlsafe_refuses_deep_nesting_before_it_costs_memory() -> None:
    """A few KB compressed: half a million nested elements with wanted ones inside would keep
    an ancestor chain per element (gigabytes). Refused at the depth limit, at once."""
    deep = b"<a>" * 500_000 + b"<file/>" * 10_000 + b"</a>" * 500_000
    with pytest.raises(UnsafeXml, match="more than 64 deep"):
        find_elements(deep, {"file"})
    fine = b"<a>" * 60 + b"<file/>" + b"</a>" * 60
    assert [e.name for e in find_elements(fine, {"file"})] == ["file"]


def _appx(path: Path, manifest: str | None, members: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        if manifest is not None:
            zf.writestr("AppxManifest.xml", manifest)
        for name, data in (members or {}).items():
            zf.writestr(name, data)
    return path


def test_an_msix_is_known_by_its_manifest_identity(tmp_path: Path) -> None:
    manifest = APPX_MANIFEST.format(
        name="Viewer.Helper", display="Helper 7", publisher="Demo Remote Desk GmbH"
    )
    path = _appx(tmp_path / "update.msix", manifest)
    look = appx.read_manifest(path)
    assert look.identity == {
        "Name": "Viewer.Helper",
        "Publisher": "CN=Demo",
        "DisplayName": "Helper 7",
        "PublisherDisplayName": "Demo Remote Desk GmbH",
    }
    verdict = demo_identifier(tmp_path).identify_file(path)
    assert verdict.tool is not None and verdict.tool.id == "demodesk"
    [ev] = [e for e in verdict.evidence if e.tool_id]
    assert ev.kind == "pe-version" and "app manifest of update.msix" in ev.detail
    assert verdict.facts["company"] == "Demo Remote Desk GmbH"


def test_an_appx_identity_name_and_programs_inside_count(
    identifier: Identifier, tmp_path: Path
) -> None:
    manifest = APPX_MANIFEST.format(name="AnyDesk", display="ms-resource:Name", publisher="x")
    pe = build_pe({"CompanyName": "AnyDesk Software GmbH", "ProductName": "AnyDesk"})
    path = _appx(tmp_path / "pack.appx", manifest, {"VFS/app.exe": pe})
    verdict = identifier.identify_file(path)
    assert verdict.tool is not None and verdict.tool.id == "anydesk"
    kinds = {e.kind for e in verdict.evidence if e.tool_id}
    assert kinds == {"name", "pe-version"}


@pytest.mark.parametrize(
    "manifest", [None, BILLION_LAUGHS, "<Package"], ids=["none", "bomb", "cut"]
)
def test_a_package_without_a_usable_manifest_is_a_note(
    tmp_path: Path, manifest: str | None
) -> None:
    path = _appx(tmp_path / "x.msix", manifest, {"readme.txt": b"hi"})
    verdict = demo_identifier(tmp_path).identify_file(path)
    [note] = verdict.evidence
    assert note.kind == appx.UNREADABLE_KIND and "\n" not in note.detail


def test_an_oversized_manifest_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = APPX_MANIFEST.format(name="DemoDesk", display="x", publisher="y")
    path = _appx(tmp_path / "x.appx", manifest)
    monkeypatch.setattr(appx, "MAX_MANIFEST_BYTES", 100)
    assert "over 100 bytes" in appx.read_manifest(path).problem
