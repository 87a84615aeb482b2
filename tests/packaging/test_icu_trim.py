"""ICU's data cut for the Linux tray build (packaging/pyinstaller/icu_trim.py), for real: the
wheel's own library is cut with Debian's ICU tools, and Qt, made to load the cut library,
still collates, changes case and falls back for a language whose data was left out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.packaging.conftest import require

sys.path.insert(0, str(REPO / "packaging" / "pyinstaller"))
import icu_trim


@pytest.mark.parametrize(
    ("item", "left_out"),
    [
        ("ibm-1047_P100-1995.cnv", True),  # a legacy code page
        ("brkitr/cjdict.dict", True),
        ("zone/fr.res", True),  # zone names, even in a kept language
        ("ja.res", True),
        ("coll/ja.res", True),
        ("coll/es_.res", True),  # an alias item goes with its language
        ("en_GB.res", False),
        ("fr_CA.res", False),
        ("coll/fr.res", False),
        ("coll/root.res", False),
        ("coll/ucadata.icu", False),
        ("root.res", False),
        ("pool.res", False),
        ("supplementalData.res", False),
        ("zoneinfo64.res", False),
        ("uprops.icu", False),
        ("nfkc.nrm", False),
    ],
)
def test_what_the_cut_leaves_out(item, left_out):
    assert icu_trim.dropped(item) is left_out


def _wheel_icu_data() -> Path:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    require(found, "this PySide6 carries no ICU (not Linux)")
    return found[0]


def test_qt_runs_on_the_cut_library(tmp_path):
    require(sys.platform.startswith("linux"), "PySide6 carries ICU on Linux only")
    original = _wheel_icu_data()
    try:
        small, items = icu_trim.trim(original, tmp_path)
    except icu_trim.TrimError as exc:
        require(False, f"cannot cut ICU here: {exc}")
    assert small.name == original.name
    assert items > 1000
    assert small.stat().st_size < original.stat().st_size / 5
    probe = (
        "from PySide6.QtCore import QCollator, QLocale\n"
        "maps = open('/proc/self/maps').read()\n"
        f"assert {str(small)!r} in maps, 'the cut library was not the one loaded'\n"
        "for name in ('fr_CA', 'en_GB', 'ja_JP'):\n"
        "    c = QCollator(QLocale(name))\n"
        "    assert c.compare('e', 'f') < 0 and c.compare('a', 'B') < 0, name\n"
        "assert QLocale('fr_CA').toUpper('stra\\u00dfe') == 'STRASSE'\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "LD_PRELOAD": str(small), "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr
