"""Long imports show a progress bar on a terminal and only the summary line when piped."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

ROWS = 250


def _faq(path: Path) -> None:
    lines = ["external_id,question,answer"]
    lines += [f"q-{n},Question number {n}?,Answer number {n}." for n in range(ROWS)]
    path.write_text("\n".join(lines) + "\n")


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("COPBOT_")}


def test_a_terminal_gets_a_bar_with_counts_and_a_pipe_gets_one_line(workdir: Path) -> None:
    _faq(workdir / "faq.csv")
    controller, terminal = pty.openpty()
    # A terminal 100 columns wide (a fresh pseudo-terminal reports 0, too narrow for a bar).
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    try:
        result = subprocess.run([sys.executable, "-m", "bot", "import", "faq", "faq.csv"],
                                cwd=workdir, env=_env(), stdout=subprocess.PIPE,
                                stderr=terminal, text=True, timeout=120, check=False)
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
    assert result.returncode == 0
    assert result.stdout == (f"Imported FAQ entries: {ROWS} created, 0 updated, "
                             "0 unchanged.\n")
    bar = shown.decode("utf-8", "replace")
    assert "FAQ entries" in bar and f"{ROWS}/{ROWS}" in bar

    piped = subprocess.run([sys.executable, "-m", "bot", "import", "faq", "faq.csv"],
                           cwd=workdir, env=_env(), capture_output=True, text=True,
                           timeout=120, check=False)
    assert piped.stdout == f"Imported FAQ entries: 0 created, 0 updated, {ROWS} unchanged.\n"
    assert piped.stderr == ""
