"""Resident memory of ``copbot serve`` with a large FAQ library, beside the same server with
an empty one.

    python bench/serve_memory.py [--entries 10000] [--engine auto] [--repeat 3]
                                 [--platforms]

Imports ``--entries`` FAQ entries (the covid-qa set plus generated ones, as
``bench/retrieval.py`` makes them) with the real ``copbot import faq`` into a SQLite database
in a temporary directory, then starts the real ``copbot serve`` on loopback, waits until
``/healthz`` answers (the search index is built by then) and reads ``VmRSS`` from
``/proc/<pid>/status``.  The baseline is the same command on an empty database, in the same
run, so what the library itself costs is the difference.  ``--platforms`` configures Slack
and Teams (dummy credentials, no network) so that both SDKs are loaded, as in production.
Each figure is the median of ``--repeat`` starts.

Target: at most 150 MB resident with 10,000 entries and the default engine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from retrieval import (
    COPBOT,
    DEFAULT_DATA,
    generated_entries,
    load_faq,
    write_faq,
)
from retrieval import serve_rss_mb as retrieval_serve_rss_mb

TARGET_MB = 150.0


def environment(workdir: Path, engine: str, platforms: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPBOT_")}
    env["COPBOT_DATABASE_URL"] = f"sqlite+aiosqlite:///{workdir / 'copbot.db'}"
    env["COPBOT_SEARCH_ENGINE"] = engine
    if platforms:
        env.update(COPBOT_SLACK_BOT_TOKEN="xoxb-bench", COPBOT_SLACK_SIGNING_SECRET="bench",
                   COPBOT_SLACK_API_URL="http://127.0.0.1:9/api/")
        env["COPBOT_TEAMS_DEV_MODE"] = "true"
    return env


def run(workdir: Path, args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run([*COPBOT, *args], cwd=workdir, env=env, capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"copbot {' '.join(args)} failed:\n{result.stderr}")


def serve_rss_mb(workdir: Path, env: dict[str, str]) -> tuple[float, float]:
    """(resident, peak) MB of ``copbot serve`` a second after ``/healthz`` answers (anything
    started after it, included)."""
    return retrieval_serve_rss_mb(workdir, env, settle=1.0)


def measure(workdir: Path, env: dict[str, str], repeat: int) -> tuple[float, float]:
    figures = [serve_rss_mb(workdir, env) for _ in range(repeat)]
    return (statistics.median(f[0] for f in figures), statistics.median(f[1] for f in figures))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--engine", default="auto",
                        help="COPBOT_SEARCH_ENGINE (default auto: the default engine)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--platforms", action="store_true",
                        help="configure Slack and Teams, so both SDKs are loaded")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    print(f"copbot serve, engine {args.engine}, {'Slack and Teams' if args.platforms else 'no'}"
          f" platforms configured; median of {args.repeat} starts; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="copbot-memory-") as tmp:
        empty, full = Path(tmp) / "empty", Path(tmp) / "full"
        empty.mkdir()
        full.mkdir()
        faq = load_faq(args.data)
        rows = faq + generated_entries(args.entries - len(faq))
        write_faq(full / "faq.csv", rows)
        for workdir in (empty, full):
            run(workdir, ["db", "upgrade"], environment(workdir, args.engine, args.platforms))
        run(full, ["import", "faq", str(full / "faq.csv")],
            environment(full, args.engine, args.platforms))
        base, base_peak = measure(empty, environment(empty, args.engine, args.platforms),
                                  args.repeat)
        used, peak = measure(full, environment(full, args.engine, args.platforms), args.repeat)
    print(f"baseline  copbot serve, empty library:      {base:6.1f} MB resident "
          f"({base_peak:.1f} MB peak)")
    print(f"copbot    copbot serve, {len(rows):,} FAQ entries: {used:6.1f} MB resident "
          f"({peak:.1f} MB peak); the library costs {used - base:.1f} MB")
    met = used <= TARGET_MB
    print(f"{'PASS' if met else 'FAIL'}  {used:.1f} MB (target ≤ {TARGET_MB:.0f} MB)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
