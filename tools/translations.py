"""ScamGuard's translations: extract the strings, list what is left to translate, compile.

Every language is one file, ``ui/translations/scamguard_<locale>.ts`` (Qt's XML format), the
only thing a translator edits. The ``.qm`` that ScamGuard loads (ui/i18n.py) is compiled from
it and never committed: a committed binary can silently disagree with its ``.ts``. It is
built by ``make translations`` (which ``make run``, ``make test`` and ``make previews`` depend
on) and by the PyInstaller spec itself, into the build folder, so a package always carries
what the ``.ts`` says (docs/translations.md)::

    python tools/translations.py update           # new English strings into every .ts
    python tools/translations.py update cy_GB     # start a new language
    python tools/translations.py todo             # what is left to translate (exit 1 if any)
    python tools/translations.py build            # every .ts -> .qm beside it
    python tools/translations.py build --out DIR  # ... into DIR instead

The Qt programs are the ones inside the installed PySide6 wheel (``pyside6-lupdate`` and
``pyside6-lrelease`` are thin wrappers around them), so this works in any environment that
can run ScamGuard's tests, including the PyInstaller build.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI = ROOT / "ui"
TRANSLATIONS = UI / "translations"
PREFIX = "scamguard_"
LOCALE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
# {name} fields of str.format; "{{" is a literal brace, not a field.
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)?\}(?!\})")


class ToolMissing(RuntimeError):
    """Qt's lupdate or lrelease is not in this environment's PySide6."""


def qt_tool(name: str) -> Path:
    """``lupdate`` or ``lrelease`` from the PySide6 wheel this Python imports."""
    try:
        import PySide6  # noqa: PLC0415 - only the commands that run a Qt tool need it
    except ImportError as exc:
        raise ToolMissing(f"PySide6 is not installed for {sys.executable}") from exc
    folder = Path(PySide6.__file__).resolve().parent
    for candidate in (folder / name, folder / f"{name}.exe"):
        if candidate.is_file():
            return candidate
    raise ToolMissing(f"{name} is not in {folder} (PySide6's Linguist tools)")


def sources(ui: Path = UI) -> list[Path]:
    """Every Python file of the user interface, in a stable order."""
    return sorted(p for p in ui.rglob("*.py") if "__pycache__" not in p.parts)


def ts_files(directory: Path = TRANSLATIONS) -> list[Path]:
    return sorted(directory.glob(f"{PREFIX}*.ts"))


def locale_of(ts: Path) -> str:
    return ts.stem.removeprefix(PREFIX)


@dataclass(frozen=True)
class Entry:
    """One message of a .ts file: its English source and the translation, if finished."""

    source: str
    translation: str
    unfinished: bool
    obsolete: bool


def entries(ts: Path) -> list[Entry]:
    """The messages of a .ts file. Plural forms (``numerus``) are joined with a newline, so
    every form is checked; obsolete/vanished messages are kept out of the app by lrelease
    and reported here only so a check can skip them."""
    found = []
    for message in ET.parse(ts).getroot().iter("message"):  # noqa: S314 - our own file
        translation = message.find("translation")
        kind = "" if translation is None else translation.get("type", "")
        forms = [] if translation is None else translation.findall("numerusform")
        text = "\n".join(f.text or "" for f in forms) if forms else (
            "" if translation is None else translation.text or ""
        )  # fmt: skip
        found.append(
            Entry(
                source=message.findtext("source") or "",
                translation=text,
                unfinished=kind == "unfinished",
                obsolete=kind in ("obsolete", "vanished"),
            )
        )
    return found


def placeholders(text: str) -> list[str]:
    """The ``{fields}`` of a string, sorted, with repeats (a translation may reorder them)."""
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text))


def untranslated(ts: Path) -> list[str]:
    """Sources still waiting for a translation (unfinished or empty), in file order."""
    return [e.source for e in entries(ts) if not e.obsolete and (e.unfinished or not e.translation)]


def update(ts: Path, ui: Path = UI) -> None:
    """Merge the strings of ui/ into ``ts`` (created if new). Existing translations stay; a
    changed English string becomes unfinished (with the old translation as a suggestion);
    strings no longer in the code are dropped. Locations are relative line numbers, so an
    edit elsewhere in a file does not rewrite every entry below it."""
    args = [str(qt_tool("lupdate")), "-locations", "relative", "-no-obsolete", "-silent"]
    subprocess.run([*args, *map(str, sources(ui)), "-ts", str(ts)], check=True, capture_output=True)


def build(ts: Path, qm: Path) -> Path:
    """Compile one .ts into ``qm``; unfinished entries are left out (English shows)."""
    qm.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [str(qt_tool("lrelease")), "-silent", str(ts), "-qm", str(qm)],
        check=False,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 or not qm.is_file():
        raise RuntimeError(f"lrelease failed for {ts.name}: {result.stderr.strip()}")
    return qm


def build_all(out: Path | None = None, directory: Path = TRANSLATIONS) -> list[Path]:
    """Every ``scamguard_*.ts`` compiled, beside itself or into ``out``."""
    return [build(ts, (out or ts.parent) / f"{ts.stem}.qm") for ts in ts_files(directory)]


def _todo(files: list[Path]) -> int:
    missing = 0
    for ts in files:
        left = untranslated(ts)
        missing += len(left)
        print(f"{ts.relative_to(ROOT)}: {len(left)} to translate")
        for source in left:
            print(f"    {source}")
    return 1 if missing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("update", help="merge ui/'s strings into the .ts files")
    up.add_argument("locales", nargs="*", help="only these (a new one is created), e.g. cy_GB")
    commands.add_parser("todo", help="list the strings left to translate")
    out = commands.add_parser("build", help="compile every .ts into a .qm")
    out.add_argument("--out", type=Path, help="folder for the .qm files (default: beside)")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            for qm in build_all(args.out):
                print(f"built {qm}")
            return 0
        if args.command == "update":
            bad = [loc for loc in args.locales if not LOCALE.match(loc)]
            if bad:
                parser.error(f"not a locale like fr_CA: {', '.join(bad)}")
            files = [TRANSLATIONS / f"{PREFIX}{loc}.ts" for loc in args.locales] or ts_files()
            for ts in files:
                update(ts)
            _todo(files)  # what the update left to translate; not an error yet
            return 0
        return _todo(ts_files())
    except (ToolMissing, RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"translations: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
