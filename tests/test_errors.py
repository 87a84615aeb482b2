"""The project's one root exception, and the one wording of an ``OSError`` for a person."""

from __future__ import annotations

import ast
import builtins
import errno
import os
from pathlib import Path

import pytest

from guard.errors import RejectedError, ScamGuardError, UsageError, describe_os_error
from tests.conftest import REPO


def _raised(action) -> OSError:
    with pytest.raises(OSError) as caught:
        action()
    return caught.value


def test_a_missing_file_is_no_such_file_or_folder(tmp_path: Path) -> None:
    exc = _raised(lambda: open(tmp_path / "missing.exe", "rb"))  # noqa: SIM115
    assert describe_os_error(exc) == "no such file or folder"


def test_a_file_used_as_a_folder_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    exc = _raised(lambda: open(tmp_path / "a-file" / "inside.exe", "rb"))  # noqa: SIM115
    assert describe_os_error(exc) == "a file stands where a folder should be"


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.EACCES, "permission denied"),
        (errno.EPERM, "permission denied"),
        (errno.ENOSPC, "the disk is full"),
        (errno.ENOENT, "no such file or folder"),
        (errno.ENOTDIR, "a file stands where a folder should be"),
    ],
)
def test_common_failures_have_the_projects_own_words(code: int, words: str) -> None:
    assert describe_os_error(OSError(code, os.strerror(code), "/some/file")) == words


def test_a_windows_sharing_violation_names_the_other_program() -> None:
    for winerror in (32, 33):  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION
        exc = PermissionError(errno.EACCES, "The process cannot access the file")
        exc.winerror = winerror  # type: ignore[attr-defined]  # only Windows sets it
        assert describe_os_error(exc) == "it is in use by another program"


def test_anything_else_is_the_systems_text_lower_cased_mid_sentence() -> None:
    assert describe_os_error(OSError(errno.EIO, "Input/output error")) == "input/output error"
    assert describe_os_error(OSError(errno.EIO, "I/O error")) == "I/O error"
    assert describe_os_error(OSError("not a regular file")) == "not a regular file"
    assert describe_os_error(OSError()) == "OSError"


def test_usage_and_rejection_are_the_projects_own_failures() -> None:
    assert issubclass(UsageError, ScamGuardError)
    assert issubclass(RejectedError, ScamGuardError)


def test_every_exception_class_the_project_defines_derives_from_the_root() -> None:
    """Checked in the source, so a new class anywhere in guard/ or ui/ is caught too (one
    deriving from a built-in exception, such as ``Exception`` or ``OSError``, must also
    derive from ``ScamGuardError``; private markers like ``_Unusable`` are left alone)."""
    offenders = []
    for path in sorted([*(REPO / "guard").rglob("*.py"), *(REPO / "ui").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, ast.ClassDef) or node.name.startswith("_"):
                continue
            bases = [ast.unparse(base) for base in node.bases]
            builtin = [b for b in bases if isinstance(getattr(builtins, b, None), type)]
            if node.name == "ScamGuardError" or "ScamGuardError" in bases:
                continue
            if any(issubclass(getattr(builtins, b), BaseException) for b in builtin):
                offenders.append(f"{path.relative_to(REPO)}: {node.name}({', '.join(bases)})")
    assert offenders == []
