"""Provider profiles: the shipped numbers, every rejection, the active profile, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from guard import clock
from guard.providers import active
from guard.providers.active import (
    country_from_locale,
    default_profile_id,
    load_active_profiles,
    resolve,
    system_country,
)
from guard.providers.loader import check_profiles, load_profiles
from guard.providers.model import STALE_AFTER_DAYS, STATUSES, ProfileSet
from guard.state import paths, settings
from guard.state.journal import read
from guard.state.paths import journal_path
from tests.conftest import run_cli

# Every date in these profiles is derived from the one clock (moved a year ahead by
# ``make test-future``): checked three weeks ago, published most of a year ago.
TODAY = clock.today()
CHECKED = TODAY - dt.timedelta(days=20)
PUBLISHED = TODAY - dt.timedelta(days=323)
FUTURE = TODAY + dt.timedelta(days=365)

GOOD = """\
schema = 1
id = "{id}"
name = "Acme Broadband"
country = "GB"
generic = {generic}
website = "https://www.example.co.uk"
scam_advice_url = "https://www.example.co.uk/scams"
reviewed = {checked}
logo = ""

[colours]
background = "#5a1f7a"
text = "#ffffff"

[promise]
text = "Acme will never call you asking to connect to your computer."
source = "example.co.uk/security"
status = "verified"

