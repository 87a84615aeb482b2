"""The operating system's own warning sound, played before the warning is read aloud.

A person who looked away from the screen (to the phone, to the caller's instructions) must
hear that something happened. Each system already ships a warning sound and a way to play it,
so nothing new is installed and no audio library is loaded into the tray: Windows'
``MessageBeep`` (the stdlib's ``winsound``), macOS's ``afplay`` with a system sound, and on
Linux the desktop's own sound theme through ``canberra-gtk-play`` or PulseAudio's ``paplay``.
When none is there, ``plan`` says so (None) and the window beeps through Qt instead
(ui/warning/speech.py), which never needs a program.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# macOS system sounds, most alarming first; the first that exists is played.
MACOS_SOUNDS = (
    Path("/System/Library/Sounds/Sosumi.aiff"),
    Path("/System/Library/Sounds/Basso.aiff"),
    Path("/System/Library/Sounds/Funk.aiff"),
)
# The freedesktop sound theme's warning, which desktops install with their sound theme.
FREEDESKTOP_WARNING = (
    Path("/usr/share/sounds/freedesktop/stereo/dialog-warning.oga"),
    Path("/usr/share/sounds/freedesktop/stereo/bell.oga"),
)
# A sound that has not finished in this long is ended: a sound server that hangs must not
# hold back the words.
SOUND_TIMEOUT = 5.0


@dataclass(frozen=True)
class Command:
    """A program that plays the sound, run without a shell; it has ended when it exits."""

    argv: tuple[str, ...]


@dataclass(frozen=True)
class Call:
    """A function that plays the sound in this process (Windows' ``MessageBeep``, which
    returns at once and plays on its own)."""

    play: Callable[[], object]
    what: str


Sound = Command | Call


def _message_beep() -> None:
    if sys.platform == "win32":  # (the check tells the type checker winsound is there)
        import winsound  # noqa: PLC0415 - Windows only

        winsound.MessageBeep(winsound.MB_ICONEXCLAMATION)


def plan(
    system: str = sys.platform,
    which: Callable[[str], str | None] = shutil.which,
    exists: Callable[[Path], bool] = Path.exists,
) -> Sound | None:
    """How to play the warning sound here, or None when this computer has no way (then the
    caller beeps through Qt). Only looks: nothing is played or started."""
    if system == "win32":
        return Call(_message_beep, "MessageBeep")
    if system == "darwin":
        afplay = which("afplay")
        sound = next((s for s in MACOS_SOUNDS if exists(s)), None)
        if afplay and sound is not None:
            return Command((afplay, str(sound)))
        return None
    canberra = which("canberra-gtk-play")
    if canberra:
        # The desktop's sound theme picks the file; the description is what a sound
        # server shows in its list of what is playing.
        return Command((canberra, "-i", "dialog-warning", "-d", "ScamGuard warning"))
    paplay = which("paplay")
    sound = next((s for s in FREEDESKTOP_WARNING if exists(s)), None)
    if paplay and sound is not None:
        return Command((paplay, str(sound)))
    return None
