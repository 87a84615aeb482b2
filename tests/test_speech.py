"""The warning heard, not only seen: what is said, how each system would say it, and that a
missing or failing voice never touches the warning.

The words are composed from the shipped profiles. The Linux speech programs run for real:
espeak-ng itself when it is installed (writing a WAV, since there is no sound card here), and
stand-in programs on a PATH of our own that record what they were given, to check the
arguments, the words on standard input, the order (sound, then words) and stopping. Windows
and macOS are checked through the platform adapter with their tools faked.
"""

from __future__ import annotations

import base64
import dataclasses
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject, QTranslator

from guard.engine.incidents import DecisionError, IncidentView
from guard.platform import alert_sound
from guard.platform import speech as platform_speech
from guard.platform.speech import SAPI_SCRIPT, Speaker, macos_voice, normal_language
from guard.state import changes
from guard.state.events import EventKind, GuardEvent
from tests.helpers import not_on_windows, wait_for
from ui.i18n import install_translator
from ui.warning import alerts
from ui.warning import text as warning_text
from ui.warning.alerts import AlertController
from ui.warning.preview import sample_incident
from ui.warning.speech import (
    AfterFirstPaint,
    WarningVoice,
    speech_language,
    spoken_number,
    words,
)
from ui.warning.text import Caught

ANYDESK = [Caught("AnyDesk", "remote-desktop", True)]
POSIX_ONLY = not_on_windows("stand-in speech programs are POSIX shell scripts")


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _warning(profiles, provider_id: str, banking: bool = False):
    provider = profiles.get(provider_id)
    text = warning_text.build(
        ANYDESK, provider, profiles.generic_for(provider.country), banking=banking
    )
    return text, provider


# --- what is said ---


def test_the_headline_then_the_providers_first_number_digit_by_digit(profiles):
    text, talktalk = _warning(profiles, "talktalk")
    first = talktalk.numbers_for("provider")[0].number
    said = words(text, talktalk)
    assert said.startswith(text.headline + " ")
    assert f"Call {talktalk.name} on " in said
    assert "from a different phone" in said
    # Every digit of the profile's first number, in order, each one on its own...
    assert _digits(said) == _digits(first)
    spoken = spoken_number(first)
    assert spoken in said
    assert all(len(token) == 1 for token in spoken.replace(",", " ").split())
    # ...in the groups the profile prints, with a pause (a comma) between them.
    assert spoken.count(",") == len(first.split()) - 1


def test_without_a_provider_the_bank_line_the_warning_shows_first_is_said(profiles):
    text, generic = _warning(profiles, "generic-uk")
    bank = generic.numbers_for("bank")[0]
    said = words(text, generic)
    assert said.startswith("Hang up. ")
    assert f"{text.call_title}: {spoken_number(bank.number)}" in said
    assert _digits(said) == _digits(bank.number)


def test_the_banking_warning_says_the_bank_line_even_with_a_provider(profiles):
    text, talktalk = _warning(profiles, "talktalk", banking=True)
    bank = profiles.get("generic-uk").numbers_for("bank")[0]
    said = words(text, talktalk)
    assert _digits(said) == _digits(bank.number)
    assert talktalk.name not in said


def test_a_country_with_only_a_reporting_line_says_that_line_as_the_window_heads_it(profiles):
    """The first number the window shows is said, whichever list it is in, under the
    heading the window gives it ("Call a fraud helpline")."""
    text, canada = _warning(profiles, "generic-ca")
    line = canada.numbers[0]
    said = words(text, canada)
    assert f"{text.call_title}: {spoken_number(line.number)}, from a different phone." in said


def test_long_runs_are_split_and_a_plus_is_said():
    assert spoken_number("+12 3456789") == "plus 1 2, 3 4 5, 6 7 8 9"
    assert spoken_number("1234") == "1 2 3 4"
    assert spoken_number("(01) 2-3") == "0 1, 2, 3"


def _french(tmp_path: Path) -> Path:
    """A real French-Canadian translation of the spoken words, made with Qt's lrelease."""
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    if not lrelease.exists():
        pytest.skip("pyside6-lrelease is not installed beside this Python")
    pairs = {
        "Hang up.": "Raccrochez.",
        "Call {who} on {number}, from a different phone.": (
            "Appelez {who} au {number}, d'un autre téléphone."
        ),
        "plus": "plus",
    }
    messages = "".join(
        f"<message><source>{s}</source><translation>{t}</translation></message>"
        for s, t in pairs.items()
    )
    ts = tmp_path / "scamguard_fr_CA.ts"
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" '
        f'language="fr_CA"><context><name></name>{messages}</context></TS>',
        encoding="utf-8",
    )
    folder = tmp_path / "qm"
    folder.mkdir()
    subprocess.run(
        [str(lrelease), str(ts), "-qm", str(folder / "scamguard_fr_CA.qm")],
        check=True,
        capture_output=True,
    )
    return folder


