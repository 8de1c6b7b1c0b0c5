"""Start-up cost of the CLI: ``copbot --help`` and ``copbot chat`` up to its first reply.

    python bench/startup.py [--runs 7]

Each command runs ``--runs`` times as a child process, interleaved with ``python -c pass``
so that all three see the same load; the minimum and the median CPU time (user + system) of
each are printed side by side (on a shared machine the minimum is the steadiest figure).

- ``copbot --help``: CPU time of the whole process (``resource.getrusage(RUSAGE_CHILDREN)``
  around the run, as ``/usr/bin/time`` does).
- ``copbot chat`` (first reply): the equivalent of ``echo help | copbot chat`` on a SQLite
  database migrated beforehand.  The line ``help`` is written and stdin kept open; when the
  reply's closing ``---`` line arrives the child's CPU time so far is read from
  ``/proc/<pid>/stat`` (10 ms ticks), then stdin is closed and the process exits.  The
  wall-clock time to that line and the whole run's CPU time are printed too.

Python modules are run from bytecode, as an installed package is (``pip install``
compiles it): the children get a private ``PYTHONPYCACHEPREFIX``, warmed by one untimed run
of each command, even when ``PYTHONDONTWRITEBYTECODE`` is set in the environment (with it
set and no ``__pycache__`` beside the sources, every start compiles copbot's own modules
again, about 0.6 s more on a 2-core machine).  Targets (issue 15): ``--help`` under 0.3 s
CPU, the first reply of ``chat`` under 0.8 s.
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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Sample:
    cpu: float  # CPU seconds of the whole process
    first_reply_cpu: float | None  # CPU seconds when the first reply had been printed
    first_reply_wall: float | None


def cpu_so_far(pid: int) -> float:
    """User + system CPU seconds of a running process, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14, 15)


def run(command: list[str], *, cwd: Path, env: dict[str, str], line: str | None) -> Sample:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    first_cpu = first_wall = None
    with subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                          bufsize=1) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        if line is not None:
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
            for out in proc.stdout:
                if out.rstrip("\n") == "---":
                    first_wall = time.perf_counter() - started
                    first_cpu = cpu_so_far(proc.pid)
                    break
        proc.stdin.close()
        proc.stdout.read()
        if proc.wait() != 0:
            raise SystemExit(f"{' '.join(command)} failed")
    if line is not None and first_cpu is None:
        raise SystemExit(f"{' '.join(command)} printed no reply")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Sample(cpu, first_cpu, first_wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("COPBOT_", "PYTHON"))}
        env["COPBOT_DATABASE_URL"] = f"sqlite+aiosqlite:///{cwd / 'bench.db'}"
        env["PYTHONPATH"] = str(ROOT)
        env["PYTHONPYCACHEPREFIX"] = str(cwd / "pycache")
        copbot = [sys.executable, "-m", "bot"]
        subprocess.run([*copbot, "db", "upgrade"], cwd=cwd, env=env, check=True,
                       capture_output=True)
        cases = [
            ("python -c pass", [sys.executable, "-c", "pass"], None),
            ("copbot --help", [*copbot, "--help"], None),
            ("copbot chat (first reply)", [*copbot, "chat", "--user", "bench"], "help"),
        ]
        for _, command, line in cases:  # warm the bytecode cache (and the disk cache)
            run(command, cwd=cwd, env=env, line=line)
        samples: dict[str, list[Sample]] = {name: [] for name, _, _ in cases}
        for _ in range(args.runs):
            for name, command, line in cases:
                samples[name].append(run(command, cwd=cwd, env=env, line=line))
        print(f"runs={args.runs}, from bytecode; CPU seconds (user + system)")
        print(f"{'command':<27} {'CPU min':>8} {'CPU median':>11} {'whole run min':>14} "
              f"{'wall median':>12}")
        for name, _, line in cases:
            got = samples[name]
            if line is None:
                cpus = [s.cpu for s in got]
                walls: list[float] = []
            else:
                cpus = [s.first_reply_cpu or 0.0 for s in got]
                walls = [s.first_reply_wall or 0.0 for s in got]
            wall = f"{statistics.median(walls):>12.3f}" if walls else f"{'':>12}"
            print(f"{name:<27} {min(cpus):>8.3f} {statistics.median(cpus):>11.3f} "
                  f"{min(s.cpu for s in got):>14.3f} {wall}")


if __name__ == "__main__":
    main()
