"""Every sentence a person reads can be translated: nothing visible is a bare literal.

A translation only reaches a string that goes through ``ui.i18n.tr("...")`` with a literal
argument: pyside6-lupdate extracts literals and nothing else, and ui.i18n looks strings up in
the empty context a plain ``tr()`` is filed under. This reads the source of ui/ (Python's own
parser, no import, no Qt) and fails on:

- a string literal with words in it given straight to a call that puts text on the screen or
  in a screen reader's ear (QLabel(...), setText, setToolTip, addAction, QMessageBox...,
  and ScamGuard's own helpers in ui/widgets.py) without tr() around it, including an
  f-string or ``"...".format()`` whose fixed part has words;
- a tr() whose argument is not one literal (an f-string, a variable, a concatenation with
  ``+``), or a tr() written inside an f-string's braces: lupdate cannot see either, so it
  could never be translated;
- ``self.tr()`` / ``QCoreApplication.translate`` outside ui/i18n.py: Qt files those under a
  class's context, which ScamGuard's translator never looks in.

Only the call's own arguments are read: a literal kept in a variable first is not seen (the
sync test in tests/test_translation.py catches what lupdate finds, this catches what it
cannot). Strings with no words (punctuation, numbers, ``{fields}``, URLs) pass, and so does
the short allow-list below, each with its reason.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

UI = Path(__file__).resolve().parent.parent / "ui"
REPO = UI.parent

# Qt constructors whose string arguments are shown: the label of a button, a box's title...
SHOWN_BY_CONSTRUCTOR = {
    "QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox", "QToolButton",
    "QCommandLinkButton", "QAction", "QMenu", "QMessageBox", "QListWidgetItem",
    "QTableWidgetItem", "QTreeWidgetItem", "QStandardItem", "QProgressDialog", "QFileDialog",
    "QInputDialog",
}  # fmt: skip
# Qt methods whose string arguments are shown, or read out by a screen reader.
SHOWN_BY_METHOD = {
    "setText", "setWindowTitle", "setToolTip", "setStatusTip", "setWhatsThis",
    "setPlaceholderText", "setAccessibleName", "setAccessibleDescription", "setTitle",
    "setInformativeText", "setDetailedText", "setLabelText", "setCancelButtonText",
    "setOkButtonText", "setTabText", "setTabToolTip", "setItemText", "addItem", "addItems",
    "insertItem", "addTab", "insertTab", "addAction", "addMenu", "addSection", "addButton",
    "setHeaderLabels", "setHorizontalHeaderLabels", "setVerticalHeaderLabels", "showMessage",
    "setHtml", "setMarkdown", "setPlainText", "setPrefix", "setSuffix", "setSpecialValueText",
    "setNameFilter", "setNameFilters", "setWindowIconText", "setButtonText",
    "getSaveFileName", "getOpenFileName", "getExistingDirectory", "getText", "getItem",
}  # fmt: skip
# QMessageBox's static helpers (title, text): only on QMessageBox itself, because "warning"
# or "about" on anything else (a logger) is not text on the screen.
MESSAGE_BOX_STATIC = {"information", "warning", "critical", "question", "about"}
# ScamGuard's own helpers that put their string arguments on the screen (ui/widgets.py,
# ui/style.py's accessible names, and the small wrappers some windows keep).
SHOWN_BY_OWN_HELPER = {
    "label", "heading", "caution", "set_text", "button", "combo", "table",
    "_box", "_safe", "_button", "BrandBand",
}  # fmt: skip

# Non-language strings that may go to the screen as they are: the text and why.
ALLOWED = {
    "ScamGuard": "the product's name, the same in every language",
}
URL = re.compile(r"^(https?|mailto|tel|file):", re.I)
FIELD = re.compile(r"\{[^{}]*\}")
TAG = re.compile(r"<[^<>]*>|&[a-zA-Z]+;|&#\d+;")


def has_words(text: str) -> bool:
    """True for a string a translator would have to translate: letters left once the
    ``{fields}``, tags and entities are taken out, and not a URL or an allowed name."""
    if text.strip() in ALLOWED or URL.match(text.strip()):
        return False
    return bool(re.search(r"[^\W\d_]", TAG.sub("", FIELD.sub("", text))))


@dataclass(frozen=True)
class Offence:
    where: str
    text: str
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text!r} ({self.why})"


def _call_name(call: ast.Call) -> tuple[str, str]:
    """(receiver, name) of a call: ("", "QLabel"), ("self.box", "setText"), ("style", "name")."""
    func = call.func
    if isinstance(func, ast.Name):
        return "", func.id
    if isinstance(func, ast.Attribute):
        return ast.unparse(func.value), func.attr
    return "", ""


def _is_tr(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _call_name(node) == ("", "tr")


def _bare_words(node: ast.AST) -> list[str]:
    """The untranslated words inside one argument expression (empty when it is fine)."""
    if _is_tr(node):
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if has_words(node.value) else []
    if isinstance(node, ast.JoinedStr):  # f"...": its fixed parts
        fixed = "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
        return [ast.unparse(node)] if has_words(fixed) else []
    if isinstance(node, ast.BinOp):  # "a" + b, "%s" % x
        return _bare_words(node.left) + _bare_words(node.right)
    if isinstance(node, ast.IfExp):
        return _bare_words(node.body) + _bare_words(node.orelse)
    if isinstance(node, ast.List | ast.Tuple):
        return [w for element in node.elts for w in _bare_words(element)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        # "Call {x}".format(...), " — ".join(...): the literal the method is called on.
        if isinstance(node.func.value, ast.Constant | ast.JoinedStr):
            return _bare_words(node.func.value)
        if _is_tr(node.func.value):  # tr("...").format(...) is the normal case
            return []
    return []


def _shows_text(call: ast.Call) -> bool:
    receiver, name = _call_name(call)
    if name in SHOWN_BY_CONSTRUCTOR or name in SHOWN_BY_METHOD:
        return True
    if name in MESSAGE_BOX_STATIC:
        return receiver == "QMessageBox"
    if name == "name":  # style.name(widget, accessible name, description)
        return receiver == "style"
    return name in SHOWN_BY_OWN_HELPER and receiver in ("", "self", "widgets")


def offences(path: Path) -> list[Offence]:
    """What in one source file of ui/ cannot be translated."""
    where = path.relative_to(REPO).as_posix()
    return offences_in(path.read_text(encoding="utf-8"), where, path.name == "i18n.py")


def offences_in(source: str, where: str, is_i18n: bool = False) -> list[Offence]:
    tree = ast.parse(source, where)
    in_fstring = {
        id(inner) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
        for inner in ast.walk(node)
    }  # fmt: skip
    found: list[Offence] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        receiver, name = _call_name(node)
        at = f"{where}:{node.lineno}"
        if _is_tr(node):
            arg = node.args[0] if len(node.args) == 1 and not node.keywords else None
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value):
                found.append(
                    Offence(at, ast.unparse(node), "tr() needs one non-empty literal string")
                )
            elif id(node) in in_fstring:
                found.append(
                    Offence(
                        at,
                        ast.unparse(node),
                        "lupdate does not read inside an f-string: never extracted",
                    )
                )
            continue
        if not is_i18n and (
            (name == "tr" and receiver)
            or (name == "translate" and receiver.endswith("QCoreApplication"))
        ):
            found.append(
                Offence(at, ast.unparse(node), "use ui.i18n.tr: the empty context it reads")
            )
            continue
        if _shows_text(node):
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                for text in _bare_words(arg):
                    found.append(Offence(at, text, f"shown by {name}() without tr()"))
    return found


def ui_sources() -> list[Path]:
    return sorted(p for p in UI.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_visible_string_in_ui_goes_through_tr():
    found = [o for path in ui_sources() for o in offences(path)]
    assert not found, (
        f"{len(found)} visible strings cannot be translated; wrap each in tr() from ui.i18n "
        "(a literal argument), then `make translations-update` and translate them:\n"
        + "\n".join(f"  {o}" for o in found)
    )


@pytest.mark.parametrize(
    ("source", "caught"),
    [
        ('QLabel("Hang up.")', ["Hang up."]),
        ('box.setText(f"Call {number} now")', ["f'Call {number} now'"]),
        ('menu.addAction("Quit")', ["Quit"]),
        ('QMessageBox.warning(self, "Stop", "Really?")', ["Stop", "Really?"]),
        ('self.setWindowTitle("ScamGuard: " + "history")', ["ScamGuard: ", "history"]),
        ('w.setToolTip("Call {n}".format(n=1))', ["Call {n}"]),
        ('label(tr("Hang up."))', []),
        ('label(tr("Call {n}").format(n=n))', []),
        ('QLabel("—")', []),
        ('QLabel("{name} ({country})")', []),
        ('QLabel("https://example.com/help")', []),
        ("QLabel(self.text)", []),
        ('log.warning("not on screen")', []),
        ('tr(f"Call {n}")', ["tr(f'Call {n}')"]),
        ("tr(message)", ["tr(message)"]),
        ('tr("a" + b)', ["tr('a' + b)"]),
        ('self.tr("Hang up.")', ["self.tr('Hang up.')"]),
        ("label(f\"{a} {tr('Hang up now.')}\")", ["tr('Hang up now.')"]),
    ],
)
def test_the_scan_catches_what_it_should_and_nothing_else(source, caught):
    assert [o.text for o in offences_in(source, "sample.py")] == caught
