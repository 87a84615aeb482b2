"""The identifier never matches a protected program by its name, whatever the database says,
and a very long name costs it nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex
from guard.sigdb.globs import Glob
from guard.sigdb.loader import load_database
from guard.sigdb.model import PeIdentity
from tests.helpers import tool_toml, write_database


@pytest.mark.parametrize(
    "name",
    [
        "python3.12",
        "pythonw3.11.exe",
        "node.exe",
        "wscript.exe",
        "firefox",
        "Google Chrome Helper (GPU)",
        "gnome-terminal-server",
        "systemd-logind",
        "WerFault.exe",
    ],
)
def test_protected_programs_explain_themselves(identifier: Identifier, name: str) -> None:
    result = identifier.identify_name(name)
    assert result.tool is None
    (note,) = result.evidence
    assert note.kind == "protected-name" and note.tool_id is None
    assert "is a protected" in note.detail and "never matched by name" in note.detail


def test_a_pattern_that_slipped_through_still_never_claims_a_protected_name(
    tmp_path: Path,
) -> None:
    """Even a pattern built by hand past validation (a database from an older, laxer guard)
    cannot make the identifier claim python3.12 by name."""
    root = write_database(
        tmp_path / "db", {"demo": tool_toml("demo", "Demo", "[names]\nlinux = ['demotool']\n")}
    )
    sigset = load_database(root)
    index = SignatureIndex(sigset)
    sneaky = Glob(text="python3*", prefix="pyt", pattern="python3*")
    index.buckets["pyt"] = ((sneaky, sigset.tools[0]),)
    assert index.lookup_name("python3.12")[0].kind == "protected-name"
    assert index.lookup_name("python3-evil")[0].kind == "installer-name"


def test_version_info_is_matched_with_the_bounded_matcher(tmp_path: Path) -> None:
    root = write_database(
        tmp_path / "db",
        {"demo": tool_toml("demo", "Demo", "[[pe]]\nproduct = 'Demo*Desk'\n")},
    )
    index = SignatureIndex(load_database(root))
    assert [e.tool_id for e in index.lookup_pe({"ProductName": "Demo Remote Desk"})] == ["demo"]
    assert index.lookup_pe({"ProductName": "Demo Remote Desk!"}) == []
    # A hand-built identity with 60 stars against a long value answers, without a regex.
    tool = index.signatures.tools[0]
    stars = "d" + "*e" * 60
    index.pe = [(PeIdentity((("ProductName", Glob(text=stars, prefix="d", pattern=stars)),)), tool)]
    assert index.lookup_pe({"ProductName": "d" + "e" * 199 + "x"}) == []
    assert index.lookup_pe({"ProductName": "d" + "e" * 199})[0].tool_id == "demo"
