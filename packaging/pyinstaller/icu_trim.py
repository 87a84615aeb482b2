"""ICU's data for the Linux tray build, cut to what Qt can ask of it (issue 15's size target).

PySide6's Linux wheel carries ICU, whose data library ``libicudata.so.73`` is 31 MiB: a
quarter of the tray build. The tray never reads any of it: run through every window by
``qt_usage.py`` with ``ICU_DATA`` pointing at an empty folder (ICU tries that folder for each
item before its built-in data) under ``strace``, it asks for no ICU item at all; Qt reads
ICU data only for collation (``QCollator``, locale-aware sorting), legacy text codecs and
ICU time-zone names, none of which ScamGuard uses. So the build keeps a safe core (about
3 MiB) and drops the rest:

- kept: the character properties and normalisation (``*.icu``, ``*.nrm``, ``*.spp``,
  ``*.cfu``), the supplemental data (``supplementalData.res``, ``zoneinfo64.res``,
  ``plurals.res``…), the root locale and the shared pool, and the locale and collation
  data of the languages ScamGuard can show (``KEEP_LANGUAGES``), with ``coll/ucadata.icu``;
- dropped: legacy code pages (``*.cnv``), line-break dictionaries (``brkitr/``), the
  translated names of units, currencies, languages, regions and zones, transliteration,
  spelled-out numbers, and every other language's locale and collation data.

A dropped locale falls back to the root locale, as ICU does for any locale it lacks.

How: ``objcopy`` takes the data (the library's ``.rodata``: one symbol, ``icudt73_dat``)
out of the wheel's library, ``icupkg`` removes the items, ``genccode`` turns the smaller
package back into assembly with the same symbol, and ``gcc`` builds it under the same
soname. The tools come from Debian's ``icu-devtools``, ``binutils`` and ``gcc``; without
them (or on any failure) the build keeps the full library and says why in one line.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

# English everywhere; French for Canada, Welsh and Irish for the UK and Ireland (issue 17).
KEEP_LANGUAGES = ("en", "fr", "cy", "ga")
DROPPED_FOLDERS = ("brkitr", "curr", "lang", "rbnf", "region", "translit", "unit", "zone")
LOCALE_ITEM = re.compile(r"^(?:coll/)?([a-z]{2,3})(?:_[A-Za-z0-9]*)*\.res$")
TOOLS = ("objcopy", "icupkg", "genccode", "gcc")


class TrimError(Exception):
    """Why the full ICU data library is kept (one line)."""


def dropped(item: str) -> bool:
    """Whether the build leaves out this package item (``coll/fr.res``, ``ibm-37.cnv``…)."""
    if item.endswith(".cnv"):
        return True
    folder = item.split("/", 1)[0] if "/" in item else ""
    if folder in DROPPED_FOLDERS:
        return True
    locale = LOCALE_ITEM.match(item)
    return bool(locale) and locale.group(1) not in KEEP_LANGUAGES


def _run(*argv: str, cwd: Path) -> str:
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        reason = (result.stderr or result.stdout).strip().splitlines()
        raise TrimError(f"{argv[0]} failed: {reason[-1] if reason else result.returncode}")
    return result.stdout


def _entry_name(library: Path, work: Path) -> str:
    """The data symbol's name (``icudt73``), from the library's dynamic symbols."""
    found = re.search(r"\b(icudt\d+)_dat\b", _run("objdump", "-T", str(library), cwd=work))
    if not found:
        raise TrimError(f"{library.name} has no icudt*_dat symbol")
    return found.group(1)


def trim(library: Path, out_dir: Path) -> tuple[Path, int]:
    """A trimmed copy of ``library`` in ``out_dir`` (same file name and soname), and how
    many package items it left out. Raises TrimError with the reason."""
    library, out_dir = library.resolve(), out_dir.resolve()
    missing = [t for t in (*TOOLS, "objdump") if shutil.which(t) is None]
    if missing:
        raise TrimError(f"{', '.join(missing)} not found (apt-get install icu-devtools gcc)")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="scamguard-icu-") as scratch:
        work = Path(scratch)
        entry = _entry_name(library, work)
        full = work / f"{entry}l.dat"
        _run("objcopy", "-O", "binary", "--only-section=.rodata", str(library), str(full), cwd=work)
        items = _run("icupkg", "-l", str(full), cwd=work).split()
        if not items:
            raise TrimError(f"{library.name}: icupkg found no items in its data")
        gone = [item for item in items if dropped(item)]
        (work / "dropped.txt").write_text("\n".join(gone) + "\n")
        small = work / "small" / full.name
        small.parent.mkdir()
        _run("icupkg", "-r", "dropped.txt", str(full), str(small), cwd=work)
        # Assembly for gcc, not an object file: genccode guesses the object's architecture.
        _run("genccode", "-e", entry, "-a", "gcc", "-d", str(work), str(small), cwd=work)
        sources = list(work.glob("*.S"))
        if len(sources) != 1:
            raise TrimError(f"genccode made {len(sources)} assembly files, not one")
        out = out_dir / library.name
        _run("gcc", "-shared", "-nostdlib", f"-Wl,-soname,{library.name}", "-o", str(out),
             str(sources[0]), cwd=work)  # fmt: skip
        exported = _run("objdump", "-T", str(out), cwd=work)
        if f"{entry}_dat" not in exported:
            raise TrimError(f"the trimmed library does not export {entry}_dat")
    return out, len(gone)
