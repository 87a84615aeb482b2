"""Installer patterns: a bounded glob language that refuses anything too broad."""

import pytest

from guard.sigdb.globs import PatternError, compile_glob


@pytest.mark.parametrize(
    ("pattern", "name", "matches"),
    [
        ("AnyDesk*.exe", "anydesk.exe", True),
        ("AnyDesk*.exe", "anydesk_setup_x64.exe", True),
        ("AnyDesk*.exe", "anydesk.msi", False),
        ("TeamViewerQS*.exe", "teamviewerqs_x64.exe", True),
        ("rustdesk-*-x86_64.exe", "rustdesk-1.3.2-x86_64.exe", True),
        ("rustdesk-*-x86_64.exe", "rustdesk-1.3.2-aarch64.exe", False),
        ("AA_v?.exe", "aa_v3.exe", True),
        ("AA_v?.exe", "aa_v33.exe", False),
        ("foo.bar*", "foo.bar.exe", True),  # dots are literal, not regex
        ("foo.bar*", "fooxbar.exe", False),
    ],
)
def test_matching(pattern: str, name: str, matches: bool) -> None:
    assert compile_glob(pattern).matches(name) is matches


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("*.exe", "literal characters"),
        ("*AnyDesk*", "literal characters"),
        ("ab*.exe", "literal characters"),
        ("setup*", "too broad"),
        ("Setup*.exe", "too broad"),
        ("Support*.exe", "too broad"),
        ("install*", "too broad"),
        ("Chrome*.exe", "too broad"),
        ("explor*", "protected"),
        ("svchost*", "protected"),
        ("Any[Dd]esk.exe", "wildcards"),
        ("dir/AnyDesk.exe", "wildcards"),
        ("Any*D*e*s*k*.exe", "more than 4 wildcards"),
        ("   ", "empty"),
        ("A" * 121, "longer than"),
    ],
)
def test_refused(pattern: str, reason: str) -> None:
    with pytest.raises(PatternError, match=reason):
        compile_glob(pattern)


def test_no_catastrophic_backtracking_shape() -> None:
    # Four stars against a long near-miss: the lazy, unnested translation answers (no match)
    # instead of exploring an exponential number of splits.
    glob = compile_glob("abc*d*e*f*.exe")
    assert not glob.matches("abc" + "d" * 200 + "e" * 200 + ".ex")
    assert glob.matches("abcXdYeZf.exe")
