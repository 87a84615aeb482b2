"""The settings window's "Provider" tab: whose real phone numbers the warning shows.

Installed by a provider (``machine_config.provider_id``), the choice is theirs and the list is
locked: a caller cannot talk anyone into swapping the numbers for their own.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QLocale, Signal
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from guard import clock
from guard.providers.active import active_profile
from guard.providers.model import ContactNumber, Profile, ProfileSet
from guard.state import changes, machine_config, settings
from ui import style, widgets
from ui.i18n import tr
from ui.windows import common
from ui.windows.settings.saving import Saving, fill


def country_name(code: str) -> str:
    territory = QLocale.codeToTerritory(code)
    if territory == QLocale.Country.AnyTerritory:
        return code
    return QLocale.territoryToString(territory)


def profile_label(profile: Profile) -> str:
    """What the provider list shows: "BT (United Kingdom)", "No provider: UK fraud
    helplines"."""
    if profile.generic:
        return tr("No provider: {name}").format(name=profile.name)
    return tr("{name} ({country})").format(name=profile.name, country=country_name(profile.country))


class ProviderTab(QScrollArea):
    """``provider_combo`` (item data = profile id), saved as soon as it is chosen, then
    ``changed("provider")``; the chosen provider's numbers below it, with ``stale_labels``
    on those checked more than a year before ``today``."""

    changed = Signal(str)

    def __init__(self, profiles: ProfileSet, saving: Saving, today: dt.date | None = None):
        super().__init__()
        self.profiles = profiles
        self.saving = saving
        self.today = today
        self._loading = False
        title = widgets.heading(tr("Your broadband or phone provider"))
        intro = widgets.label(
            tr(
                "When ScamGuard stops a remote-access program, its warning shows this "
                "provider's real phone numbers. Choose the company you pay for your broadband "
                "or phone line."
            )
        )
        self.provider_combo = widgets.combo(
            tr("Provider"),
            tr(
                "The company whose real phone numbers the warning shows. Saved as soon as "
                "you choose."
            ),
        )
        for profile in self.profiles.sorted():
            self.provider_combo.addItem(profile_label(profile), profile.id)
        self.provider_combo.currentIndexChanged.connect(self._provider_chosen)
        self.provider_note = widgets.label(accessible=tr("About the provider choice"))
        self.numbers_title = widgets.label(tr("The numbers the warning will show:"), bold=True)
        self.numbers_box = QWidget()
        self.numbers_layout = QVBoxLayout(self.numbers_box)
        self.numbers_layout.setContentsMargins(0, 0, 0, 0)
        self.numbers_layout.setSpacing(14)
        self.stale_labels: list[QWidget] = []
        fill(
            self, title, intro, self.provider_combo, self.provider_note, self.numbers_title,
            self.numbers_box,
        )  # fmt: skip

    # --- showing --------------------------------------------------------------------------

    def active_profile(self, current: settings.Settings | None = None) -> tuple[Profile, str]:
        current = current or settings.load()
        return active_profile(self.profiles, current.provider)

    def show_saved(self, current: settings.Settings) -> None:
        try:
            profile, warning = self.active_profile(current)
        except LookupError:
            self.provider_combo.setEnabled(False)
            widgets.set_text(
                self.provider_note,
                tr(
                    "No provider details could be loaded. The warning will still stop the "
                    "program, but without phone numbers."
                ),
            )
            self._show_numbers(None)
            return
        self._loading = True
        try:
            self.provider_combo.setCurrentIndex(self.provider_combo.findData(profile.id))
        finally:
            self._loading = False
        installed = machine_config.provider_id()
        self.provider_combo.setEnabled(not installed)
        if installed and not warning:
            note = tr(
                "{name} set this up for you, so the warning always shows their real phone "
                "numbers. You do not need to change anything here. If you move to a different "
                "broadband company, ask them or someone you trust to change it. If someone on "
                "the phone asks you to change it, that is a scam: hang up."
            ).format(name=profile.name)
        elif warning:
            note = tr(
                "The provider you chose is not available any more; the warning uses "
                "{name} instead. Choose again to fix this."
            ).format(name=profile.name)
        elif not current.provider:
            note = tr("Not chosen yet: the warning uses the helplines for your country.")
        else:
            note = ""
        widgets.set_text(self.provider_note, note)
        self._show_numbers(profile)

    def _show_numbers(self, profile: Profile | None) -> None:
        while self.numbers_layout.count():
            item = self.numbers_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.stale_labels = []
        self.numbers_title.setVisible(bool(profile and profile.numbers))
        if profile is None:
            return
        today = self.today or clock.today()
        for number in profile.numbers:
            self.numbers_layout.addWidget(self._number_widget(number, today))

    def _number_widget(self, number: ContactNumber, today: dt.date) -> QWidget:
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        col.addWidget(widgets.label(number.label, style.BODY_PT))
        col.addWidget(
            widgets.label(
                number.number,
                style.SMALL_NUMBER_PT,
                bold=True,
                accessible=" ".join(number.number),  # read digit by digit
            )
        )
        details = [number.hours] if number.hours else []
        details.append(tr("checked {date}").format(date=common.long_date(number.verified)))
        col.addWidget(widgets.label(" · ".join(details), style.NOTE_PT))
        if number.is_stale(today):
            stale = widgets.caution(
                tr(
                    "Checked more than a year ago: this number may have changed. An update "
                    "of ScamGuard will check it again."
                )
            )
            stale.setFont(style.font(style.NOTE_PT))
            self.stale_labels.append(stale)
            col.addWidget(stale)
        style.name(box, tr("{label}: {number}").format(label=number.label, number=number.number))
        return box

    # --- choosing -------------------------------------------------------------------------

    def _provider_chosen(self, index: int) -> None:
        if self._loading or index < 0:
            return
        profile_id = self.provider_combo.itemData(index)
        profile = self.profiles.get(profile_id)
        name = profile.name if profile is not None else profile_id
        if not self.saving.change(
            lambda report: changes.set_provider(profile_id, name, report=report),
            self.provider_note,
        ):
            return
        self.show_saved(settings.load())
        self.changed.emit("provider")
