"""The shipped UK banking data against real-looking window titles: each bank's log-in page
matches in Firefox, Chrome and Edge form; ordinary titles carrying a bank's name do not."""

from __future__ import annotations

import pytest

from guard import clock
from guard.banking.loader import builtin_banking_dir, check_banking
from guard.banking.matcher import BankingMatcher
from guard.banking.model import Bank

# Each bank's log-in or account page title, as the site's own title forms go.
LOGIN_PAGES: dict[str, tuple[str, ...]] = {
    "barclays": ("Log in to Online Banking | Barclays", "Barclays Online Banking"),
    "hsbc-uk": ("Log on to Online Banking | HSBC UK", "HSBC UK - Online Banking"),
    "lloyds": ("Lloyds Bank - Internet Banking - Log on", "Log on | Lloyds Bank"),
    "halifax": ("Halifax - Welcome to Online Banking", "Halifax Online Banking | Log on"),
    "bank-of-scotland": ("Bank of Scotland - Internet Banking", "Log on - Bank of Scotland"),
    "natwest": ("NatWest Online Banking - Log in", "Log in to Online Banking | NatWest"),
    "rbs": ("Royal Bank of Scotland Digital Banking", "Log in | RBS"),
    "santander-uk": ("Santander Online Banking", "Log on to Online Banking | Santander UK"),
    "nationwide": ("Nationwide Internet Bank", "Log in to the Internet Bank | Nationwide"),
    "tsb": ("TSB Internet Banking - Log on", "Log on to Internet Banking | TSB"),
    "metro-bank": ("Metro Bank Online Banking", "Log in - Metro Bank"),
    "monzo": ("Log in to Monzo", "Log in | Monzo"),
    "starling": ("Log in | Starling Bank", "Sign in to Starling"),
    "first-direct": ("first direct Online Banking", "Log on to Online Banking | first direct"),
    "co-operative-bank": (
        "The Co-operative Bank - Online Banking",
        "Log in | The Co-operative Bank",
    ),
    "virgin-money": ("Virgin Money Internet Banking", "Log in | Virgin Money"),
    "chase-uk": ("Log in | Chase UK", "Sign in - Chase"),
    "revolut": ("Revolut - Log in", "Log in to Revolut"),
    "paypal": ("Log in to your PayPal account", "PayPal: Log in"),
    "wise": ("Log in | Wise", "Wise - Log in"),
}

BROWSER_FORMS = (
    "{} — Mozilla Firefox",
    "{} — Mozilla Firefox Private Browsing",
    "{} - Google Chrome",
    "{} - Microsoft Edge",
    "{} and 3 more pages - Personal - Microsoft Edge",
    "{}",  # an app window (a site installed as an app) has no browser name
    "(1) {} - Google Chrome",
)

# Ordinary titles a person sees while a family member helps them, many naming a bank.
ORDINARY = (
    "Halifax weather - BBC Weather — Mozilla Firefox",
    "Halifax weather - BBC",
    "Santander Cup final: Celtic v Rangers - BBC Sport - Google Chrome",
    "Santander Cup final",
    "Barclays Premier League",
    "Barclays Premier League table - Microsoft Edge",
    "Barclays Women's Super League results — Mozilla Firefox",
    "HSBC Championship leaderboard - Google Chrome",
    "Lloyds Bank branch closures near me - Google Chrome",
    "Halifax online banking down? Current problems and outages | Downdetector - Google Chrome",
    "Barclays online banking not working - Reddit — Mozilla Firefox",
    "How to log in to Barclays online banking - YouTube - Google Chrome",
    "Which bank has the best online banking? - Which? - Microsoft Edge",
    "Nationwide Building Society - Wikipedia — Mozilla Firefox",
    "PayPal - Wikipedia - Microsoft Edge",
    "eBay: checkout - pay with PayPal - Google Chrome",
    "Monzo review: is it a safe bank? - Which? — Mozilla Firefox",
    "Revolut - Apps on Google Play - Google Chrome",
    "Wise words: a poetry anthology - Google Docs - Google Chrome",
    "Chase UK review - MoneySavingExpert - Google Chrome",
    "First Direct Arena Leeds - What's on - Google Chrome",
    "Virgin Money Giving - London Marathon - Microsoft Edge",
    "TSB customers unable to log in - BBC News - Microsoft Edge",
    "Log in to Facebook — Mozilla Firefox",
    "Sign in - Google Accounts - Google Chrome",
    "Sign in to Outlook - Microsoft Edge",
    "Inbox (3) - me@barclays.co.uk - Gmail — Mozilla Firefox",
    "barclays.co.uk is down? - Downdetector - Google Chrome",
    "Terminal",
    "Document1 - Word",
    "Online banking scams: how to stay safe - Age UK - Microsoft Edge",
)


@pytest.fixture(scope="module")
def banks() -> dict[str, Bank]:
    found, problems = check_banking(builtin_banking_dir())
    assert problems == []
    return found.by_id()


@pytest.fixture(scope="module")
def matcher(banks: dict[str, Bank]) -> BankingMatcher:
    return BankingMatcher(banks.values())


def test_every_shipped_bank_has_real_looking_titles_here(banks: dict[str, Bank]) -> None:
    assert set(LOGIN_PAGES) == set(banks)


@pytest.mark.parametrize("bank_id", sorted(LOGIN_PAGES))
def test_each_bank_matches_its_login_page_in_every_browser(
    matcher: BankingMatcher, bank_id: str
) -> None:
    for page in LOGIN_PAGES[bank_id]:
        for form in BROWSER_FORMS:
            title = form.format(page)
            hit = matcher.match(title)
            assert hit is not None and hit.id == bank_id, title


@pytest.mark.parametrize("title", ORDINARY)
def test_ordinary_titles_are_no_bank(matcher: BankingMatcher, title: str) -> None:
    assert matcher.match(title, "firefox") is None


def test_an_address_shown_as_the_title_matches_its_bank(matcher: BankingMatcher) -> None:
    cases = {
        "bank.barclays.co.uk/olb/authlogin/loginAppContainer.do - Google Chrome": "barclays",
        "https://online.lloydsbank.co.uk/personal/logon/login.jsp — Mozilla Firefox": "lloyds",
        "www.halifax-online.co.uk - Microsoft Edge": "halifax",
        "app.monzo.com": "monzo",
    }
    for title, bank_id in cases.items():
        hit = matcher.match(title)
        assert hit is not None and hit.id == bank_id, title
    for title in (
        "notbarclays.co.uk - Google Chrome",
        "barclays.co.uk.evil.example - Google Chrome",
    ):
        assert matcher.match(title) is None, title


def test_case_dashes_and_spacing_do_not_matter(matcher: BankingMatcher) -> None:
    hit = matcher.match("LOG IN TO  ONLINE BANKING  |  BARCLAYS – Google Chrome")
    assert hit is not None and hit.id == "barclays"


def test_a_huge_title_is_cut_not_matched_forever(matcher: BankingMatcher) -> None:
    assert matcher.match("Barclays " + "*a" * 200_000 + " - Google Chrome") is None
    assert matcher.match("") is None


def test_apps_match_by_program_name() -> None:
    bank = Bank(
        id="examplebank", name="Example Bank", country="GB", domains=(), titles=(),
        apps=("ExampleBank.exe",), sources=("test",), reviewed=clock.today(),
    )  # fmt: skip
    matcher = BankingMatcher([bank])
    assert matcher.match("Anything", "C:\\Program Files\\Example\\examplebank.EXE") is bank
    assert matcher.match("Anything", "/opt/example/examplebank") is bank
    assert matcher.match("Anything", "firefox") is None
