"""How window titles and title patterns are put in one form before they are compared.

Browsers and sites write the same title with different dashes and spacing ("Log in –
Barclays — Mozilla Firefox"); folding those once here lets one pattern cover every browser.
"""

from __future__ import annotations

from guard.sigdb.names import fold_lookalikes

# Titles longer than this are cut before matching: the work per title stays bounded, and no
# bank's own page title is anywhere near it (the browser's name comes last, and is cut first).
MAX_TITLE = 255

_DASHES = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\uff0d", "-")
)

# Ways a site names its web banking, or the step of getting in. A title pattern must hold one
# of these, so "Barclays*" (which would also match "Barclays Premier League") cannot ship.
# fmt: off
BANKING_WORDS: tuple[str, ...] = (
    "online banking", "internet banking", "mobile banking", "digital banking", "web banking",
    "internet bank", "online bank", "log in", "log on", "login", "logon", "log-in", "log-on",
    "sign in", "signin", "sign-in", "sign on", "my accounts", "your accounts",
    "account summary", "secure login",
)
# fmt: on


def normalize_title(text: str) -> str:
    """Case-folded, look-alike letters and invisible characters folded, every dash a plain
    '-', runs of white space one space, and at most MAX_TITLE characters."""
    folded = fold_lookalikes(text).translate(_DASHES).casefold()
    return " ".join(folded.split())[:MAX_TITLE]


def strip_leading_count(title: str) -> str:
    """``(3) Inbox``: the unread count some sites put first is not part of the name."""
    if title.startswith("("):
        end = title.find(") ", 1, 8)
        if end > 1 and title[1:end].isdigit():
            return title[end + 2 :]
    return title


# A window title's last " - " part names the browser ("google chrome", "mozilla firefox
# private browsing"); Edge may put the profile before it ("- personal - microsoft edge") and
# "and 2 more pages" before that. ``page_title`` takes these off, so a pattern describes the
# page's own title, the same in every browser and in an app window (which has no suffix).
BROWSER_WORDS: tuple[str, ...] = (
    "firefox", "chrome", "chromium", "edge", "brave", "opera", "vivaldi", "safari", "browser",
)  # fmt: skip
PROFILE_WORDS: tuple[str, ...] = ("personal", "work", "inprivate", "profile", "person", "guest")
MAX_SUFFIX = 48  # a browser's name with its flavour ("mozilla firefox private browsing")


def _drop_last_part(title: str, words: tuple[str, ...]) -> str:
    head, sep, last = title.rpartition(" - ")
    if sep and head and len(last) <= MAX_SUFFIX and any(w in last for w in words):
        return head
    return title


def _drop_more_pages(title: str) -> str:
    """``bank and 2 more pages``: how Edge names a window of several tabs."""
    head, sep, tail = title.rpartition(" and ")
    count, _, rest = tail.partition(" ")
    if sep and head and count.isdigit() and rest in ("more page", "more pages"):
        return head
    return title


def page_title(title: str) -> str:
    """A normalized window title without the browser's decorations around the page's title."""
    page = _drop_last_part(title, BROWSER_WORDS)
    if page is not title:
        page = _drop_more_pages(_drop_last_part(page, PROFILE_WORDS))
    return page


def title_host(page: str) -> str:
    """The host when a page title is an address and nothing else (a browser shows the
    address while a page loads, or for a page with no title): ``bank.barclays.co.uk/olb/x``
    gives ``bank.barclays.co.uk``; anything else (``barclays.co.uk is down?``) gives ""."""
    if " " in page:
        return ""
    first = page
    for scheme in ("https://", "http://"):
        if first.startswith(scheme):
            first = first[len(scheme) :]
            break
    host = first.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "@" in host or "." not in host:
        return ""
    host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if not all(c.isalnum() or c in ".-" for c in host):
        return ""
    return host.strip(".")
