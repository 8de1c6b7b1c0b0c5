"""``copbot`` run as a real operating-system process, for tests that kill one."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Mapping
from pathlib import Path


class CopbotProcess:
    """``python -m bot ARGS`` with ``env`` on top of a clean environment; stderr (the logs)
    goes to a file beside the test's other files."""

    def __init__(self, args: list[str], env: Mapping[str, str], workdir: Path,
                 name: str) -> None:
        self.args = args
        self.env = {"PATH": os.environ.get("PATH", ""), "HOME": str(workdir), **env}
        self.workdir = workdir
        self.log = workdir / f"{name}.log"
        self.process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self, ready: str, *, within: float = 60.0) -> str:
        """Start, and return the first line of stdout containing ``ready``."""
        with self.log.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", *self.args, env=self.env, cwd=self.workdir,
                stdout=asyncio.subprocess.PIPE, stderr=log)
        assert self.process.stdout is not None
        async with asyncio.timeout(within):
            while True:
                line = (await self.process.stdout.readline()).decode()
                if not line:
                    raise RuntimeError(f"copbot {self.args} exited: {self.log.read_text()}")
                if ready in line:
                    return line

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when a machine or container dies."""
        await self._signal(signal.SIGKILL)

    async def stop(self) -> None:
        await self._signal(signal.SIGTERM)

    async def _signal(self, sig: int) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(sig)
            async with asyncio.timeout(30):
                await self.process.wait()
