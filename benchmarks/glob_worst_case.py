"""Pathological installer patterns: the bounded matcher against a backtracking regex.

A data file (or a forged update) could carry a pattern built to make a backtracking regex
explode, like ``aaa*a*a*a*a`` against a long near-miss name: the lazy ``.*?`` translation the
guard used before takes len(name) ** stars steps. ``globs.match_steps`` takes at most about
len(name) x len(pattern), and ``Glob.matches`` refuses names longer than any file name.

Also times the validator's protected-program check (literal names plus the exact family
walk) on the shipped patterns and on the slowest shapes it can meet.

Run: `python benchmarks/glob_worst_case.py [--regex-max N]`. Prints figures; nothing is
asserted (the bound itself is held by tests/test_globs.py, by counting steps).
"matcher ms" times the matching loop itself; "matches() ms" the Glob, whose literal head and
tail tests answer most names before the loop.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guard.sigdb.globs import MAX_NAME_LEN, Glob, PatternError, compile_glob, match_steps
from guard.sigdb.loader import load_database
from guard.state import paths

CASES = [
    ("4 stars, near miss", "aaa*a*a*a*a", lambda n: "aaa" + "a" * (n - 4) + "b"),
    ("1 star, long literal tail", "aa*" + "a" * 100 + "b", lambda n: "a" * n),
    ("60 stars (over the cap)", "a*" * 60 + "b", lambda n: "a" * n),
]


def regex_of(pattern: str) -> re.Pattern[str]:
    """The translation the guard used before: ``*`` -> ``.*?``."""
    body = "".join(".*?" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.DOTALL)


def timed(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--regex-max",
        type=int,
        default=120,
        help="longest name to try the old regex on (it grows as length ** stars)",
    )
    args = parser.parse_args()

    print(
        "pattern                     name len   matcher steps   matcher ms   "
        "matches() ms   old regex ms"
    )
    for label, pattern, make in CASES:
        glob = Glob(text=pattern, prefix=pattern[:3], pattern=pattern)  # bypasses validation
        for n in (50, 100, args.regex_max, MAX_NAME_LEN):
            text = make(n)
            _, steps = match_steps(pattern, text)
            loop = timed(lambda p=pattern, t=text: match_steps(p, t)) * 1000
            ours = timed(lambda g=glob, t=text: g.matches(t)) * 1000
            if n <= args.regex_max and pattern.count("*") <= 8:
                rx = regex_of(pattern)
                old = f"{timed(lambda r=rx, t=text: r.fullmatch(t), 1) * 1000:12.2f}"
            else:
                old = "   (skipped)"
            print(f"{label:27} {n:8} {steps:15,} {loop:12.3f} {ours:14.3f} {old}")
    huge = "a" * 1_000_000
    glob = Glob(text="a*" * 60, prefix="a", pattern="a*" * 60)
    print(f"a 1,000,000-character name: {timed(lambda: glob.matches(huge)) * 1e6:.1f} µs (refused)")

    sigset = load_database(paths.builtin_signatures_dir())
    texts = [g.text for t in sigset.tools for g in t.installers]
    per = [timed(lambda p=p: compile_glob(p), 3) * 1e6 for p in texts]
    print(
        f"compile_glob on {len(texts)} shipped patterns: median {statistics.median(per):.0f} µs, "
        f"max {max(per):.0f} µs"
    )
    slow = [
        "python" + "?*" * 2 + "x" * 100,
        "google chrome helper (*?*?",
        "com.apple.*?*?" + "q" * 90,
    ]
    for pattern in slow:
        try:
            compile_glob(pattern)
            verdict = "accepted"
        except PatternError as exc:
            verdict = f"refused ({str(exc)[:50]}…)"
        ms = timed(lambda p=pattern: _try(p)) * 1000
        print(f"protected check, {pattern[:30]!r:34} {ms:7.2f} ms  {verdict}")


def _try(pattern: str) -> None:
    with contextlib.suppress(PatternError):
        compile_glob(pattern)


if __name__ == "__main__":
    main()
