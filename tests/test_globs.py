"""Installer patterns: a bounded glob language that refuses anything too broad, anything
that could match a protected program, and that never takes more than bounded work."""

import itertools
import random
import re

import pytest

from guard.sigdb import globs
from guard.sigdb.globs import (
    MAX_NAME_LEN,
    Glob,
    PatternError,
    compile_glob,
    compile_value_glob,
    match_steps,
)
from guard.sigdb.names import is_protected
from guard.sigdb.protected import ANY, FAMILIES, HELPER, VERSION, family_witness


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
        ("pyth?n3.1*", "protected name 'python3.1' (interpreter or runtime)"),
        ("python3.1??", "protected name 'python3.100'"),
        ("python3.12.exe", "protected name 'python3.12'"),
        ("pythonw3*.exe", "protected name 'pythonw3'"),
        ("node*.exe", "protected name 'node'"),
        ("java*", "protected name 'java'"),
        ("perl5.?", "protected name 'perl5.0'"),
        ("wscr?pt.exe", "protected name 'wscript'"),
        ("msht?", "protected name 'mshta'"),
        ("systemd-*", "protected name 'systemd-'"),
        ("gvf*", "protected name 'gvfs'"),
        ("kded?", "protected name 'kded0'"),
        ("xprotect*", "protected name 'xprotect'"),
        ("com.apple.*", "protected name 'com.apple.'"),
        ("firefox-*.exe", "protected name 'firefox-bin' (web browser)"),
        ("google chrome helper (*)", "protected name 'google chrome helper (a)'"),
        ("gnome-terminal-*", "protected name 'gnome-terminal-server' (desktop or session"),
        ("Werfault*", "protected name 'werfault' (system program)"),
        ("Any[Dd]esk.exe", "wildcards"),
        ("Any*D*e*s*k*", "more than 4 wildcards"),
        ("dir/AnyDesk.exe", "wildcards"),
        ("Any*D*e*s*k*.exe", "more than 4 wildcards"),
        ("   ", "empty"),
        ("A" * 121, "longer than"),
    ],
)
def test_refused(pattern: str, reason: str) -> None:
    with pytest.raises(PatternError, match=re.escape(reason)):
        compile_glob(pattern)


def test_no_catastrophic_backtracking_shape() -> None:
    # Four stars against a long near-miss: the lazy, unnested translation answers (no match)
    # instead of exploring an exponential number of splits.
    glob = compile_glob("abc*d*e*f*.exe")
    assert not glob.matches("abc" + "d" * 200 + "e" * 200 + ".ex")
    assert glob.matches("abcXdYeZf.exe")


@pytest.mark.parametrize(
    "pattern",
    [
        "com.apple.screensharing*",  # says it is remote access: the database may list it
        "pythonista*.exe",
        "python-3.12*.exe",  # the Python installer is a file, not the interpreter
        "nodes*.exe",
        "javascript*.txt",
        "QuickAssist*.exe",
        "msra*.exe",
        "mstsc*.exe",
        "vino-server*",
        "krfb*",
    ],
)
def test_near_misses_and_remote_access_tools_are_allowed(pattern: str) -> None:
    compile_glob(pattern)


def _family_examples() -> list[str]:
    """Generated members of every family: python3.0 ... python3.20, perl5.36, kded6,
    systemd-x, google chrome helper (gpu)..."""
    out = []
    for family in FAMILIES:
        stem = family.stem
        if family.tail == VERSION:
            out += [stem, f"{stem}3", f"{stem}2.7", f"{stem}3.13t"]
            out += [f"{stem}3.{minor}" for minor in range(21)]
        elif family.tail == ANY:
            out += [stem, f"{stem}x", f"{stem}-daemon"]
        else:
            out += [f"{stem} helper", f"{stem} helper (renderer)", f"{stem} helper (gpu)"]
    return out


@pytest.mark.parametrize("name", _family_examples())
def test_every_family_member_is_protected_and_no_pattern_can_reach_it(name: str) -> None:
    assert is_protected(name), name
    # The name itself, and a pattern with a wildcard in its last place, are both refused.
    for pattern in (name, name[:-1] + "?", name[:-1] + "*", name + "*.exe"):
        if len(pattern.split("*")[0].split("?")[0]) >= 3:
            with pytest.raises(PatternError, match=r"protected|too broad"):
                compile_glob(pattern)


def _reference_match(pattern: str, text: str) -> bool:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(body, text, re.DOTALL) is not None


