"""Is this foreground window a bank? Decided from its title and its program's name.

Three ways, in order, each bounded whatever the title holds:
1. the program is a bank's own desktop app (``apps``, by name);
2. the title is an address on a bank's domain (a browser shows the address while a page
   loads, or for a page with no title): ``bank.barclays.co.uk/olb/... - Google Chrome``;
3. a title pattern of the bank matches the page's whole title: the window title
   normalized (case, dashes, spaces), without the browser's name at its end or an unread
   count "(3) " at its start (``titles.page_title``): ``Log in*| Barclays``. Patterns are
   bucketed by their first three characters, so a title is tried against the few patterns
   that can start it, not all of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from guard.banking.model import Bank
from guard.banking.schema import title_glob
from guard.banking.titles import normalize_title, page_title, strip_leading_count, title_host
from guard.sigdb.globs import PREFIX_LEN, Glob, PatternError

MAX_PROCESS_NAME = 255


def app_key(process_name: str) -> str:
    """``C:\\...\\ExampleBank.EXE`` and ``examplebank`` are the same program."""
    base = process_name.replace("\\", "/").rsplit("/", 1)[-1].strip().casefold()
    return base.removesuffix(".exe")[:MAX_PROCESS_NAME]


class BankingMatcher:
    """Answers ``match(title, process_name)`` for a fixed set of banks; immutable, so one
    can be shared between threads and replaced whole when the data is reloaded."""

    def __init__(self, banks: Iterable[Bank]):
        self.banks = tuple(banks)
        self._apps: dict[str, Bank] = {}
        self._domains: dict[str, Bank] = {}
        self._by_prefix: dict[str, list[tuple[Glob, Bank]]] = defaultdict(list)
        for bank in self.banks:
            for app in bank.apps:
                self._apps.setdefault(app_key(app), bank)
            for domain in bank.domains:
                self._domains.setdefault(domain.casefold(), bank)
            for text in bank.titles:
                try:
                    glob = title_glob(text)
                except PatternError:  # the loader refuses these; a hand-built Bank may not
                    continue
                self._by_prefix[glob.prefix[:PREFIX_LEN]].append((glob, bank))

    def match(self, title: str, process_name: str = "") -> Bank | None:
        """The bank this window belongs to, or None."""
        if process_name and self._apps:
            bank = self._apps.get(app_key(process_name))
            if bank is not None:
                return bank
        text = page_title(strip_leading_count(normalize_title(title)))
        if not text:
            return None
        host = title_host(text)
        if host:
            bank = self._domain_bank(host)
            if bank is not None:
                return bank
        for glob, bank in self._by_prefix.get(text[:PREFIX_LEN], ()):
            if glob.matches(text):
                return bank
        return None

    def _domain_bank(self, host: str) -> Bank | None:
        """``bank.barclays.co.uk`` belongs to ``barclays.co.uk``: try the host and each
        parent (a handful of look-ups, however the host is spelled)."""
        labels = host.split(".")
        for i in range(len(labels) - 1):
            bank = self._domains.get(".".join(labels[i:]))
            if bank is not None:
                return bank
        return None
