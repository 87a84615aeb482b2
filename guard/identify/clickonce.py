"""ClickOnce deployment manifests (``.application``): a browser hands one to Windows, which
downloads and starts the program it names, with no installer window. ScreenConnect's
``ScreenConnect.Client.application`` is the best-known one a scam caller sends.

The manifest names the application (``assemblyIdentity name=...``, and the programs it
depends on in ``dependentAssembly``), its publisher and product (``description``) and the
server it comes from (``deploymentProvider codebase``). Names are matched as program names,
publisher/product through the PE identity tables, and the server's host against the tools'
network domains. A file of this kind is judged by its name alone (``.application``): a
renamed manifest is not started by Windows. The XML is parsed by xmlsafe (size cap, no
DOCTYPE, no entities); a bad file gives a one-line note, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from guard.errors import describe_os_error
from guard.identify.evidence import Evidence
from guard.identify.index import SignatureIndex
from guard.identify.members import one_per_kind_and_tool, problem_note
from guard.identify.regular_file import open_regular
from guard.identify.xmlsafe import MAX_XML_BYTES, UnsafeXml, find_elements

SUFFIXES = frozenset({".application"})
UNREADABLE_KIND = "clickonce-unreadable"
DOMAIN_KIND = "network-domain"
MAX_NAMES = 32


@dataclass(frozen=True)
class ClickOnceLook:
    """Assembly names (the application's first), publisher/product, and the server host."""

    names: tuple[str, ...] = ()
    publisher: str = ""
    product: str = ""
    host: str = ""
    problem: str = ""


def read_manifest(path: str | Path) -> ClickOnceLook:
    """What a deployment manifest on disk says; never raises."""
    try:
        fh, st = open_regular(path)
    except OSError as exc:
        return ClickOnceLook(problem=f"could not be opened ({describe_os_error(exc)})")
    with fh:
        if st.st_size > MAX_XML_BYTES:
            return ClickOnceLook(problem=f"is larger than {MAX_XML_BYTES:,} bytes")
        try:
            data = fh.read(MAX_XML_BYTES + 1)
        except OSError as exc:
            return ClickOnceLook(problem=f"could not be read ({describe_os_error(exc)})")
    try:
        elements = find_elements(data, {"assemblyIdentity", "description", "deploymentProvider"})
    except UnsafeXml as exc:
        return ClickOnceLook(problem=str(exc))
    names: list[str] = []
    publisher = product = host = ""
    for el in elements:
        if el.name == "assemblyIdentity" and el.attrs.get("name") and len(names) < MAX_NAMES:
            names.append(el.attrs["name"])
        elif el.name == "description" and not publisher and not product:
            publisher, product = el.attrs.get("publisher", ""), el.attrs.get("product", "")
        elif el.name == "deploymentProvider" and not host:
            try:
                host = urlsplit(el.attrs.get("codebase", "")).hostname or ""
            except ValueError:
                host = ""
    if not names:
        return ClickOnceLook(problem="is not a ClickOnce deployment manifest")
    return ClickOnceLook(tuple(dict.fromkeys(names)), publisher, product, host)


def clickonce_evidence(
    look: ClickOnceLook, index: SignatureIndex, shown: str
) -> tuple[list[Evidence], dict[str, str]]:
    name = Path(shown).name
    if look.problem:
        return [problem_note(UNREADABLE_KIND, look.problem, shown)], {}
    found: list[Evidence] = []
    for assembly in look.names:
        # "ScreenConnect.Client.application" is matched as "ScreenConnect.Client" too.
        stem = PurePosixPath(assembly).stem if assembly.endswith(".application") else ""
        for candidate in filter(None, (assembly, stem)):
            found += [
                _said(ev, name, f"names the program {candidate!r}")
                for ev in index.lookup_name(candidate)
                if ev.tool_id is not None
            ]
    pe_like = {"CompanyName": look.publisher, "ProductName": look.product}
    found += [
        _said(ev, name, "describes itself")
        for ev in index.lookup_pe({k: v for k, v in pe_like.items() if v})
    ]
    if look.host:
        found += _domain_evidence(look.host, index, name)
    facts = {"ClickOnce application": look.names[0]}
    if look.publisher:
        facts["company"] = look.publisher
    if look.host:
        facts["ClickOnce server"] = look.host
    return one_per_kind_and_tool(found), facts


def _domain_evidence(host: str, index: SignatureIndex, name: str) -> list[Evidence]:
    """The server is one of a tool's known domains (``*.screenconnect.com``). Not strong
    alone (weight 0: a self-hosted server can be called anything), but a second kind."""
    host = host.casefold().rstrip(".")
    found = []
    for tool in index.tools.values():
        for domain in tool.domains:
            pattern = domain.casefold()
            bare = pattern.removeprefix("*.")
            if host == bare or (pattern.startswith("*.") and host.endswith("." + bare)):
                found.append(
                    Evidence(
                        DOMAIN_KIND,
                        host,
                        f"{name} is served from {host}, a {tool.name} server ({domain})",
                        tool.id,
                    )
                )
                break
    return found


def _said(ev: Evidence, name: str, how: str) -> Evidence:
    return Evidence(ev.kind, f"{ev.value} (in {name})", f"{name} {how}: {ev.detail}", ev.tool_id)
