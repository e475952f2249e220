"""Run one benchmark on an earlier commit and on this tree, alternately, in one run.

    .venv/bin/python bench/compare.py BASE [--rounds 1] -- bench/verdicts.py [its arguments]

Checks BASE out into a temporary `git worktree`, then runs the script there and here in
turn (base first), `--rounds` times each, with this virtualenv's Python and each tree as the
working directory (the base's `.venv` a link to this one), so each measures its own code on
the same machine at the same time. A base that still has the compiled X12 decoder gets it
built first, as its `make` did. Prints each run's output under a header naming the tree and
the commit, and removes the worktree.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


def run(tree: Path, label: str, script: list[str]) -> None:
    print(f"===== {label} ({git('rev-parse', '--short', 'HEAD', cwd=tree)}"
          f"{'' if tree != ROOT or not git('status', '--porcelain') else ', uncommitted changes'})"
          f": {' '.join(script)}", flush=True)
    done = subprocess.run([sys.executable, *script], cwd=tree, check=False)
    if done.returncode != 0:
        print(f"===== {label}: exit {done.returncode}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the earlier commit (any git revision)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("script", nargs=argparse.REMAINDER,
                        help="-- then the benchmark script and its arguments")
    args = parser.parse_args()
    script = args.script[1:] if args.script[:1] == ["--"] else args.script
    if not script:
        parser.error("name the benchmark script after --")
    with tempfile.TemporaryDirectory(prefix="coverwatch-base-") as folder:
        base = Path(folder) / "tree"
        git("worktree", "add", "--detach", str(base), args.base)
        # Scripts that start the app's commands (flask, gunicorn) find them in the tree's
        # .venv: the base uses this one.
        (base / ".venv").symlink_to(Path(sys.executable).parent.parent)
        try:
            if (base / "payers" / "x12" / "native_build.py").exists():
                built = subprocess.run([sys.executable, "-m", "payers.x12.native_build"],
                                       cwd=base, check=False, capture_output=True)
                state = ("built" if built.returncode == 0 else
                         "not built (mypyc missing?): the base runs pure Python")
                print(f"base: compiled X12 decoder {state}", flush=True)
            for n in range(1, args.rounds + 1):
                run(base, f"base, round {n}", script)
                run(ROOT, f"this tree, round {n}", script)
        finally:
            git("worktree", "remove", "--force", str(base))


if __name__ == "__main__":
    main()
