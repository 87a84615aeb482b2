"""A number marked PARTIAL in a profile (the provider's own text, seen only in a copy or on an
old page) is never called "real": the warning says "Call TalkTalk", not "Call TalkTalk on its
real number", and asks the person to check the number against their bill. Staff see the flag
under each number in ``scamguard provider show``."""

from __future__ import annotations

import dataclasses

import pytest
import shiboken6
from PySide6.QtWidgets import QLabel

from guard.providers.model import ProfileSet
from tests.conftest import run_cli
from tests.test_warning import _day_after_the_numbers_were_checked
from ui.warning.preview import sample_incident
from ui.warning.text import Caught, build
from ui.warning.window import WarningWindow

TODAY = _day_after_the_numbers_were_checked()
TOOL = [Caught("AnyDesk", "remote-desktop", True)]


def leading(profiles: ProfileSet, profile_id: str):
    provider = profiles.get(profile_id)
    assert provider is not None
    return provider, profiles.generic_for(provider.country)


def test_talktalks_partial_number_is_not_called_real(profiles: ProfileSet) -> None:
    provider, generic = leading(profiles, "talktalk")
    assert provider.numbers_for("provider")[0].status == "partial"  # the premise
    text = build(TOOL, provider, generic, TODAY)
    assert text.call_title == "Call TalkTalk"
    assert text.provider_numbers[0].partial
    assert text.checked.startswith("Check 0345 172 0088 against your bill before you call.")


def test_a_verified_number_is_still_called_real(profiles: ProfileSet) -> None:
    provider, generic = leading(profiles, "ee")
    assert provider.numbers_for("provider")[0].status == "verified"
    text = build(TOOL, provider, generic, TODAY)
    assert text.call_title == "Call EE on its real number"
    assert not text.provider_numbers[0].partial
    assert "against your bill before you call" not in text.checked


@pytest.mark.parametrize("status", ["verified", "partial"])
def test_only_the_status_changes_the_wording(profiles: ProfileSet, status: str) -> None:
    """The same profile with its first number's status flipped: the flag alone decides."""
    provider, generic = leading(profiles, "ee")
    first, *rest = provider.numbers
    flipped = dataclasses.replace(
        provider, numbers=(dataclasses.replace(first, status=status), *rest)
    )
    text = build(TOOL, flipped, generic, TODAY)
    assert ("real" in text.call_title) is (status == "verified")


def test_no_shipped_profile_calls_a_partial_number_real(profiles: ProfileSet) -> None:
    for provider in profiles.profiles.values():
        generic = profiles.generic_for(provider.country)
        text = build(TOOL, provider, generic, TODAY)
        if text.provider_numbers and text.provider_numbers[0].partial:
            assert "real" not in text.call_title.casefold(), provider.id


def test_the_warning_window_shows_no_real_for_talktalk(qtbot, profiles, shipped) -> None:
    """What the person reads: no label in the real window says "real number"."""
    provider, generic = leading(profiles, "talktalk")
    anydesk = next(t for t in shipped.tools if t.id == "anydesk")
    window = WarningWindow(provider, generic, 30, TODAY)
    window.show_incidents([sample_incident(anydesk, "linux")])
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    try:
        said = " ".join(label.text() for label in window.findChildren(QLabel))
        assert "Call TalkTalk" in said and "0345 172 0088" in said
        assert "real number" not in said
        assert "against your bill before you call" in said
    finally:
        if shiboken6.isValid(window):
            window.dismiss()


def test_provider_show_flags_each_number(tmp_path) -> None:
    """Staff see VERIFIED or PARTIAL under each number, and what PARTIAL does."""
    result = run_cli("provider", "show", "talktalk")
    assert result.returncode == 0, result.stderr
    blocks = result.stdout.split("Numbers:", 1)[1].split("\n  TalkTalk")[1:]
    assert len(blocks) == 2
    for block in blocks:
        assert "Status: PARTIAL" in block
        assert "the warning does not call it real" in block
    verified = run_cli("provider", "show", "ee")
    assert verified.returncode == 0, verified.stderr
    assert (
        "Status: VERIFIED" in verified.stdout
        and "PARTIAL" not in verified.stdout.split("Numbers:", 1)[1]
    )