def test_matcher_agrees_with_a_reference_on_every_small_case() -> None:
    """Every pattern of up to 5 symbols over a, b, * and ? against every text of up to 6
    letters: the linear matcher, and a Glob with its head/tail shortcuts, say exactly what a
    (slow, exact) regex says."""
    for m in range(6):
        for pattern in map("".join, itertools.product("ab*?", repeat=m)):
            glob = Glob(text=pattern, prefix="", pattern=pattern)
            for n in range(7):
                for text in map("".join, itertools.product("ab", repeat=n)):
                    expected = _reference_match(pattern, text)
                    assert match_steps(pattern, text)[0] == expected, (pattern, text)
                    assert glob.matches(text) == expected, (pattern, text)


@pytest.mark.parametrize(
    "pattern",
    [
        "a*" * 60,  # 60 stars: far over the cap, built by hand to bypass validation
        "aaa" + "*a" * 58 + "*b",
        "aa*" + "a" * 100 + "b",  # the matcher's own worst shape: one star, a long near miss
        "aaa" + "*?" * 58,
    ],
)
def test_a_pathological_pattern_does_bounded_work(pattern: str) -> None:
    """A backtracking regex would try len(text) ** stars splits (the old ``.*?``
    translation took over a second at 4 stars and 200 characters); the matcher stays
    within len(text) x len(pattern) steps on a name as long as a file name can be."""
    for text in ("a" * MAX_NAME_LEN, "a" * (MAX_NAME_LEN - 1) + "b", "ab" * (MAX_NAME_LEN // 2)):
        matched, steps = match_steps(pattern, text)
        assert matched == _reference_match(pattern, text[:40]) or len(text) > 40
        assert steps <= (len(text) + 1) * (len(pattern) + 1), (steps, len(text), len(pattern))


def test_a_name_longer_than_any_file_name_is_not_even_looked_at(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []
    real = globs.match_steps

    def counting(pattern: str, text: str) -> tuple[bool, int]:
        calls.append(len(text))
        return real(pattern, text)

    monkeypatch.setattr(globs, "match_steps", counting)
    glob = Glob(text="a*" * 60, prefix="a", pattern="a*" * 60)  # bypasses validation
    assert glob.matches("a" * MAX_NAME_LEN)
    assert not glob.matches("a" * (MAX_NAME_LEN + 1))
    assert not glob.matches("a" * 1_000_000)
    assert calls == [MAX_NAME_LEN]


def test_pe_values_obey_the_same_wildcard_cap() -> None:
    assert compile_value_glob("AnyDesk*", 200).matches("anydesk software")
    assert compile_value_glob("AB", 200).matches("ab")  # exact values may be short
    with pytest.raises(PatternError, match="more than 4 wildcards"):
        compile_value_glob("Any*D*e*s*k*", 200)
    with pytest.raises(PatternError, match="3 literal"):
        compile_value_glob("An*", 200)


def _members_up_to(family_stem: str, tail: str, extra: int) -> list[str]:
    """Every family member at most ``extra`` characters past the stem, over a small alphabet
    (plus each with .exe): enough to check the exact intersection against brute force."""
    alphabet = {VERSION: "01.t", ANY: "x.-", HELPER: ""}[tail]
    if tail == HELPER:
        base = [f"{family_stem} helper", f"{family_stem} helper (gpu)"]
    else:
        base = [
            family_stem + "".join(rest)
            for n in range(extra + 1)
            for rest in itertools.product(alphabet, repeat=n)
        ]
    members = [b for b in base if is_protected(b)]
    return members + [m + ".exe" for m in members]


def test_the_family_check_is_exact_against_brute_force() -> None:
    """For patterns made from family members (and from near misses) by putting wildcards in
    random places: refused exactly when the pattern matches some member."""
    rnd = random.Random(7)
    families = [f for f in FAMILIES if f.stem in {"python", "kded", "gvfs", "opera"}]
    for family in families:
        members = _members_up_to(family.stem, family.tail, 3)
        for _ in range(400):
            source = rnd.choice(members) + rnd.choice(["", "", "z", "-x", "3"])
            chars = list(source)
            for _ in range(rnd.randint(1, 3)):
                i = rnd.randrange(3, len(chars))
                chars[i] = rnd.choice("*?")
            pattern = "".join(chars)
            prefix = pattern.split("*")[0].split("?")[0]
            found = family_witness(pattern, prefix)
            brute = [m for m in members if match_steps(pattern, m)[0]]
            if brute:
                assert found is not None, (pattern, brute)
            if found is not None:
                name, _ = found
                assert is_protected(name), (pattern, name)
                assert match_steps(pattern, name)[0] or match_steps(pattern, name + ".exe")[0]