[[numbers]]
label = "Acme customer services"
number = "0345 172 0088"
kind = "call"
audience = "Acme customers"
hours = "8am to 8pm"
cost = "Free"
source = "example.co.uk/contact"
published = {published}
verified = {checked}
status = "partial"
role = "provider"
"""

EXPECTED_NUMBERS = {
    "talktalk": {"0345 172 0088", "0345 172 0044"},
    "bt": {"0800 800 150", "0800 800 151", "18001 0800 800 150"},
    "sky": {"03442 414 141"},
    "virgin-media": {"150", "0345 454 1111", "789", "0345 600 0789"},
    "vodafone": {"03333 040 191", "191", "03333 041 524"},
    "ee": {"150", "07953 966 250", "0800 079 8586", "0800 956 6000"},
    "plusnet": {"0800 432 0200"},
    "generic-uk": {"159", "0300 123 2040", "101", "7726"},
    "generic-us": {"1-877-382-4357", "877-908-3360"},
    "generic-ca": {"1-888-495-8501"},
    "generic-au": {"1800 595 160"},
}
# Stale, retired, unverified or not-a-number-to-ring: must never ship (docs/providers.md).
NEVER_SHIPPED = {
    "0800 083 2710",  # TalkTalk's old report line, "may be retired"
    "0800 328 9393",  # numbers BT calls *from*
    "0800 028 5085",
    "0330 0945801",  # Shell Energy, probably stale
    "1-877-438-4338",  # FTC identity-theft line, not the fraud line
    "1300 795 995",  # old Scamwatch number, stale
}


def good(profile_id: str = "acme", generic: bool = False) -> str:
    return GOOD.format(
        id=profile_id,
        generic="true" if generic else "false",
        checked=CHECKED,
        published=PUBLISHED,
    )


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for stem, text in files.items():
        (folder / f"{stem}.toml").write_text(text, encoding="utf-8")
    return folder


def problems_for(tmp_path: Path, text: str, stem: str = "acme") -> list[str]:
    profiles, problems = load_profiles(write(tmp_path / "p", {stem: text}), TODAY)
    assert stem not in profiles.profiles or not problems
    return [str(p) for p in problems]


@pytest.fixture(scope="module")
def shipped() -> ProfileSet:
    profiles, problems = load_active_profiles()
    assert [str(p) for p in problems] == []
    return profiles


# --- the shipped data ---------------------------------------------------------------------


def test_every_shipped_profile_loads_with_its_numbers(shipped: ProfileSet) -> None:
    assert set(shipped.profiles) == set(EXPECTED_NUMBERS)
    for profile_id, numbers in EXPECTED_NUMBERS.items():
        profile = shipped.profiles[profile_id]
        assert {n.number for n in profile.numbers} == numbers, profile_id
        assert profile.generic == profile_id.startswith("generic-")
        assert profile.logo is None  # no logos are shipped


def test_every_shipped_number_is_verified_or_partial_with_a_source(shipped: ProfileSet) -> None:
    for profile in shipped.profiles.values():
        assert profile.website.startswith("https://")
        for number in profile.numbers:
            assert number.status in STATUSES
            assert number.source.strip() and number.audience.strip()
            assert number.verified == profile.reviewed  # checked when the profile was
            assert number.number not in NEVER_SHIPPED
            if number.published:
                assert number.published <= number.verified


def test_shipped_promises_and_roles(shipped: ProfileSet) -> None:
    # No promise where none is verified or partial (Sky, Plusnet), or where the verified one
    # is about something else and would read as if a phone request were fine (Vodafone,
    # Virgin Media O2).
    for name in ("sky", "plusnet", "vodafone", "virgin-media"):
        assert shipped.profiles[name].promise is None, name
    talktalk = shipped.profiles["talktalk"].promise
    assert talktalk is not None and "connect to your computer" in talktalk.text
    assert "unless" not in talktalk.text  # no opening for "but you did ask us"
    bt = shipped.profiles["bt"].promise
    assert bt is not None and "unknown" not in bt.text  # caller ID can be faked
    uk = shipped.profiles["generic-uk"]
    assert [n.number for n in uk.numbers_for("bank")] == ["159"]
    assert {n.number for n in uk.numbers_for("report")} == {"0300 123 2040", "101", "7726"}
    assert next(n for n in uk.numbers if n.number == "7726").kind == "text"
    report = next(n for n in uk.numbers if n.number == "0300 123 2040")
    assert report.label == "Report Fraud (formerly Action Fraud)"
    for profile in shipped.profiles.values():
        if not profile.generic:
            assert profile.numbers_for("provider") == profile.numbers


def test_shipped_order_and_generic_lookup(shipped: ProfileSet) -> None:
    ordered = [p.id for p in shipped.sorted()]
    providers = [p for p in ordered if not p.startswith("generic-")]
    assert ordered[: len(providers)] == providers  # providers first, then generics
    names = [shipped.profiles[p].name.casefold() for p in providers]
    assert names == sorted(names)
    assert shipped.generic_for("GB").id == "generic-uk"  # type: ignore[union-attr]
    assert shipped.generic_for("ca").id == "generic-ca"  # type: ignore[union-attr]
    assert shipped.generic_for("FR") is None
    assert shipped.get("TalkTalk") is shipped.profiles["talktalk"]


def test_digits_for_dialling(shipped: ProfileSet) -> None:
    bt = shipped.profiles["bt"]
    assert [n.digits for n in bt.numbers] == ["0800800150", "180010800800150", "0800800151"]
    (ftc,) = [n for n in shipped.profiles["generic-us"].numbers if n.role == "report"]
    assert ftc.digits == "18773824357"


# --- rejections ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            '"0345 172 0088"',
            '"0345 172 008"',
            "acme.toml: numbers[0].number: '0345 172 008' is not a valid GB phone number",
        ),
        (
            '"0345 172 0088"',
            '"1-877-382-4357"',
            "acme.toml: numbers[0].number: '1-877-382-4357' is not a valid GB phone number",
        ),
        ('"0345 172 0088"', '"0345-FTC-HELP"', "acme.toml: numbers[0].number: '0345-FTC-HELP'"),
        (
            'kind = "call"',
            'kind = "text"',
            "acme.toml: numbers[0].number: '0345 172 0088': a text number must be 3 to 6 digits",
        ),
        (
            'kind = "call"',
            'kind = "textphone"',
            "acme.toml: numbers[0].number: '0345 172 0088': a textphone number must start with",
        ),
        (
            'status = "partial"',
            'status = "unverified"',
            "acme.toml: numbers[0].status: 'unverified' is never shipped: a wrong number sends "
            "a victim to a scammer",
        ),
        (
            'status = "verified"',
            'status = "unverified"',
            "acme.toml: promise.status: 'unverified' is never shipped",
        ),
        ('role = "provider"', 'role = "friend"', "acme.toml: numbers[0].role: 'friend' must be"),
        (
            '"https://www.example.co.uk"',
            '"http://www.example.co.uk"',
            "acme.toml: website: 'http://www.example.co.uk' must start with https://",
        ),
        (
            '"https://www.example.co.uk/scams"',
            '"https://example.co.uk@evil.example/scams"',
            "acme.toml: scam_advice_url: ",
        ),
        (
            'text = "#ffffff"',
            'text = "#7a4f9a"',
            "acme.toml: colours.text: contrast with the background is",
        ),
        ('text = "#ffffff"', 'text = "white"', "acme.toml: colours.text: 'white' must be a colour"),
        ('logo = ""\n', 'logo = ""\ncolour = "red"\n', "acme.toml: colour: unknown field"),
        (
            'role = "provider"',
            'role = "provider"\nnote = "x"',
            "acme.toml: numbers[0].note: unknown",
        ),
        ("[promise]\n", "[promise]\nlink = 'x'\n", "acme.toml: promise.link: unknown field"),
        (f"reviewed = {CHECKED}", f"reviewed = {FUTURE}", f"acme.toml: reviewed: {FUTURE} is in"),
        (
            f"verified = {CHECKED}",
            f"verified = {FUTURE}",
            f"acme.toml: numbers[0].verified: {FUTURE} is in the future",
        ),
        (
            f"published = {PUBLISHED}",
            f'published = "{PUBLISHED}"',
            "acme.toml: numbers[0].published: must be a date like 2026-11-21 (no quotes)",
        ),
        (
            f"verified = {CHECKED}",
            f"verified = {CHECKED}T10:00:00",
            "acme.toml: numbers[0].verified: must be a date like 2026-11-21 (no quotes), not a "
            "date and time",
        ),
        (
            f"published = {PUBLISHED}",
            f"published = {CHECKED + dt.timedelta(days=1)}",
            f"acme.toml: numbers[0].published: {CHECKED + dt.timedelta(days=1)} is after the "
            "date it was verified",
        ),
        ('country = "GB"', 'country = "gb"', "acme.toml: country: 'gb' must be a two-letter"),
        ('country = "GB"', 'country = "XX"', "acme.toml: country: 'XX' must be a two-letter"),
        ('id = "acme"', 'id = "other"', "acme.toml: id: 'other' must equal the file name"),
        ("schema = 1", "schema = 2", "acme.toml: schema: this ScamGuard reads schema 1 only"),
        ('name = "Acme Broadband"\n', "", "acme.toml: name: is required"),
        ('source = "example.co.uk/contact"\n', "", "acme.toml: numbers[0].source: is required"),
        ("generic = false", "generic = true", "acme.toml: generic: must be true exactly when"),
        ('logo = ""', 'logo = "../logo.png"', "acme.toml: logo: '../logo.png' must be a plain"),
        ('logo = ""', 'logo = "sub/logo.png"', "acme.toml: logo: 'sub/logo.png' must be a plain"),
        ('logo = ""', 'logo = "missing.png"', "acme.toml: logo: 'missing.png' does not exist"),
        ('logo = ""', 'logo = "logo.gif"', "acme.toml: logo: 'logo.gif' must be a .png file"),
        (
            "computer.",
            "computer. Ever.",
            "acme.toml: promise.text: must be one sentence ending with a full stop",
        ),
    ],
)
def test_each_rejection_is_one_line_naming_file_and_field(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    text = good()
    assert old in text
    found = problems_for(tmp_path, text.replace(old, new, 1))
    assert any(p.startswith(expected) for p in found), found
    assert all("\n" not in p for p in found)


def test_duplicate_number_is_rejected(tmp_path: Path) -> None:
    block = good().split("[[numbers]]", 1)[1]
    found = problems_for(tmp_path, good() + "\n[[numbers]]" + block)
    assert found == ["acme.toml: numbers[1].number: repeats numbers[0] (0345 172 0088)"]


def test_short_codes_textphone_and_text_numbers_are_accepted(tmp_path: Path) -> None:
    text = good()
    for number, kind in [("159", "call"), ("101", "call"), ("7726", "text")]:
        text += (
            f'\n[[numbers]]\nlabel = "x"\nnumber = "{number}"\nkind = "{kind}"\n'
            f'audience = "y"\nsource = "z"\nverified = {CHECKED}\nstatus = "verified"\n'
            'role = "report"\n'
        )
    text += (
        '\n[[numbers]]\nlabel = "t"\nnumber = "18001 0800 800 150"\nkind = "textphone"\n'
        f'audience = "y"\nsource = "z"\nverified = {CHECKED}\nstatus = "verified"\n'
        'role = "provider"\n'
    )
    profiles, problems = load_profiles(write(tmp_path / "p", {"acme": text}), TODAY)
    assert problems == []
    assert [n.number for n in profiles.profiles["acme"].numbers][1:] == [
        "159",
        "101",
        "7726",
        "18001 0800 800 150",
    ]


def test_two_generics_for_one_country(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "p",
        {"generic-uk": good("generic-uk", True), "generic-uk2": good("generic-uk2", True)},
    )
    profiles, problems = load_profiles(folder, TODAY)
    assert list(profiles.profiles) == ["generic-uk"]
    assert [str(p) for p in problems] == [
        "generic-uk2.toml: generic: generic-uk (generic-uk.toml) is already the generic "
        "profile for GB; a country has only one"
    ]


def test_a_bad_profile_does_not_stop_the_others(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "p",
        {
            "acme": good(),
            "broken": "id = [unclosed",
            "worse": good("worse").replace('"0345 172 0088"', '"12"'),
        },
    )
    profiles, problems = load_profiles(folder, TODAY)
    assert list(profiles.profiles) == ["acme"]
    assert [p.file for p in problems] == ["broken.toml", "worse.toml"]
    assert str(problems[0]).startswith("broken.toml: file: malformed TOML")


def test_file_and_folder_limits(tmp_path: Path) -> None:
    big = good() + "# " + "x" * (64 * 1024) + "\n"
    assert problems_for(tmp_path / "a", big) == ["acme.toml: file: is larger than 64 KiB"]
    many = write(tmp_path / "many", {f"p{i:03}": good(f"p{i:03}") for i in range(501)})
    profiles, problems = load_profiles(many, TODAY)
    assert len(profiles) == 0
    assert [p.message for p in problems] == ["has over 500 profile files"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert [p.message for p in load_profiles(empty, TODAY)[1]] == ["holds no provider profiles"]


def test_logo_beside_the_profile(tmp_path: Path) -> None:
    folder = write(tmp_path / "p", {"acme": good().replace('logo = ""', 'logo = "acme.png"')})
    (folder / "acme.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    profiles, problems = load_profiles(folder, TODAY)
    assert problems == []
    assert profiles.profiles["acme"].logo == folder / "acme.png"
    (folder / "acme.png").write_bytes(b"GIF89a" + b"\0" * 100)
    assert [str(p) for p in load_profiles(folder, TODAY)[1]] == [
        "acme.toml: logo: 'acme.png' is not a PNG image"
    ]
    (folder / "acme.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (512 * 1024))
    assert [str(p) for p in load_profiles(folder, TODAY)[1]] == [
        "acme.toml: logo: 'acme.png' is larger than 512 KiB"
    ]


# --- staleness ----------------------------------------------------------------------------


def test_staleness_with_a_fixed_today(tmp_path: Path) -> None:
    folder = write(tmp_path / "p", {"acme": good()})
    profile = load_profiles(folder, TODAY)[0].profiles["acme"]
    (number,) = profile.numbers
    checked = CHECKED
    assert not number.is_stale(checked + dt.timedelta(days=365))
    assert number.is_stale(checked + dt.timedelta(days=366))
    assert profile.stale_numbers(TODAY) == ()
    later = CHECKED + dt.timedelta(days=406)
    assert profile.stale_numbers(later) == (number,)
    assert profile.oldest_check == checked
    profiles, problems, stale = check_profiles(folder, later)
    assert problems == [] and len(profiles) == 1  # stale is a warning, never a load failure
    assert stale == [
        f"STALE: acme.toml: reviewed: the profile was last reviewed on {CHECKED}, more than "
        "12 months ago; review the whole file",
        "STALE: acme.toml: numbers[0]: 0345 172 0088 (Acme customer services) was checked on "
        f"{CHECKED}, more than 12 months ago; re-check it on the live page before shipping",
    ]
    assert check_profiles(folder, TODAY)[2] == []


# --- which profile is active --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("en_GB.UTF-8", "GB"),
        ("en_US", "US"),
        ("C", None),
        ("C.UTF-8", None),
        ("POSIX", None),
        ("fr_CA.UTF-8", "CA"),
        ("en_AU", "AU"),
        ("en_GB.UTF-8@euro", "GB"),
        ("en-GB", "GB"),
        ("en_UK", "GB"),
        ("English_United Kingdom.1252", "GB"),
        ("French_Canada.1252", "CA"),
        ("Klingon_Qo'noS", None),
        ("en", None),
        ("", None),
    ],
)
def test_country_from_locale(name: str, country: str | None) -> None:
    assert country_from_locale(name) == country


def test_system_country_reads_the_environment_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(active, "_process_locales", lambda: ["C.UTF-8"])
    assert system_country({"LANG": "en_AU.UTF-8"}) == "AU"
    assert system_country({"LC_ALL": "fr_CA.UTF-8", "LANG": "en_GB.UTF-8"}) == "CA"
    assert system_country({"LC_ALL": "C", "LANG": "en_US.UTF-8"}) == "US"  # C says nothing
    assert system_country({"LANG": "C"}) == "GB"
    assert system_country({}) == "GB"
    monkeypatch.setattr(active, "_process_locales", lambda: ["English_Canada.1252"])
    assert system_country({}) == "CA"


def test_default_and_unknown_profile_resolution(shipped: ProfileSet) -> None:
    assert default_profile_id(shipped, "GB") == "generic-uk"
    assert default_profile_id(shipped, "US") == "generic-us"
    assert default_profile_id(shipped, "FR") == "generic-uk"
    assert resolve(shipped, "", "AU") == (shipped.profiles["generic-au"], "")
    assert resolve(shipped, "talktalk", "US") == (shipped.profiles["talktalk"], "")
    profile, warning = resolve(shipped, "shell-energy", "GB")
    assert profile.id == "generic-uk"
    assert warning == (
        "provider profile 'shell-energy' is not installed; using generic-uk "
        "(UK fraud helplines) instead"
    )
    with pytest.raises(LookupError):
        resolve(ProfileSet(), "", "GB")


# --- the command line ---------------------------------------------------------------------

GB = {"LC_ALL": "en_GB.UTF-8"}


@pytest.mark.parametrize("command", [["provider"], ["provider", "list"], ["provider", "show"]])
def test_provider_help(command: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.returncode == 0 and "usage: scamguard provider" in result.stdout


def test_cli_list_set_show(tmp_path: Path) -> None:
    listed = run_cli("provider", "list", "--json", env=GB)
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert data["active"] == "generic-uk" and data["system_country"] == "GB"
    assert {p["id"] for p in data["profiles"]} == set(EXPECTED_NUMBERS)
    assert [p["id"] for p in data["profiles"] if p["active"]] == ["generic-uk"]
    assert set(data["profiles"][0]) == {"id", "name", "country", "generic", "active"}

    chosen = run_cli("provider", "set", "TalkTalk", env=GB)
    assert chosen.returncode == 0, chosen.stderr
    assert "TalkTalk" in chosen.stdout
    assert settings.load().provider == "talktalk"
    # A caller may dictate this command, so the change is journalled for whoever helps later.
    changes = [row for row in read(journal_path()) if row["kind"] == "settings"]
    assert [(c["message"], c["data"]["previous"]) for c in changes] == [
        ("the warning's provider is now TalkTalk", "")
    ]

    human = run_cli("provider", "list", env=GB)
    assert "* talktalk" in human.stdout and "  generic-uk" in human.stdout

    shown = run_cli("provider", "show", "--json", env=GB)
    assert shown.returncode == 0, shown.stderr
    profile = json.loads(shown.stdout)
    assert profile["id"] == "talktalk" and profile["active"] is True
    assert [n["number"] for n in profile["numbers"]] == ["0345 172 0088", "0345 172 0044"]
    first = profile["numbers"][0]
    assert first["status"] == "partial" and first["published"] == "2021-02-09"
    # Stale exactly when it was checked more than STALE_AFTER_DAYS ago, by the same clock.
    checked = dt.date.fromisoformat(first["verified"])
    assert first["stale"] is ((clock.today() - checked).days > STALE_AFTER_DAYS)
    assert first["digits"] == "03451720088"

    text = run_cli("provider", "show", "bt", env=GB)
    assert text.returncode == 0
    assert "18001 0800 800 150" in text.stdout and "Source: btplc.com" in text.stdout
    assert "(what the warning shows now)" not in text.stdout


def test_cli_refuses_unknown_ids_with_exit_2() -> None:
    refused = run_cli("provider", "set", "shell-energy")
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        "scamguard provider: 'shell-energy' is not a provider profile; see the choices with: "
        "scamguard provider list"
    ]
    assert settings.load().provider == ""
    shown = run_cli("provider", "show", "nope")
    assert shown.returncode == 2 and len(shown.stderr.splitlines()) == 1


def test_cli_unknown_saved_provider_falls_back_with_a_warning() -> None:
    settings.save(settings.Settings(provider="gone"))
    result = run_cli("provider", "show", "--json", env={"LC_ALL": "en_CA.UTF-8"})
    assert result.returncode == 0
    assert json.loads(result.stdout)["id"] == "generic-ca"
    assert "provider profile 'gone' is not installed; using generic-ca" in result.stderr


def test_cli_show_marks_stale_and_skips_broken_profiles(tmp_path: Path) -> None:
    old = good().replace(f"verified = {CHECKED}", "verified = 2020-01-01")
    old = old.replace(f"published = {PUBLISHED}", "published = 2019-12-01")
    folder = write(tmp_path / "p", {"acme": old, "broken": "id = [unclosed"})
    result = run_cli("provider", "show", "acme", "--providers-dir", str(folder))
    assert result.returncode == 0, result.stderr
    assert (
        "STALE: checked more than 12 months ago, re-check on the live page before shipping"
        in result.stdout
    )
    assert "Status: PARTIAL" in result.stdout
    assert result.stderr.startswith("scamguard: provider profile skipped: broken.toml: file:")
    missing = run_cli("provider", "list", "--providers-dir", str(tmp_path / "nowhere"))
    assert missing.returncode == 2


# --- signatures validate ------------------------------------------------------------------


def copy_database(tmp_path: Path) -> Path:
    return Path(shutil.copytree(paths.builtin_signatures_dir(), tmp_path / "db"))


def _reviewed_today(db: Path) -> None:
    """Every number and profile in ``db`` checked today: what the shipped data looks like on
    the day support staff review it, whatever the calendar says when the suite runs."""
    today = clock.today().isoformat()
    for path in (db / "providers").glob("*.toml"):
        text = re.sub(
            r"(?m)^(verified|reviewed) = \d{4}-\d{2}-\d{2}", rf"\1 = {today}", path.read_text()
        )
        path.write_text(text)


def test_validate_covers_providers(tmp_path: Path) -> None:
    db = copy_database(tmp_path)
    _reviewed_today(db)
    clean = run_cli("signatures", "validate", str(db), "--json")
    assert clean.returncode == 0, clean.stdout
    data = json.loads(clean.stdout)
    assert data["ok"] is True and data["providers"]["profiles"] == len(EXPECTED_NUMBERS)
    assert data["providers"]["problems"] == [] and data["providers"]["stale"] == []

    talktalk = db / "providers" / "talktalk.toml"
    talktalk.write_text(talktalk.read_text().replace('"0345 172 0088"', '"0345 172 008"'))
    broken = run_cli("signatures", "validate", str(db))
    assert broken.returncode == 3
    assert (
        "providers/talktalk.toml: numbers[0].number: '0345 172 008' is not a valid GB phone "
        "number" in broken.stdout
    )
    assert "REJECTED: 1 problem(s) in 1 provider file(s)" in broken.stdout
    result = json.loads(run_cli("signatures", "validate", str(db), "--json").stdout)
    assert result["ok"] is False and result["tools"] is not None and result["problems"] == []
    assert result["providers"]["ok"] is False
    assert result["providers"]["problems"][0]["file"] == "providers/talktalk.toml"


def test_validate_prints_stale_numbers_without_failing(tmp_path: Path) -> None:
    db = copy_database(tmp_path)
    sky = db / "providers" / "sky.toml"
    stale = TODAY - dt.timedelta(days=400)
    sky.write_text(re.sub(r"(?m)^verified = \S+", f"verified = {stale}", sky.read_text(), count=1))
    result = run_cli("signatures", "validate", str(db))
    assert result.returncode == 0, result.stdout
    assert "STALE: providers/sky.toml: numbers[0]: 03442 414 141" in result.stdout


def test_validate_without_providers_folder_is_unchanged(tmp_path: Path) -> None:
    db = copy_database(tmp_path)
    shutil.rmtree(db / "providers")
    result = run_cli("signatures", "validate", str(db), "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["providers"] is None


def test_a_clock_set_back_does_not_lose_the_numbers_at_run_time(tmp_path: Path) -> None:
    """Publishing refuses dates in the future; the running app must not, or a computer whose
    clock is behind would show a warning with no phone numbers at all."""
    folder = tmp_path / "providers"
    shutil.copytree(active.builtin_profiles_dir(), folder)
    path = folder / "talktalk.toml"
    text = re.sub(r"(?m)^reviewed = \S+", f"reviewed = {FUTURE}", path.read_text())
    path.write_text(text)
    loaded, problems = active.load_active_profiles(folder)
    assert problems == [] and "talktalk" in loaded
    _, refused, _ = check_profiles(folder)
    assert [p.field for p in refused] == ["reviewed"]