def test_a_translation_changes_the_words_and_the_voice_follows_its_language(
    qapp, tmp_path, profiles
):
    folder = _french(tmp_path)
    assert speech_language(qapp) == "en"
    installed = install_translator(qapp, QLocale("fr_CA"), folder)
    try:
        assert installed is not None
        text, talktalk = _warning(profiles, "talktalk")
        said = words(text, talktalk)
        assert said.startswith("Raccrochez. Appelez TalkTalk au ")
        assert _digits(said) == _digits(talktalk.numbers_for("provider")[0].number)
        assert speech_language(qapp) == "fr_CA"
    finally:
        for translator in qapp.findChildren(QTranslator):
            QCoreApplication.removeTranslator(translator)
            translator.setParent(None)
    assert speech_language(qapp) == "en"


# --- how each system would say it (the adapter's decisions) ---


def test_windows_reads_the_words_from_standard_input_never_the_command_line():
    powershell = r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"
    said = "Raccrochez. Appelez TalkTalk au 0 3 4 5; $(Remove-Item C:\\) `whoami`"
    [step] = platform_speech.plan(
        said, "fr_CA", system="win32", which=lambda _n: powershell, exists=lambda _p: False
    )
    assert step.argv[:4] == (powershell, "-NoProfile", "-NonInteractive", "-EncodedCommand")
    assert base64.b64decode(step.argv[4]).decode("utf-16-le") == SAPI_SCRIPT
    assert not any("Raccrochez" in part or "TalkTalk" in part for part in step.argv)
    assert step.stdin == b"fr-CA\n" + said.encode("utf-8")
    assert step.hidden
    # Windows PowerShell (System.Speech), culture then words, UTF-8: the script's contract.
    assert "System.Speech" in SAPI_SCRIPT and "UTF8" in SAPI_SCRIPT
    nothing = platform_speech.plan(
        said, "fr", system="win32", which=lambda _n: None, exists=lambda _p: False
    )
    assert nothing == []


LISTING = """\
Alex                en_US    # Most people recognize me by my voice.
Amélie              fr_CA    # Bonjour, je m'appelle Amélie.
Eddy (French (France)) fr_FR    # Bonjour, je m'appelle Eddy.
Thomas              fr_FR    # Bonjour, je m'appelle Thomas.
Anna                de_DE    # Hallo, ich heiße Anna.
"""


def test_macos_asks_say_for_a_voice_of_the_language_and_falls_back_to_the_default():
    asked: list[tuple[str, ...]] = []

    def query(argv):
        asked.append(tuple(argv))
        return LISTING

    def plan(language: str):
        return platform_speech.plan(
            "Hang up.", language, system="darwin", which=lambda _n: "/usr/bin/say", query=query
        )

    first, default = plan("fr_CA")
    assert asked == [("/usr/bin/say", "-v", "?")]
    assert first.argv[:3] == ("/usr/bin/say", "-v", "Amélie") and first.stdin == b"Hang up."
    assert default.argv[0] == "/usr/bin/say" and "-v" not in default.argv
    assert plan("fr_FR")[0].argv[2] == "Eddy (French (France))"  # a name with brackets
    assert plan("de_AT")[0].argv[2] == "Anna"  # no Austrian voice: one of the same language
    assert [s.argv[1] for s in plan("pt_BR")] == ["-r"]  # no Portuguese voice: the default
    asked.clear()
    assert len(plan("en")) == 1 and asked == []  # English: the person's own default voice
    assert macos_voice("garbage\n\n", "fr_CA") is None


def test_linux_prefers_speech_dispatcher_then_espeak_ng_with_the_language_then_without():
    tools = {"spd-say": "/usr/bin/spd-say", "espeak-ng": "/usr/bin/espeak-ng"}
    steps = platform_speech.plan("Raccrochez.", "fr_CA", system="linux", which=tools.get)
    assert [s.what for s in steps] == ["spd-say", "espeak-ng (fr-ca)", "espeak-ng"]
    spd, espeak_fr, espeak = steps
    assert spd.argv[:4] == ("/usr/bin/spd-say", "-w", "-l", "fr")
    assert spd.argv[-2:] == ("--", "Raccrochez.") and spd.stop == ("/usr/bin/spd-say", "-S")
    assert espeak_fr.argv[-3:] == ("-v", "fr-ca", "--stdin")
    assert espeak_fr.stdin == b"Raccrochez."
    assert "-v" not in espeak.argv
    english = platform_speech.plan("Hang up.", "en", system="linux", which=tools.get)
    assert [s.what for s in english] == ["spd-say", "espeak-ng"]


