"""Prints, as JSON, what the X12 decoder makes of every input file given and of seeded
mutations of each: the parse, both summaries, or the typed error. Run once compiled and once
as pure Python (COVERWATCH_PURE_PYTHON=1) by tests/unit/x12/test_native.py."""

from __future__ import annotations

import io
import json
import random
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from payers.x12 import native
from payers.x12.__main__ import main as x12_main

MUTATIONS = 25


def mutations(text: str, seed: str) -> list[str]:
    """Seeded damage: dropped, doubled and swapped characters, cut segments, truncation."""
    rng = random.Random(seed)  # noqa: S311 - test inputs, not secrets
    found = []
    for _ in range(MUTATIONS):
        cut = rng.randrange(1, len(text))
        kind = rng.randrange(5)
        if kind == 0:
            found.append(text[:cut] + text[cut + 1:])
        elif kind == 1:
            found.append(text[:cut] + text[cut] + text[cut:])
        elif kind == 2:
            found.append(text[:cut] + rng.choice("*~^:|\n") + text[cut + 1:])
        elif kind == 3:
            segments = text.split("~")
            drop = rng.randrange(len(segments))
            found.append("~".join(segments[:drop] + segments[drop + 1:]))
        else:
            found.append(text[:cut])
    return found


def outcome(path: Path) -> list[object]:
    """(exit status, stdout, stderr) of parse and both summaries of the file at `path`."""
    results: list[object] = []
    for args in (["parse"], ["summary", "--network", "in"], ["summary", "--network", "out"]):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            status = x12_main([args[0], str(path), *args[1:]])
        # The file's name, not its folder (the two runs write mutations to different ones).
        results.append([status, out.getvalue().replace(str(path), path.name),
                        err.getvalue().replace(str(path), path.name)])
    return results


def main(paths: list[str], scratch: str) -> None:
    report: dict[str, object] = {"compiled": native.in_use(), "files": {}}
    files = report["files"]
    assert isinstance(files, dict)
    for name in paths:
        path = Path(name)
        files[name] = outcome(path)
        text = path.read_text(encoding="latin-1")
        for n, damaged in enumerate(mutations(text, path.name)):
            copy = Path(scratch) / f"m{n}.x12"
            copy.write_text(damaged, encoding="latin-1")
            files[f"{name}#{n}"] = outcome(copy)
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[2:], sys.argv[1])
