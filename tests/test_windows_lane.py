"""The Windows lane's list of tests it does not run (tests/wine-lane/not-on-windows.txt) stays
true: every line is well formed and names a test that exists, so a renamed or deleted test
cannot leave a stale entry behind, and each says why."""

from __future__ import annotations

import ast

from tests.conftest import REPO, _windows_lane_list


def _tests_in(path: str) -> set[str]:
    tree = ast.parse((REPO / path).read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_every_listed_test_exists_and_says_why() -> None:
    entries = _windows_lane_list()
    assert entries
    for node, kind, reason in entries:
        path, _, name = node.partition("::")
        assert (REPO / path).is_file(), f"{node}: no such test file"
        if name:
            assert name in _tests_in(path), f"{node}: no such test"
        assert kind in ("skip", "todo")
        assert len(reason) > 15, f"{node}: say why"


def test_no_test_is_listed_twice() -> None:
    nodes = [node for node, _, _ in _windows_lane_list()]
    assert len(nodes) == len(set(nodes))