def test_a_language_tag_is_checked_before_it_reaches_a_program():
    assert normal_language("fr_CA") == "fr-CA"
    assert normal_language("FR") == "fr"
    assert normal_language("fr_CA; rm -rf /") == "en"
    assert normal_language("") == "en"


def test_each_system_has_its_own_warning_sound():
    beep = alert_sound.plan("win32")
    assert isinstance(beep, alert_sound.Call) and beep.what == "MessageBeep"
    mac = alert_sound.plan("darwin", which=lambda n: f"/usr/bin/{n}", exists=lambda _p: True)
    assert mac == alert_sound.Command(("/usr/bin/afplay", str(alert_sound.MACOS_SOUNDS[0])))
    assert alert_sound.plan("darwin", which=lambda _n: None) is None
    tools = {"canberra-gtk-play": "/usr/bin/canberra-gtk-play", "paplay": "/usr/bin/paplay"}
    canberra = alert_sound.plan("linux", which=tools.get)
    assert isinstance(canberra, alert_sound.Command)
    assert canberra.argv[:3] == ("/usr/bin/canberra-gtk-play", "-i", "dialog-warning")
    only_pa = {"paplay": "/usr/bin/paplay"}.get
    oga = alert_sound.FREEDESKTOP_WARNING[0]
    assert alert_sound.plan("linux", which=only_pa, exists=lambda p: p == oga) == (
        alert_sound.Command(("/usr/bin/paplay", str(oga)))
    )
    assert alert_sound.plan("linux", which=only_pa, exists=lambda _p: False) is None


# --- saying it, for real ---


class Rig:
    """A folder of stand-in programs, each recording its name, arguments and standard input
    to its own log (one line per run), then doing what the test asked."""

    def __init__(self, root: Path):
        self.bin = root / "bin"
        self.bin.mkdir()
        self.logs = root / "logs"
        self.logs.mkdir()

    def program(self, name: str, then: str = "exit 0") -> None:
        path = self.bin / name
        log = self.logs / name
        path.write_text(
            "#!/bin/sh\n"
            f'printf "%s|%s|%s\\n" "$$" "$*" "$(cat)" >> "{log}"\n'
            f'printf "%s\\n" "{name}" >> "{self.logs / "order"}"\n'
            f"{then}\n",
            encoding="utf-8",
        )
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)

    def runs(self, name: str) -> list[tuple[int, str, str]]:
        log = self.logs / name
        if not log.exists():
            return []
        lines = log.read_text(encoding="utf-8").splitlines()
        return [(int(pid), args, stdin) for pid, args, stdin in (ln.split("|", 2) for ln in lines)]

    def order(self) -> list[str]:
        order = self.logs / "order"
        return order.read_text(encoding="utf-8").split() if order.exists() else []

    def which(self, name: str) -> str | None:
        return shutil.which(name, path=str(self.bin))

    def speaker(self, report=None, sound: bool = False) -> Speaker:
        def plan(said: str, language: str):
            return platform_speech.plan(said, language, system="linux", which=self.which)

        def sound_plan():
            return alert_sound.plan("linux", which=self.which) if sound else None

        return Speaker(report, plan=plan, sound=sound_plan)


@pytest.fixture
def rig(tmp_path: Path) -> Rig:
    return Rig(tmp_path)


@POSIX_ONLY
def test_the_words_go_to_espeak_ng_on_its_standard_input_in_the_language(rig):
    rig.program("espeak-ng")
    speaker = rig.speaker()
    started = time.monotonic()
    speaker.speak("Raccrochez. Appelez TalkTalk.", "fr_CA")
    assert time.monotonic() - started < 0.5  # the caller's thread never waits for speech
    assert speaker.wait(10)
    [(_pid, args, stdin)] = rig.runs("espeak-ng")
    assert args == "-s 150 -v fr-ca --stdin"
    assert stdin == "Raccrochez. Appelez TalkTalk."
    assert speaker.said == ["espeak-ng (fr-ca)"]


