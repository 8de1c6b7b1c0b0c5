"""Start-up cost of the CLI: ``copbot --help`` and ``copbot chat`` up to its first reply.

    python bench/startup.py [--runs 5]

Each command runs ``--runs`` times as a child process; CPU time (user + system) is read
with ``resource.getrusage(RUSAGE_CHILDREN)`` around each run, as ``/usr/bin/time`` does, and
the median is printed beside ``python -c pass`` measured in the same run. ``chat`` is given
one line (``help``) on a SQLite database migrated beforehand, so the figure is start-up, the
first reply and exit; the wall-clock time until that first reply is printed too.
Targets (issue 15): ``--help`` under 0.3 s CPU, the first reply of ``chat`` under 0.8 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cpu_of(command: list[str], *, cwd: Path, env: dict[str, str], stdin: str = "",
           ) -> tuple[float, float]:
    """(CPU seconds, wall seconds until the first reply line ``---`` or exit)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    first_reply = None
    with subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
        for line in proc.stdout:
            if first_reply is None and line.rstrip("\n") == "---":
                first_reply = time.perf_counter() - started
        if proc.wait() != 0:
            raise SystemExit(f"{' '.join(command)} failed")
    wall = first_reply if first_reply is not None else time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        env = {k: v for k, v in os.environ.items() if not k.startswith("COPBOT_")}
        env["COPBOT_DATABASE_URL"] = f"sqlite+aiosqlite:///{cwd / 'bench.db'}"
        env["PYTHONPATH"] = str(ROOT)
        copbot = [sys.executable, "-m", "bot"]
        subprocess.run([*copbot, "db", "upgrade"], cwd=cwd, env=env, check=True,
                       capture_output=True)
        cases = [
            ("python -c pass", [sys.executable, "-c", "pass"], ""),
            ("copbot --help", [*copbot, "--help"], ""),
            ("copbot chat (first reply)", [*copbot, "chat", "--user", "bench"], "help\n"),
        ]
        print(f"{'command':<28} {'CPU s (median)':>15} {'wall s (median)':>16}   runs={args.runs}")
        for name, command, stdin in cases:
            samples = [cpu_of(command, cwd=cwd, env=env, stdin=stdin) for _ in range(args.runs)]
            cpu = statistics.median(s[0] for s in samples)
            wall = statistics.median(s[1] for s in samples)
            print(f"{name:<28} {cpu:>15.3f} {wall:>16.3f}")


if __name__ == "__main__":
    main()
