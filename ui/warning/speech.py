"""What the warning says aloud, and saying it without holding up the window.

When the warning first appears, the person may be looking at the phone the caller is on,
not the screen. They hear the warning sound, then the warning's own headline and the number
to call: the same ``WarningText`` the window shows (ui/warning/text.py), so what is heard is
what is read, and the number comes only from the profile. Digits are read one by one in the
groups the profile prints them in ("0 3 4 5, 1 7 2, 0 0 8 8"): a speech engine given
"03451720088" says "three billion...", which nobody can dial.

The words go through ``tr``, and the voice follows the language of the installed translation
(English when none is), so a French warning is read in French by a French voice where the
system has one. The speaking itself is the platform's (guard/platform/speech.py), on a
thread of its own: the freeze and the window never wait for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QWidget

from guard.platform import alert_sound
from guard.platform.speech import Speaker
from guard.providers.model import Profile
from guard.state import settings
from ui.i18n import tr
from ui.warning.text import NumberLine, WarningText

LONGEST_GROUP = 4  # digits read in one breath; a longer run is split in threes
# A window that is never painted (hidden at once, say) is still read aloud after this long.
UNPAINTED_MS = 500


def spoken_number(number: str) -> str:
    """A number as it should be heard: each digit on its own, a pause between the groups
    the profile prints ("0345 172 0088" -> "0 3 4 5, 1 7 2, 0 0 8 8"), "plus" for "+"."""
    groups: list[str] = []
    for printed in re.split(r"[\s\-./()]+", number.strip()):
        if not printed:
            continue
        prefix = [tr("plus")] if printed.startswith("+") else []
        characters = [c for c in printed if c.isalnum()]
        for chunk in _chunks(characters):
            groups.append(" ".join([*prefix, *chunk]))
            prefix = []
        if prefix:
            groups.append(prefix[0])
    return ", ".join(groups)  # a comma is a pause to every speech engine


def _chunks(characters: list[str]) -> list[list[str]]:
    """Runs longer than LONGEST_GROUP split in threes, never leaving one digit alone."""
    if len(characters) <= LONGEST_GROUP:
        return [characters] if characters else []
    chunks = [characters[i : i + 3] for i in range(0, len(characters), 3)]
    if len(chunks[-1]) == 1:
        chunks[-2:] = [chunks[-2] + chunks[-1]]
    return chunks


def first_number(text: WarningText) -> NumberLine | None:
    """The first number the warning shows: the one under "Call ..." (the provider's own;
    the bank's line when no provider is chosen, or in the banking warning), else the first
    of the others (a country whose only line is for reporting fraud)."""
    return next(iter((*text.provider_numbers, *text.other_numbers)), None)


def words(text: WarningText, provider: Profile) -> str:
    """The headline, then who to call on which number, from a different phone."""
    line = first_number(text)
    if line is None:
        return text.headline
    number = spoken_number(line.number)
    if line not in text.provider_numbers:  # only a line for reporting fraud: named by its label
        who = line.label
    elif any(n.number == line.number for n in provider.numbers_for("provider")):
        who = provider.name
    else:  # "Call your bank's fraud team", as the window's heading says it
        return "{headline} {call}".format(
            headline=text.headline,
            call=tr("{call_title}: {number}, from a different phone.").format(
                call_title=text.call_title, number=number
            ),
        )
    call = tr("Call {who} on {number}, from a different phone.").format(who=who, number=number)
    return f"{text.headline} {call}"


def speech_language(app: QCoreApplication | None = None) -> str:
    """The language of the installed ScamGuard translation ("fr_CA"), "en" when none is:
    the words are in that language, so the voice must be too. ``install_translator`` makes
    the translator a child of the application, which is how it is found here."""
    app = app or QCoreApplication.instance()
    if app is None:
        return "en"
    for translator in app.findChildren(QTranslator):
        name = Path(translator.filePath()).stem
        if not name.startswith("scamguard_"):
            continue  # Qt's own translations, if any
        return translator.language() or name.removeprefix("scamguard_") or "en"
    return "en"


def _wanted() -> bool:
    """The person's setting, as it is now (the settings window may have just changed it)."""
    return settings.load().speak


class WarningVoice:
    """Reads a warning aloud when it first opens, if the person wants that.

    ``speaker`` is the platform's; ``wanted`` reads the setting; ``beep`` stands in for the
    platform's warning sound where it has none (``QApplication.beep``).
    """

    def __init__(
        self,
        report: Callable[[str], None] | None = None,
        speaker: Speaker | None = None,
        wanted: Callable[[], bool] = _wanted,
        beep: Callable[[], None] = QApplication.beep,
        sound: Callable[[], alert_sound.Sound | None] = alert_sound.plan,
    ):
        self.speaker = speaker or Speaker(report, sound=sound)
        self._wanted = wanted
        self._beep = beep
        self._sound = sound

    def announce(self, text: WarningText, provider: Profile) -> str:
        """Sound, then words, started on the speaker's thread; returns the words ("" when
        the person turned speaking off). Only the beep, when needed, happens here."""
        return self.say(words(text, provider))

    def say(self, spoken: str) -> str:
        """Sound, then ``spoken`` (the plain warning that stands in when the real one cannot
        be built says its own words); "" when the person turned speaking off."""
        if not self._wanted():
            return ""
        has_sound = self._sound() is not None
        if not has_sound:
            self._beep()
        self.speaker.speak(spoken, speech_language(), sound=has_sound)
        return spoken

    def stop(self) -> None:
        self.speaker.stop()


class AfterFirstPaint(QObject):
    """Runs ``then`` once, just after ``window`` is first painted (or UNPAINTED_MS after it
    was shown, if it never is), so reading the warning aloud never comes before the warning
    itself is on screen, nor takes a moment from its first paint. A child of the window: a
    window gone before that takes it along, and nothing runs."""

    def __init__(self, window: QWidget, then: Callable[[], object]):
        super().__init__(window)
        self._then = then
        self._done = False
        window.installEventFilter(self)
        QTimer.singleShot(UNPAINTED_MS, self, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            QTimer.singleShot(0, self, self._run)  # after the paint has reached the screen
        return False

    def _run(self) -> None:
        if self._done:
            return
        self._done = True
        parent = self.parent()
        if parent is not None:
            parent.removeEventFilter(self)
        self.deleteLater()
        self._then()
