"""The tray's resident memory with the warning read aloud, and that speaking never delays it.

Each trial is a fresh process (memory is only comparable between fresh processes), in one of
three kinds, interleaved so a noisy machine affects them alike:

- ``import``: everything the warning needs (Qt widgets, the warning window, the guard) is
  imported, then the speech modules (guard/platform/speech.py, alert_sound.py,
  ui/warning/speech.py): resident memory before and after that import;
- ``on`` / ``off``: the real tray (``ui.app.TrayApp``, offscreen, its guard confined to a
  temp folder as in benchmarks/tray.py) with the setting "read the warning aloud" on or
  off; a copy of /bin/sleep named ``anydesk`` is started, frozen and warned about, a few
  times: resident memory idle and after the warnings, and frozen → painted per warning.
  With it on, the platform's voice really runs (espeak-ng here, if installed; with no sound
  card it writes to nothing and exits): the voice is its own process, not counted in the
  tray's memory, and its name is printed.

Run: ``python benchmarks/tray_speech.py [--trials N] [--warnings K]``. This machine has 2
noisy shared cores: read medians and spreads, and the load printed with them.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import PySide6
from PySide6.QtWidgets import QApplication
from qt_wait import FirstPaint, pump

ROOT = Path(__file__).resolve().parent.parent
SPEECH_MODULES = ("guard.platform.alert_sound", "guard.platform.speech", "ui.warning.speech")


def mb(n: float) -> float:
    return n / (1024 * 1024)


def spread(values: list[float], unit: str = "") -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return (
        f"median {statistics.median(values):7.1f}{unit}  p95 {p95:7.1f}  "
        f"min {values[0]:7.1f}  max {values[-1]:7.1f}  (n={len(values)})"
    )


def child_import() -> dict:
    # What the warning needs, speech apart (the window, the engine), then speech alone.
    for module in ("ui.warning.window", "guard.engine.engine"):
        importlib.import_module(module)
    assert not any(m in sys.modules for m in SPEECH_MODULES), "speech came in early"
    app = QApplication(sys.argv[:1])
    me = psutil.Process()
    before = me.memory_info().rss
    for module in SPEECH_MODULES:
        importlib.import_module(module)
    after = me.memory_info().rss
    app.processEvents()
    return {"before": before, "after": after}


def child_tray(speak: bool, warnings: int) -> dict:
    # Loaded only in this kind of trial: the import trial must not have them.
    from guard.live import GuardOptions  # noqa: PLC0415
    from guard.state import changes  # noqa: PLC0415
    from ui.app import AppOptions, TrayApp  # noqa: PLC0415

    changes.set_speak(speak, report=lambda _line: None)
    app = QApplication(sys.argv[:1])
    work = Path(tempfile.mkdtemp(prefix="scamguard-bench-"))
    bin_dir = work / "bin"
    bin_dir.mkdir()
    tool = bin_dir / "anydesk"
    shutil.copy("/bin/sleep", tool)
    me = psutil.Process()
    tray = TrayApp(
        AppOptions(
            guard=GuardOptions(default_folders=False, only_under=bin_dir),
            use_tray=False,
            welcome=False,
        )
    )
    tray.start()
    pump(app, lambda: tray.running, 60)
    settle = time.monotonic() + 1
    pump(app, lambda: time.monotonic() >= settle, 20)
    idle = me.memory_info().rss
    frozen_at: dict[str, float] = {}
    tray.guard.engine.add_listener(
        lambda event, _view: (
            frozen_at.setdefault(event.incident, event.time)
            if event.kind == "frozen" and event.incident
            else None
        )
    )
    to_paint: list[float] = []
    announce_ms: list[float] = []
    voice = tray.alerts.voice
    announce = voice.announce

    def timed(*args, **kwargs):  # what reading aloud costs the GUI thread, per warning
        started = time.perf_counter()
        try:
            return announce(*args, **kwargs)
        finally:
            announce_ms.append((time.perf_counter() - started) * 1000)

    voice.announce = timed  # type: ignore[method-assign]
    for _ in range(warnings):
        painter = FirstPaint()
        proc = subprocess.Popen([str(tool), "60"])
        pump(app, lambda: tray.alerts is not None and tray.alerts.window is not None, 20)
        window = tray.alerts.window
        window.installEventFilter(painter)
        incident = window.pending_ids[0]
        pump(app, lambda p=painter, i=incident: p.at is not None and i in frozen_at, 20)
        to_paint.append((painter.at - frozen_at.pop(incident)) * 1000)
        # Let the voice finish (as it would while the person reads) before the next one.
        speaker = tray.alerts.voice.speaker
        pump(app, lambda s=speaker: not s.speaking, 60)
        proc.kill()
        proc.wait()
        pump(app, lambda w=window: w.done_button.isVisible(), 20)
        window.done_button.click()
        pump(app, lambda: tray.alerts.window is None, 20)
    after = me.memory_info().rss
    said = list(tray.alerts.voice.speaker.said)
    tray.stop("benchmark finished")
    shutil.rmtree(work, ignore_errors=True)
    return {
        "idle": idle,
        "after": after,
        "to_paint": to_paint,
        "announce": announce_ms,
        "said": said,
    }


def run_child(kind: str, warnings: int) -> dict:
    home = tempfile.mkdtemp(prefix="scamguard-bench-home-")
    env = {**os.environ, "SCAMGUARD_HOME": home, "QT_QPA_PLATFORM": "offscreen"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--child", kind, "--warnings", str(warnings)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=6)
    parser.add_argument("--warnings", type=int, default=5)
    parser.add_argument("--child", choices=["import", "on", "off"])
    args = parser.parse_args()
    if args.child == "import":
        print(json.dumps(child_import()))
        return 0
    if args.child:
        print(json.dumps(child_tray(args.child == "on", args.warnings)))
        return 0

    load_before = os.getloadavg()
    results: dict[str, list[dict]] = {"import": [], "on": [], "off": []}
    for _ in range(args.trials):
        for kind, rows in results.items():
            rows.append(run_child(kind, args.warnings))
    load_after = os.getloadavg()

    print(
        f"# tray speech benchmark: {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, PySide6 {PySide6.__version__}, QPA offscreen; "
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after; "
        f"memory available {mb(psutil.virtual_memory().available) / 1024:.1f} GB"
    )
    voices = {v for r in results["on"] for v in r["said"]}
    print(f"# voice used with speaking on: {', '.join(sorted(voices)) or '(none)'}")
    imports = results["import"]
    print(f"RSS before importing speech (MB):  {spread([mb(r['before']) for r in imports])}")
    print(f"RSS after importing speech (MB):   {spread([mb(r['after']) for r in imports])}")
    print(
        "  import cost (MB):                "
        f"{spread([mb(r['after'] - r['before']) for r in imports])}"
    )
    for kind in ("off", "on"):
        rows = results[kind]
        label = f"speaking {kind}"
        print(f"tray idle, {label:12} (MB):  {spread([mb(r['idle']) for r in rows])}")
        print(
            f"tray after {args.warnings} warnings, {label} (MB): "
            f"{spread([mb(r['after']) for r in rows])}"
        )
        print(f"frozen → painted, {label} (ms): {spread([t for r in rows for t in r['to_paint']])}")
    hook = [t for r in results["on"] for t in r["announce"]]
    print(f"GUI-thread time of the speech hook, speaking on (ms): {spread(hook)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