@POSIX_ONLY
def test_the_sound_plays_first_then_the_words(rig):
    rig.program("canberra-gtk-play")
    rig.program("espeak-ng")
    speaker = rig.speaker(sound=True)
    speaker.speak("Hang up.")
    assert speaker.wait(10)
    assert rig.order() == ["canberra-gtk-play", "espeak-ng"]
    assert rig.runs("canberra-gtk-play")[0][1].startswith("-i dialog-warning")


@POSIX_ONLY
def test_no_speech_program_at_all_is_one_quiet_line(rig):
    lines: list[str] = []
    speaker = rig.speaker(lines.append)
    for _ in range(2):
        speaker.speak("Hang up.")
        assert speaker.wait(10)
    assert speaker.said == ["", ""]
    assert len(lines) == 1 and "no speech program was found" in lines[0]


@POSIX_ONLY
def test_a_failing_voice_falls_back_and_all_failing_is_one_quiet_line(rig):
    rig.program("spd-say", "echo 'cannot connect to speech-dispatcher' >&2; exit 1")
    rig.program("espeak-ng", "exit 0")
    speaker = rig.speaker()
    speaker.speak("Hang up.")
    assert speaker.wait(10)
    assert speaker.said == ["espeak-ng"]  # spd-say failed; espeak-ng said it

    rig.program("espeak-ng", "exit 1")  # now every voice fails
    lines: list[str] = []
    speaker = rig.speaker(lines.append)
    for _ in range(2):
        speaker.speak("Raccrochez.", "fr_CA")
        assert speaker.wait(10)
    assert speaker.said == ["", ""]
    [line] = lines
    assert "spd-say: exit 1, cannot connect to speech-dispatcher" in line
    assert "espeak-ng (fr-ca): exit 1" in line


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@POSIX_ONLY
def test_a_new_warning_stops_the_voice_before_and_stop_silences_it(rig):
    rig.program("spd-say", 'case "$*" in -S) exit 0;; esac; exec sleep 30')
    speaker = rig.speaker()
    speaker.speak("first")
    [(first, _args, _in)] = wait_for(lambda: rig.runs("spd-say"), message="the first voice")
    speaker.speak("second")
    wait_for(lambda: not _alive(first), message="the first voice ended")
    wait_for(lambda: len(rig.runs("spd-say")) == 3, message="the second voice, and a stop")
    runs = rig.runs("spd-say")
    assert [args for _pid, args, _in in runs].count("-S") == 1  # the daemon told to stop
    [second] = [pid for pid, args, _in in runs if args.endswith("-- second")]
    assert _alive(second)
    speaker.stop()
    assert speaker.wait(5)
    wait_for(lambda: not _alive(second), message="the second voice ended")
    assert speaker.said == []  # neither finished: nothing claims it was said


@POSIX_ONLY
def test_a_voice_that_hangs_is_ended_and_told(rig):
    rig.program("espeak-ng", "exec sleep 30")
    lines: list[str] = []
    speaker = Speaker(
        lines.append,
        plan=lambda said, lang: platform_speech.plan(said, lang, system="linux", which=rig.which),
        sound=lambda: None,
        timeout=0.5,
    )
    speaker.speak("Hang up.")
    assert speaker.wait(10)
    [(pid, _a, _i)] = rig.runs("espeak-ng")
    assert not _alive(pid)
    assert lines == [
        "the warning could not be read aloud (espeak-ng: still going after 0.5 s, ended)"
    ]


def _real_espeak(name: str) -> str | None:
    return shutil.which("espeak-ng") if name == "espeak-ng" else None


