"""The database we ship: big enough, covers the tools scam advisories name, and every entry
can actually identify something."""

from __future__ import annotations

import datetime as dt

import pytest

from guard.sigdb.model import SignatureSet
from guard.sigdb.names import GENERIC_NAMES, is_protected, name_key

# Tools named in public tech-support-scam advisories (issue 2), by the ids we ship them under.
ADVISORY_TOOLS = [
    "teamviewer",
    "anydesk",
    "screenconnect",
    "quick-assist",
    "windows-remote-assistance",
    "ultraviewer",
    "logmein",
    "logmein-rescue",
    "gotoassist",
    "goto-resolve",
    "gotomypc",
    "supremo",
    "rustdesk",
    "ammyy-admin",
    "chrome-remote-desktop",
    "netsupport-manager",
    "zoho-assist",
    "splashtop",
    "splashtop-sos",
    "remote-utilities",
    "aeroadmin",
    "anyviewer",
    "hoptodesk",
    "iperius-remote",
    "isl-light",
    "remotepc",
    "dwservice",
    "getscreen",
    "beyondtrust-remote-support",
    "simplehelp",
    "atera",
    "ninjaone",
    "kaseya-vsa",
    "n-able-take-control",
    "action1",
    "tactical-rmm",
    "meshcentral",
    "radmin",
    "realvnc",
    "tightvnc",
    "ultravnc",
    "tigervnc",
    "dameware",
    "pulseway",
]


def test_at_least_120_products(shipped: SignatureSet) -> None:
    assert len(shipped.tools) >= 120, len(shipped.tools)
    assert shipped.version >= 1 and shipped.released is not None


@pytest.mark.parametrize("tool_id", ADVISORY_TOOLS)
def test_advisory_tools_present(shipped: SignatureSet, tool_id: str) -> None:
    assert tool_id in shipped.by_id()


def test_every_tool_can_be_identified(shipped: SignatureSet) -> None:
    """A tool whose only names are generic, with no install path to corroborate them, could
    never be identified."""
    for tool in shipped.tools:
        distinctive = [n for n in tool.all_names() if name_key(n) not in GENERIC_NAMES]
        strong = (
            distinctive
            or tool.installers
            or tool.pe
            or tool.bundle_ids
            or tool.desktop_ids
            or tool.packages
            or tool.sha256
        )
        corroborated = tool.all_names() and tool.paths
        assert strong or corroborated, tool.id


def test_every_tool_cites_sources_and_a_review_date(shipped: SignatureSet) -> None:
    for tool in shipped.tools:
        assert tool.sources, tool.id
        assert all(s.startswith(("https://", "http://")) for s in tool.sources), tool.id
        assert tool.reviewed <= dt.date.today() + dt.timedelta(days=1)


def test_high_risk_tools_cover_windows(shipped: SignatureSet) -> None:
    """Most victims are on Windows: every high-risk tool must be recognisable there."""
    for tool in shipped.tools:
        if tool.risk == "high" and "windows" in tool.platforms:
            assert tool.names.get("windows") or tool.installers or tool.pe, tool.id


# Remote-access programs that come with the operating system: a caller talks the person into
# opening them just like AnyDesk, so no protected list may ever swallow their names.
OS_REMOTE_ACCESS = {
    "quick-assist": ["QuickAssist.exe"],
    "windows-remote-assistance": ["msra.exe"],
    "apple-remote-desktop": ["ARDAgent"],
    "x11vnc": ["x11vnc"],
    "xrdp": ["xrdp", "xrdp-sesman"],
}


@pytest.mark.parametrize(("tool_id", "names"), OS_REMOTE_ACCESS.items())
def test_the_systems_own_remote_access_tools_stay_listed(
    shipped: SignatureSet, tool_id: str, names: list[str]
) -> None:
    tool = shipped.by_id()[tool_id]
    for name in names:
        assert name in tool.all_names(), (tool_id, name)
        assert not is_protected(name), name


def test_no_shipped_name_is_a_protected_program(shipped: SignatureSet) -> None:
    """The loader refuses them; this says which one if the lists ever grow into the data."""
    claimed = [(t.id, n) for t in shipped.tools for n in t.all_names() if is_protected(n)]
    assert claimed == []


def test_the_catalog_map_names_only_shipped_tools(shipped: SignatureSet) -> None:
    """Issue 14: every in-scope LOLRMM entry the map says is covered has its tool shipped, and
    coverage of the in-scope entries stays at 95 % or more (benchmarks/data/lolrmm-map.toml)."""
    import tomllib
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "lolrmm-map.toml"
    catalog = tomllib.loads(path.read_text(encoding="utf-8"))
    ids = set(shipped.by_id())
    assert sorted(set(catalog["tools"].values()) - ids) == []
    assert set(catalog["out"].values()) <= set(catalog["groups"])
    in_scope = len(catalog["tools"]) + len(catalog["missing"])
    assert len(catalog["tools"]) / in_scope >= 0.95
