"""Commit-to-post latency of notices: how soon a waitlist promotion leaves the outbox.

    python bench/notice_latency.py [--rounds 20] [--database-url postgresql+asyncpg://…]

Two runtimes share one database (SQLite in a temporary directory unless ``--database-url``
names an empty one).  Each round a member cancels, promoting the next person on the
waitlist; the time from the cancel's commit (its dispatch returning) to the promotion
reaching a recording transport is measured when

- the same runtime sends it (woken in-process after the commit), and
- another runtime sends it (it finds the notice by its once-a-second poll).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time

from bot.app.runtime import Runtime
from bot.settings import Settings
from bot.types import ChannelRef, Incoming, Reply


class Stopwatch:
    platform = "console"

    def __init__(self) -> None:
        self.arrived = asyncio.Event()
        self.at = 0.0

    async def send(self, target: ChannelRef, reply: Reply) -> str | None:
        self.at = time.perf_counter()
        self.arrived.set()
        return None


async def _round(handling: Runtime, watch: Stopwatch, event: int) -> float:
    def say(who: str, text: str) -> Incoming:
        return Incoming("console", "", "bench", who, who.title(), text)

    await handling.dispatch(say("alice", f"signup {event}"))
    await handling.dispatch(say("bob", f"signup {event}"))
    watch.arrived.clear()
    await handling.dispatch(say("alice", f"cancel {event}"))
    committed = time.perf_counter()
    async with asyncio.timeout(10):
        await watch.arrived.wait()
    return watch.at - committed


async def measure(settings: Settings, rounds: int, *, same_process: bool) -> list[float]:
    handling = Runtime(settings)
    sending = handling if same_process else Runtime(settings)
    watch = Stopwatch()
    sending.transports.register(watch)  # only the sending runtime can post
    await handling.start()
    if sending is not handling:
        await sending.start(migrate=False)
    try:
        seconds = []
        for _ in range(rounds):
            created = await handling.dispatch(Incoming(
                "console", "", "bench", "olive", "Olive",
                'event add title=Bench start="2030-01-10 14:00" duration=1h capacity=1'))
            assert created.reply is not None and created.reply.title
            event = int(created.reply.title.split()[1].lstrip("#"))
            seconds.append(await _round(handling, watch, event))
        return seconds
    finally:
        if sending is not handling:
            await sending.stop()
        await handling.stop()


async def main(rounds: int, database_url: str) -> None:
    settings = Settings(database_url=database_url, organisers=["console::olive"],
                        _env_file=None)  # type: ignore[call-arg]
    for name, same in (("same process (woken)", True), ("another process (poll)", False)):
        ms = sorted(s * 1000 for s in await measure(settings, rounds, same_process=same))
        print(f"{name:<24} median {statistics.median(ms):7.1f} ms   "
              f"max {ms[-1]:7.1f} ms   ({rounds} notices)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite+aiosqlite:///{scratch}/bench.db"
        asyncio.run(main(args.rounds, url))
