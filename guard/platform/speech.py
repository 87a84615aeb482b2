"""Reading a few words aloud with the speech the operating system already has.

The warning is read aloud because the person may be looking at the phone, not the screen,
and because some of them read slowly. Every desktop system can already speak, so no speech
engine is bundled: Windows' own SAPI voices through Windows PowerShell's ``System.Speech``
(present on every Windows 10 and 11; no COM package in the tray, and a failure there is a
child process that exits, never a crash in ours), macOS's ``say``, and on Linux
speech-dispatcher's ``spd-say`` (the person's own voice settings), then ``espeak-ng``.

The words never pass through a shell or a command line that is parsed: they go to the
program on its standard input (``spd-say``, which cannot read it, gets them as one argument
of an argument list after ``--``). The PowerShell script is a fixed text of ours, passed
encoded, and reads the words and the language from standard input.

``Speaker`` runs the sound and the words on a thread of its own, one utterance at a time: a
new one stops the one before, ``stop`` ends it at once, and nothing here waits on the
caller's thread for a program that may hang without an audio device. A missing program, a
missing voice or one that fails is told to ``report`` in one line, once per speaker; it is
never raised.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from guard.platform import alert_sound

# Longer than any warning takes to read; a program still going then is stuck, and ended.
SPEECH_TIMEOUT = 30.0
QUERY_TIMEOUT = 5.0
STOP_WAIT = 2.0  # how long a new warning waits for the last voice's stop command
# A little slower than each system's default: the listeners are often older, and the
# number is what they must catch.
ESPEAK_WORDS_PER_MINUTE = "150"
SAY_WORDS_PER_MINUTE = "160"
SPD_RATE = "-20"  # -100..100, 0 being the person's own setting
SAPI_RATE = -1  # -10..10
# "en", "fr", "fr_CA", "pt-BR": a language tag we made ourselves, checked before use.
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})?$")

CREATE_NO_WINDOW = 0x08000000  # Windows: no console window flashes up over the warning

# Windows PowerShell 5.1 (not PowerShell 7, whose .NET has no System.Speech). It reads the
# culture on the first line of its input and the words after it, as UTF-8 bytes (the console
# code page would lose "é"). It keeps the person's default voice when it already speaks the
# language, else takes an installed voice of that culture, then of that language, else the
# default: a missing voice never stops the words.
SAPI_SCRIPT = rf"""
$ErrorActionPreference = 'Stop'
$buffer = New-Object System.IO.MemoryStream
[Console]::OpenStandardInput().CopyTo($buffer)
$culture, $words = [System.Text.Encoding]::UTF8.GetString($buffer.ToArray()) -split "`n", 2
$language = $culture.Split('-')[0]
Add-Type -AssemblyName System.Speech
$voice = New-Object System.Speech.Synthesis.SpeechSynthesizer
if ($voice.Voice.Culture.TwoLetterISOLanguageName -ne $language) {{
  $installed = @($voice.GetInstalledVoices() | Where-Object {{ $_.Enabled }})
  $match = $installed | Where-Object {{ $_.VoiceInfo.Culture.Name -eq $culture }} |
    Select-Object -First 1
  if (-not $match) {{
    $match = $installed |
      Where-Object {{ $_.VoiceInfo.Culture.TwoLetterISOLanguageName -eq $language }} |
      Select-Object -First 1
  }}
  if ($match) {{ try {{ $voice.SelectVoice($match.VoiceInfo.Name) }} catch {{ }} }}
}}
$voice.Rate = {SAPI_RATE}
$voice.Speak($words)
"""


@dataclass(frozen=True)
class Step:
    """One way to say the words: a program, its arguments, what goes to its standard input,
    and (for a program that hands the words to a daemon) how to stop the daemon speaking."""

    what: str  # "espeak-ng", for the report line
    argv: tuple[str, ...]
    stdin: bytes = b""
    stop: tuple[str, ...] = ()
    hidden: bool = False  # Windows: start it without a console window


Query = Callable[[Sequence[str]], str]


def _query(argv: Sequence[str]) -> str:
    """A program's standard output, or "" if it cannot be run or fails (a voice list)."""
    try:
        done = subprocess.run(
            list(argv), capture_output=True, timeout=QUERY_TIMEOUT, check=False, stdin=None
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else ""


def normal_language(language: str) -> str:
    """``fr_CA`` as a tag we trust ("fr-CA"), or "en" for anything unexpected."""
    language = language.strip()
    if not LANGUAGE.match(language):
        return "en"
    primary, _, region = language.replace("_", "-").partition("-")
    return f"{primary.lower()}-{region.upper()}" if region else primary.lower()


def macos_voice(listing: str, language: str) -> str | None:
    """The ``say`` voice for ``language`` from ``say -v ?``'s listing: that exact locale
    (fr_CA), else the same language (fr_FR); None when none speaks it. Lines look like
    ``Amélie              fr_CA    # Bonjour, je m'appelle Amélie.`` and names may hold
    spaces and brackets ("Eddy (French (Canada))")."""
    wanted = language.replace("-", "_")
    primary = wanted.split("_")[0].lower()
    same_language = None
    for line in listing.splitlines():
        found = re.match(r"^(?P<name>.+?)\s+(?P<locale>[a-z]{2,3}[_-][A-Za-z0-9]+)\s+#", line)
        if not found:
            continue
        locale = found["locale"].replace("-", "_")
        if locale.casefold() == wanted.casefold():
            return found["name"].strip()
        if same_language is None and locale.split("_")[0].lower() == primary:
            same_language = found["name"].strip()
    return same_language


def _windows_powershell(
    which: Callable[[str], str | None], exists: Callable[[Path], bool]
) -> str | None:
    """Windows' own PowerShell 5.1 by its full path (a ``powershell.exe`` planted earlier on
    PATH is not taken), else whatever PATH has."""
    root = os.environ.get("SYSTEMROOT") or os.environ.get("WINDIR") or r"C:\Windows"
    built_in = Path(root) / "System32" / "WindowsPowerShell" / "v1.0" / "powershell.exe"
    if exists(built_in):
        return str(built_in)
    return which("powershell")


def plan(
    words: str,
    language: str = "en",
    *,
    system: str = sys.platform,
    which: Callable[[str], str | None] = shutil.which,
    query: Query = _query,
    exists: Callable[[Path], bool] = Path.is_file,
) -> list[Step]:
    """The ways to say ``words`` here, best first: the first that exits 0 has said them.

    ``language`` is the warning's language ("fr_CA"); a voice for it is asked for where one
    exists, and each list ends with the system's default voice, so a missing voice only
    changes the accent. An empty list: this computer has no speech program.
    """
    tag = normal_language(language)
    primary = tag.split("-")[0]
    text = words.encode("utf-8")
    steps: list[Step] = []
    if system == "win32":
        powershell = _windows_powershell(which, exists)
        if powershell:
            script = base64.b64encode(SAPI_SCRIPT.encode("utf-16-le")).decode("ascii")
            argv = (powershell, "-NoProfile", "-NonInteractive", "-EncodedCommand", script)
            steps.append(Step("Windows speech", argv, f"{tag}\n".encode() + text, hidden=True))
        return steps
    if system == "darwin":
        say = which("say")
        if say:
            voice = None if primary == "en" else macos_voice(query((say, "-v", "?")), tag)
            rate = ("-r", SAY_WORDS_PER_MINUTE)
            if voice:
                steps.append(Step(f"say ({voice})", (say, "-v", voice, *rate), text))
            steps.append(Step("say", (say, *rate), text))
        return steps
    spd = which("spd-say")
    if spd:
        # Waits until the words are said (-w), so the next warning can interrupt them.
        spd_argv = (spd, "-w", "-l", primary, "-r", SPD_RATE, "--", words)
        steps.append(Step("spd-say", spd_argv, stop=(spd, "-S")))
    espeak = which("espeak-ng")
    if espeak:
        read = (espeak, "-s", ESPEAK_WORDS_PER_MINUTE)
        if primary != "en":  # an unknown voice makes espeak-ng exit 1: the default follows
            voice = tag.lower()
            steps.append(Step(f"espeak-ng ({voice})", (*read, "-v", voice, "--stdin"), text))
        steps.append(Step("espeak-ng", (*read, "--stdin"), text))
    return steps


class Speaker:
    """Plays the warning sound, then says the words, on its own thread, one at a time.

    ``plan`` and ``sound`` are the platform's (above, and ``alert_sound.plan``); tests pass
    ones made for another system to check what would run there.
    """

    def __init__(
        self,
        report: Callable[[str], None] | None = None,
        plan: Callable[[str, str], list[Step]] = plan,
        sound: Callable[[], alert_sound.Sound | None] = alert_sound.plan,
        timeout: float = SPEECH_TIMEOUT,
    ):
        self._report = report or (lambda _line: None)
        self._plan = plan
        self._sound = sound
        self._timeout = timeout
        self._lock = threading.Lock()
        self._turn = 0  # which utterance may run; stop() moves it on
        self._process: subprocess.Popen[bytes] | None = None
        self._stop_command: tuple[str, ...] = ()
        self._thread: threading.Thread | None = None
        self._stopper: threading.Thread | None = None  # the last "stop speaking" command
        self._told: set[str] = set()
        self.said: list[str] = []  # what each utterance was said with ("espeak-ng"), or ""

    def speak(self, words: str, language: str = "en", sound: bool = True) -> None:
        """Stop whatever is being said, then (sound first, if asked) say ``words``. Returns
        at once."""
        self.stop()
        with self._lock:
            turn = self._turn
            thread = threading.Thread(
                target=self._run, args=(turn, words, language, sound), name="speech", daemon=True
            )
            self._thread = thread
        thread.start()

    def stop(self) -> None:
        """Silence now: the sound or voice is ended, and nothing queued after it starts."""
        with self._lock:
            self._turn += 1
            process, self._process = self._process, None
            stop_command, self._stop_command = self._stop_command, ()
        if process is not None and process.poll() is None:
            with contextlib.suppress(OSError):
                process.kill()
        if stop_command:  # the daemon speaks on after its client has gone: tell it to stop
            stopper = threading.Thread(
                target=self._quietly, args=(stop_command,), name="speech-stop", daemon=True
            )
            self._stopper = stopper
            stopper.start()

    def wait(self, timeout: float) -> bool:
        """For tests and shutdown: True once the current utterance is over."""
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    @property
    def speaking(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    # --- on the speech thread ---

    def _run(self, turn: int, words: str, language: str, sound: bool) -> None:
        stopper = self._stopper
        if stopper is not None:  # the last voice's stop must land before this one speaks,
            stopper.join(STOP_WAIT)  # or it would silence this warning instead
        try:
            if sound and not self._play_sound(turn):
                return  # stopped during the sound
            self._say(turn, words, language)
        except Exception as exc:  # never out of this thread: the warning is what matters
            self._tell(f"reading the warning aloud failed ({exc!r})")

    def _play_sound(self, turn: int) -> bool:
        """Play the sound and wait for it to end (the words must not talk over it); False
        if stopped meanwhile. A sound that fails is told once, and the words still follow."""
        chosen = self._sound()
        if isinstance(chosen, alert_sound.Call):
            try:
                chosen.play()
            except Exception as exc:
                self._tell(f"the warning sound could not be played ({chosen.what}: {exc!r})")
        elif isinstance(chosen, alert_sound.Command):
            what = Path(chosen.argv[0]).name
            outcome = self._run_step(turn, Step(what, chosen.argv), alert_sound.SOUND_TIMEOUT)
            if outcome is None:
                return False
            if outcome:
                self._tell(f"the warning sound could not be played ({what}: {outcome})")
        return True

    def _say(self, turn: int, words: str, language: str) -> None:
        steps = self._plan(words, language)
        if not steps:
            self.said.append("")
            self._tell(
                "the warning could not be read aloud: no speech program was found "
                "(speech-dispatcher or espeak-ng on Linux)"
            )
            return
        failures = []
        for step in steps:
            outcome = self._run_step(turn, step, self._timeout)
            if outcome is None:
                return  # stopped: a newer warning or the window closing said so
            if outcome == "":
                self.said.append(step.what)
                return
            failures.append(f"{step.what}: {outcome}")
        self.said.append("")
        self._tell(f"the warning could not be read aloud ({'; '.join(failures)})")

    def _run_step(self, turn: int, step: Step, timeout: float) -> str | None:
        """ "" when the program said it (exit 0), why not otherwise, None when stopped."""
        hidden = step.hidden and sys.platform == "win32"
        with self._lock:
            if turn != self._turn:
                return None
            try:
                process = subprocess.Popen(
                    list(step.argv),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    creationflags=CREATE_NO_WINDOW if hidden else 0,
                )
            except OSError as exc:
                return f"could not start ({exc.strerror or exc})"
            self._process, self._stop_command = process, step.stop
        try:
            _out, err = process.communicate(step.stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            with self._lock:
                stopped = turn != self._turn
                if not stopped:  # ended here: nothing of it is left for stop() to end
                    self._process, self._stop_command = None, ()
            return None if stopped else f"still going after {timeout:g} s, ended"
        with self._lock:
            if turn != self._turn:
                return None
            self._process, self._stop_command = None, ()
        if process.returncode == 0:
            return ""
        last = (err or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        return f"exit {process.returncode}" + (f", {last[0][:120]}" if last[0] else "")

    def _tell(self, line: str) -> None:
        if line in self._told:
            return
        self._told.add(line)
        with contextlib.suppress(Exception):
            self._report(line)

    @staticmethod
    def _quietly(argv: tuple[str, ...]) -> None:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=QUERY_TIMEOUT,
                check=False,
            )