@POSIX_ONLY
@pytest.mark.parametrize("language", ["en", "fr_CA"])
def test_real_espeak_ng_says_the_warning_in_its_language(tmp_path, profiles, language):
    """The arguments the speaker gives espeak-ng, run by the real espeak-ng into a WAV (no
    sound card here), and the speaker running it for real without hanging."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (tests/debian-packages.txt; make test installs it)")
    text, talktalk = _warning(profiles, "talktalk")
    said = words(text, talktalk)
    steps = platform_speech.plan(said, language, system="linux", which=_real_espeak)
    first = steps[0]
    assert ("-v" in first.argv) == (language != "en")
    wav = tmp_path / "said.wav"
    argv = [*first.argv[:-1], "-w", str(wav), first.argv[-1]]
    subprocess.run(argv, input=first.stdin, check=True, capture_output=True, timeout=30)
    data = wav.read_bytes()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    assert len(data) > 16_000  # seconds of speech, not an empty file

    speaker = Speaker(
        plan=lambda s, lang: platform_speech.plan(s, lang, system="linux", which=_real_espeak),
        sound=lambda: None,
    )
    speaker.speak(said, language)
    assert speaker.wait(30)
    assert speaker.said == [first.what]


@POSIX_ONLY
def test_a_voice_espeak_ng_does_not_have_falls_back_to_its_default(tmp_path):
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (tests/debian-packages.txt; make test installs it)")
    lines: list[str] = []
    speaker = Speaker(
        lines.append,
        plan=lambda s, lang: platform_speech.plan(s, lang, system="linux", which=_real_espeak),
        sound=lambda: None,
    )
    speaker.speak("Hang up.", "zz")
    assert speaker.wait(30)
    assert speaker.said == ["espeak-ng"] and lines == []


# --- the warning speaks once, when it first opens ---


class Waiting:
    """The engine as the warning sees it (the Decisions protocol): incidents waiting."""

    def __init__(self, views: list[IncidentView]):
        self.views = {v.id: v for v in views}
        self.problems: list[str] = []

    def incidents(self, pending_only: bool = False) -> list[IncidentView]:
        return list(self.views.values())

    def incident(self, incident_id: str) -> IncidentView:
        if incident_id not in self.views:
            raise DecisionError(incident_id)
        return self.views[incident_id]

    def block(self, incident_id: str) -> IncidentView:
        return self.views.pop(incident_id)

    def allow(self, incident_id: str, scope, via: str = "") -> IncidentView:
        return self.views.pop(incident_id)

    def problem(self, message: str) -> None:
        self.problems.append(message)


@pytest.fixture
def controller(qtbot, rig, profiles, shipped):
    rig.program("espeak-ng")
    anydesk = next(t for t in shipped.tools if t.id == "anydesk")
    engine = Waiting([sample_incident(anydesk, "linux")])
    beeps: list[int] = []
    voice = WarningVoice(
        speaker=rig.speaker(engine.problem), beep=lambda: beeps.append(1), sound=lambda: None
    )
    talktalk = profiles.get("talktalk")
    made = AlertController(engine, lambda: (talktalk, profiles.generic_for("GB")), voice=voice)
    made.beeps = beeps  # type: ignore[attr-defined]
    yield made
    made.shutdown()


def _event(view: IncidentView) -> GuardEvent:
    return GuardEvent(EventKind.DETECTED, "detected", incident=view.id)


def _read_aloud(qtbot, controller, action) -> str:
    """Do ``action`` and wait for the warning to be read aloud (its words; "" when off)."""
    with qtbot.waitSignal(controller.read_aloud, timeout=10_000) as said:
        action()
    assert controller.voice.speaker.wait(10)
    return said.args[0]


class Painted(QObject):
    def __init__(self, log: list[str]):
        super().__init__()
        self.log = log

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and "painted" not in self.log:
            self.log.append("painted")
        return False


@POSIX_ONLY
def test_the_warning_is_read_aloud_once_after_it_is_first_painted(qtbot, controller, rig, profiles):
    log: list[str] = []
    painted = Painted(log)
    controller.warning_shown.connect(lambda window: window.installEventFilter(painted))
    controller.read_aloud.connect(lambda _words: log.append("read aloud"))
    said = _read_aloud(qtbot, controller, controller.show_pending)
    assert log == ["painted", "read aloud"]  # the warning is on screen first
    window = controller.window
    [(_pid, _args, stdin)] = rig.runs("espeak-ng")
    talktalk = profiles.get("talktalk")
    assert stdin == said == words(window.text(), talktalk)
    assert _digits(stdin) == _digits(talktalk.numbers_for("provider")[0].number)
    assert controller.beeps == [1]  # no platform sound here: Qt's beep stands in
    qtbot.waitUntil(lambda: not window.findChildren(AfterFirstPaint))  # nothing more to come

    # Refreshed by the engine, brought forward by the tray, another tool joining: not again.
    [view] = controller.engine.incidents()
    controller.on_event(_event(view), view)
    controller.show_pending()
    second = dataclasses.replace(view, id="second")
    controller.engine.views[second.id] = second
    controller.on_event(_event(second), second)
    assert set(controller.window.pending_ids) == {view.id, second.id}
    assert not window.findChildren(AfterFirstPaint)
    # Destroyed from outside and built again for the same tools: heard already.
    window.deleteLater()
    qtbot.waitUntil(
        lambda: (
            controller.window is not None
            and shiboken6.isValid(controller.window)
            and controller.window is not window
        )
    )
    assert not controller.window.findChildren(AfterFirstPaint)  # nothing waits to be said
    assert len(rig.runs("espeak-ng")) == 1 and log.count("read aloud") == 1


@POSIX_ONLY
def test_closing_the_warning_silences_it_and_the_next_warning_is_heard(
    qtbot, controller, rig, shipped
):
    rig.program("espeak-ng", "exec sleep 30")
    controller.show_pending()
    qtbot.waitUntil(lambda: bool(rig.runs("espeak-ng")))  # the voice has started
    [(pid, _a, first_words)] = rig.runs("espeak-ng")
    controller.engine.views.clear()
    controller.window.dismiss()
    qtbot.waitUntil(lambda: controller.window is None)
    wait_for(lambda: not _alive(pid), message="the voice silenced")

    rig.program("espeak-ng")
    # The same tool started again by the caller (the engine reopens its incident): heard.
    again = sample_incident(next(t for t in shipped.tools if t.id == "anydesk"), "linux")
    controller.engine.views[again.id] = again
    _read_aloud(qtbot, controller, lambda: controller.on_event(_event(again), again))
    assert [stdin for _p, _a, stdin in rig.runs("espeak-ng")] == [first_words, first_words]
    controller.engine.views.clear()
    controller.window.dismiss()
    qtbot.waitUntil(lambda: controller.window is None)

    teamviewer = next(t for t in shipped.tools if t.id == "teamviewer")
    later = dataclasses.replace(sample_incident(teamviewer, "linux"), id="later")
    controller.engine.views[later.id] = later
    said = _read_aloud(qtbot, controller, lambda: controller.on_event(_event(later), later))
    assert len(rig.runs("espeak-ng")) == 3 and rig.runs("espeak-ng")[2][2] == said
    assert "TeamViewer" not in said  # the headline and the number only


@POSIX_ONLY
def test_with_speaking_turned_off_nothing_is_heard_not_even_the_beep(qtbot, controller, rig):
    changes.set_speak(False, report=lambda _line: None)
    assert _read_aloud(qtbot, controller, controller.show_pending) == ""
    assert rig.runs("espeak-ng") == [] and controller.beeps == []
    assert controller.window.isVisible()


@POSIX_ONLY
def test_no_voice_leaves_the_warning_up_and_says_so_once_in_the_journal(qtbot, controller, rig):
    (rig.bin / "espeak-ng").unlink()
    assert _read_aloud(qtbot, controller, controller.show_pending)
    assert controller.window.isVisible() and controller.fallback is None
    [line] = controller.engine.problems
    assert "could not be read aloud" in line


@POSIX_ONLY
def test_a_warning_closed_before_its_first_paint_is_not_read_aloud(qtbot, controller, rig):
    assert controller.show_pending()
    window = controller.window
    controller.engine.views.clear()
    window.dismiss()  # before the event loop ran: never painted
    qtbot.waitUntil(lambda: not shiboken6.isValid(window))
    assert controller.voice.speaker.wait(10)
    assert rig.runs("espeak-ng") == []


def _broken_warning(*_args: object, **_kwargs: object) -> None:
    raise KeyError("tools")  # as a translation with a wrong placeholder would


@POSIX_ONLY
def test_the_plain_warning_that_stands_in_is_read_aloud_too(qtbot, controller, rig, monkeypatch):
    monkeypatch.setattr(alerts, "WarningWindow", _broken_warning)
    said = _read_aloud(qtbot, controller, controller.show_pending)
    fallback = controller.fallback
    assert fallback is not None and fallback.isVisible()
    assert said == fallback.spoken() and said.startswith("Hang up. ScamGuard caught a program")
    assert [stdin for _p, _a, stdin in rig.runs("espeak-ng")] == [said]
    assert controller.beeps == [1]
    # Shown again for the same tool (the person has not decided): not said again.
    controller.show_pending()
    assert controller.voice.speaker.wait(10) and len(rig.runs("espeak-ng")) == 1


@POSIX_ONLY
def test_the_plain_warning_is_silent_when_speaking_is_turned_off(
    qtbot, controller, rig, monkeypatch
):
    changes.set_speak(False, report=lambda _line: None)
    monkeypatch.setattr(alerts, "WarningWindow", _broken_warning)
    assert _read_aloud(qtbot, controller, controller.show_pending) == ""
    assert controller.fallback is not None and controller.fallback.isVisible()
    assert rig.runs("espeak-ng") == [] and controller.beeps == []
