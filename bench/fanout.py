"""Scheduled-post fan-out: one scheduler tick to many Slack channels under Slack's rate limit.

    python bench/fanout.py [--channels 1000] [--events 200] [--communities 20]
                           [--database-url postgresql+asyncpg://…]

Sets up ``--channels`` subscribed channels and ``--events`` seminars, all starting in an hour,
spread over ``--communities`` communities; each channel subscribes to one community, so it is
owed ``events / communities`` reminders (``--communities 1``: every channel gets every
seminar).  A fake Slack Web API runs in its own process on loopback and enforces one message
per second per channel, answering HTTP 429 with ``Retry-After: 1`` beyond that.  Then:

- the baseline: the same number of posts to as many other channels, sent straight through
  the Slack transport by a loop that waits one second between posts to a channel — no
  database, no outbox, no claims;
- copbot: one ``ScheduledPosts.tick()`` (real slack_sdk client via ``create_transports``,
  SQLite in a temporary directory unless ``--database-url`` is given) that finds the
  reminders due, records them in the outbox and sends them.

For each it prints the time to deliver everything, posts per second, the 429s the fake
answered and the duplicates it saw (must be 0), next to the lower bound the rate limit
allows: ``(reminders per channel - 1)`` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, web

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

INTERVAL = 1.0  # Slack's rate: one message per second per channel


# ---------------------------------------------------------------------------- the fake Slack
def _fake_slack(port_queue: Any) -> None:
    """A Slack Web API that enforces 1 message/s per channel (own process)."""
    last_post: dict[str, float] = {}
    seen: Counter[tuple[str, str]] = Counter()
    stats = {"ok": 0, "rate_limited": 0}

    async def api(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method != "chat.postMessage":
            return web.json_response({"ok": True})
        if request.content_type == "application/json":
            params = await request.json()
        else:
            params = dict(await request.post())
        channel = str(params.get("channel", ""))
        now = time.monotonic()
        previous = last_post.get(channel)
        if previous is not None and now - previous < INTERVAL:
            stats["rate_limited"] += 1
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": "1"})
        last_post[channel] = now
        blocks = params.get("blocks") or "[]"
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        head = blocks[0]["text"]["text"] if blocks else str(params.get("text", ""))
        seen[(channel, head)] += 1
        stats["ok"] += 1
        return web.json_response({"ok": True, "channel": channel,
                                  "ts": f"1700000000.{stats['ok']:06d}"})

    async def report(request: web.Request) -> web.Response:
        duplicates = sum(n - 1 for n in seen.values() if n > 1)
        return web.json_response({**stats, "duplicates": duplicates,
                                  "channels": len({c for c, _ in seen})})

    async def reset(request: web.Request) -> web.Response:
        seen.clear()
        stats.update(ok=0, rate_limited=0)
        return web.json_response({"ok": True})

    async def main() -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", api)
        app.router.add_get("/stats", report)
        app.router.add_post("/reset", reset)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port_queue.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


async def _fake_stats(url: str, *, reset: bool = False) -> dict[str, int]:
    async with ClientSession() as http:
        if reset:
            async with http.post(f"{url}/reset") as resp:
                await resp.read()
            return {}
        async with http.get(f"{url}/stats") as resp:
            data: dict[str, int] = await resp.json()
            return data


# ---------------------------------------------------------------------------- the set-up
@dataclass(frozen=True)
class Plan:
    channels: int
    events: int
    communities: int

    @property
    def per_channel(self) -> int:
        return len(range(0, self.events, self.communities))

    @property
    def posts(self) -> int:
        return sum(len(range(c % self.communities, self.events, self.communities))
                   for c in range(self.channels))

    @property
    def lower_bound(self) -> float:
        most = max(len(range(c % self.communities, self.events, self.communities))
                   for c in range(self.channels))
        return (most - 1) * INTERVAL


async def _populate(database: Any, plan: Plan, now: datetime) -> None:
    from storage.models import Community
    from storage.models.deliveries import ChannelSubscription
    from storage.models.events import Event

    async with database.session() as session:
        communities = [Community(slug=f"c{i:03d}", name=f"Community {i}", description="")
                       for i in range(plan.communities)]
        session.add_all(communities)
        await session.flush()
        starts = now + timedelta(hours=1)  # every 1-hour reminder is due now
        session.add_all(Event(
            title=f"Seminar {i}", description="", speaker="", timezone="Europe/London",
            community_id=communities[i % plan.communities].id, starts_at=starts,
            ends_at=starts + timedelta(hours=1), location="", join_link="", capacity=50,
            confirmed_count=0, status="scheduled", created_by=None,
            created_at=now - timedelta(minutes=5), updated_at=now - timedelta(minutes=5))
            for i in range(plan.events))
        session.add_all(ChannelSubscription(
            platform="slack", workspace="T0001", conversation_id=f"C{i:05d}", thread_id="",
            community=f"c{i % plan.communities:03d}", kind="reminders", created_at=now)
            for i in range(plan.channels))


# ---------------------------------------------------------------------------- the runs
async def _baseline(settings: Any, platforms: Any, plan: Plan) -> float:
    """The same posts, paced per channel, straight through the transport."""
    from bot.app.platforms import create_transports
    from bot.delivery import Transports
    from bot.types import ChannelRef, Reply
    from storage.db import Database

    database = Database(settings.database_url)
    transports = Transports()
    [transport] = create_transports(platforms, database)
    transports.register(transport)
    posts = asyncio.Semaphore(64)

    async def one_channel(index: int) -> None:
        target = ChannelRef("slack", "T0001", f"B{index:05d}")
        count = len(range(index % plan.communities, plan.events, plan.communities))
        for n in range(count):
            if n:
                await asyncio.sleep(INTERVAL)
            async with posts:
                await transport.send(target, Reply(title=f"Reminder: Seminar {n}",
                                                   text="This seminar starts in 1 hour."))

    started = time.perf_counter()
    await asyncio.gather(*(one_channel(i) for i in range(plan.channels)))
    elapsed = time.perf_counter() - started
    await transports.close()
    await database.dispose()
    return elapsed


def _platforms(api_url: str) -> Any:
    """Slack pointed at the fake, Teams off."""
    from adapters.slack.settings import SlackSettings
    from adapters.teams.settings import TeamsSettings
    from bot.app.platforms import PlatformSettings

    slack = SlackSettings(_env_file=None, bot_token="xoxb-bench",  # type: ignore[call-arg]
                          api_url=api_url)
    return PlatformSettings(slack=slack, teams=TeamsSettings(_env_file=None))  # type: ignore[call-arg]


async def _copbot(settings: Any, platforms: Any, plan: Plan,
                  now: datetime) -> tuple[float, float, Any]:
    from bot.app.platforms import create_transports
    from bot.clock import FixedClock
    from bot.delivery import Transports
    from bot.scheduler.posts import ScheduledPosts
    from storage.db import Database

    database = Database(settings.database_url)
    await database.upgrade()
    await _populate(database, plan, now)
    transports = Transports()
    for transport in create_transports(platforms, database):
        transports.register(transport)
    posts = ScheduledPosts(database, transports, settings, FixedClock(now))
    started, cpu = time.perf_counter(), time.process_time()
    planned = await posts.plan(now)
    planning = time.perf_counter() - started
    results = await posts.sender.send_ready()
    elapsed = time.perf_counter() - started
    await transports.close()
    print(f"copbot used {time.process_time() - cpu:.1f} s of CPU (this process, every "
          "thread)", flush=True)
    await database.dispose()
    return elapsed, planning, (planned, results)


def _row(name: str, seconds: float, stats: dict[str, int], plan: Plan) -> str:
    rate = stats["ok"] / seconds if seconds else 0.0
    return (f"{name:<9} {seconds:8.1f} s  {rate:7.0f} posts/s  {stats['ok']:>7} delivered  "
            f"{stats['rate_limited']:>6} × 429  {stats['duplicates']:>3} duplicates  "
            f"(lower bound {plan.lower_bound:.0f} s)")


async def run(args: argparse.Namespace) -> int:
    from bot.settings import Settings

    plan = Plan(args.channels, args.events, args.communities)
    queue: Any = multiprocessing.get_context("spawn").Queue()
    fake = multiprocessing.get_context("spawn").Process(target=_fake_slack, args=(queue,),
                                                        daemon=True)
    fake.start()
    try:
        port = queue.get(timeout=30)
        fake_url = f"http://127.0.0.1:{port}"
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database_url or f"sqlite+aiosqlite:///{tmp}/fanout.db"
            settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
            platforms = _platforms(f"{fake_url}/api/")
            print(f"{plan.channels} channels, {plan.events} events in {plan.communities} "
                  f"communities: {plan.posts} reminders, up to {plan.per_channel} per channel; "
                  f"fake Slack allows 1 message/s per channel; database "
                  f"{url.split(':', 1)[0]}", flush=True)
            baseline = 0.0
            base_stats = {"ok": 0, "rate_limited": 0, "duplicates": 0}
            if not args.copbot_only:
                baseline = await _baseline(settings, platforms, plan)
                base_stats = await _fake_stats(fake_url)
                await _fake_stats(fake_url, reset=True)
            now = datetime.now(UTC).replace(microsecond=0)
            elapsed, planning, (_, results) = await _copbot(settings, platforms, plan, now)
            stats = await _fake_stats(fake_url)
        if baseline:
            print(_row("baseline", baseline, base_stats, plan))
        print(_row("copbot", elapsed, stats, plan) + f"  [finding what is due: {planning:.1f} s]")
        outcomes = Counter(r.outcome for r in results)
        ratio = f"; copbot/baseline time {elapsed / baseline:.2f}×" if baseline else ""
        print(f"outbox: {dict(outcomes)}; copbot/lower bound {elapsed / plan.lower_bound:.2f}×"
              f"{ratio}")
        if stats["duplicates"] or stats["ok"] != plan.posts:
            print("FAIL: every reminder must arrive exactly once", file=sys.stderr)
            return 1
        return 0
    finally:
        fake.terminate()
        fake.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--communities", type=int, default=20,
                        help="channels and events are spread over this many communities")
    parser.add_argument("--database-url", default="",
                        help="an empty database, e.g. postgresql+asyncpg://postgres@127.0.0.1/"
                        "bench (default: SQLite in a temporary directory)")
    parser.add_argument("--copbot-only", action="store_true",
                        help="skip the baseline (e.g. to profile copbot alone)")
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
