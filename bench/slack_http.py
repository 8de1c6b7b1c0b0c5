"""Slack slash commands through ``copbot serve``, against a bare slack-bolt floor.

    python bench/slack_http.py [--requests 400] [--rounds 2] [--text help]
                               [--database-url postgresql+asyncpg://…]

``--text`` may name the first bench event as ``{event}``: ``--text "event {event}"``,
``--text "signup {event}"``.  The database holds a few upcoming events
(``bench/http_seed.py``), so ``events`` lists them and ``signup`` takes a place.

Each server runs in its own process on loopback, with a tiny local Slack Web API for the
``auth.test``/``users.info`` calls; this process sends signed ``/copbot`` requests (a fresh
signature and trigger id each) and times the acknowledgements:

- the floor: a bare ``AsyncApp`` on aiohttp whose listener only calls ``ack("ok")``, with
  Bolt's defaults (its ack path polls every 10 ms);
- copbot: ``bot.app.server.create_app`` with the Slack adapter, the real router and database
  (SQLite in a temporary directory unless ``--database-url`` is given), answering the
  command in the acknowledgement.

It prints p50/p99 latency at concurrency 1, throughput (and p50/p99) at concurrency 10,
the copbot/floor ratios and the targets: for ``help``, p50 within 1.3× the floor and
throughput at least 0.77× the floor; for a command that uses the database, throughput at
least 0.5× the floor.  Rounds alternate floor and copbot; the medians over rounds are reported.
``--breakdown`` adds a diagnostic line: the same adapter in front of a core that answers
without touching the database, to show where copbot's time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import multiprocessing
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SECRET = "bench-signing-secret"
COMMAND = "/copbot"
WARMUP = 50
P50_TARGET = 1.3
THROUGHPUT_TARGET = 0.77
DATABASE_THROUGHPUT_TARGET = 0.5  # commands that use the database


# ---------------------------------------------------------------------------- servers
async def _fake_slack() -> str:
    """Just enough Slack Web API for both servers: auth.test and users.info."""
    async def api(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "auth.test":
            return web.json_response({"ok": True, "team_id": "T0001", "user_id": "UBOT",
                                      "bot_id": "B0001", "user": "copbot", "team": "Bench"})
        if method == "users.info":
            return web.json_response({"ok": True, "user": {
                "id": "U1", "name": "bench", "profile": {"display_name": "Bench User"}}})
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_route("*", "/api/{method}", api)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return f"http://127.0.0.1:{runner.addresses[0][1]}/api/"


async def _floor_app(api_url: str) -> web.Application:
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    bolt = AsyncApp(signing_secret=SECRET,
                    client=AsyncWebClient(token="xoxb-bench", base_url=api_url))

    @bolt.command(COMMAND)
    async def trivial(ack: Any) -> None:
        await ack("ok")

    async def handle(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", handle)
    return app


async def _copbot_app(api_url: str, database_url: str) -> web.Application:
    from adapters.teams.settings import TeamsSettings
    from bot.app.platforms import PlatformSettings
    from bot.app.runtime import Runtime
    from bot.app.server import create_app
    from bot.settings import Settings

    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    platforms = PlatformSettings(slack=_slack_settings(api_url),
                                 teams=TeamsSettings(_env_file=None))  # type: ignore[call-arg]
    runtime = Runtime(settings, platforms=platforms)
    await runtime.start()
    return await create_app(runtime)


def _slack_settings(api_url: str) -> Any:
    from adapters.slack.settings import SlackSettings

    return SlackSettings(_env_file=None, bot_token="xoxb-bench",  # type: ignore[call-arg]
                         signing_secret=SECRET, api_url=api_url, command=COMMAND)


async def _adapter_only_app(api_url: str) -> web.Application:
    """Diagnostic (``--breakdown``): copbot's Slack adapter with a core that answers at once
    without the database, to split copbot's cost between the adapter and the core."""
    import adapters.slack
    from bot.clock import SystemClock
    from bot.host import AdapterHost
    from bot.settings import Settings
    from bot.types import Incoming, Outcome, Reply
    from storage.db import Database

    settings = Settings(_env_file=None)  # type: ignore[call-arg]

    async def dispatch(incoming: Incoming) -> Outcome:
        return Outcome(Reply(text=f"ok: {incoming.text}"))

    host = AdapterHost(dispatch=dispatch, register_transport=lambda t: None,
                       settings=settings, database=Database("sqlite+aiosqlite:///:memory:"),
                       clock=SystemClock())
    app = web.Application()
    await adapters.slack.mount(app, host, _slack_settings(api_url))
    return app


def _serve(kind: str, database_url: str, ports: Any) -> None:
    async def main() -> None:
        api_url = await _fake_slack()
        if kind == "floor":
            app = await _floor_app(api_url)
        elif kind == "adapter":
            app = await _adapter_only_app(api_url)
        else:
            app = await _copbot_app(api_url, database_url)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        ports.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


# ---------------------------------------------------------------------------- load
_triggers = itertools.count(1)
# Commands come from a team of people, as in a real channel (one person's rows would make
# every request wait for the one before on PostgreSQL's row lock); the warm-up meets them all.
USERS = tuple(f"U{n:08d}" for n in range(20))
_users = itertools.cycle(USERS)


def _signed_command(text: str) -> tuple[bytes, dict[str, str]]:
    from slack_sdk.signature import SignatureVerifier

    body = urlencode({
        "token": "x", "team_id": "T0001", "team_domain": "bench", "channel_id": "C0001",
        "channel_name": "bench", "user_id": next(_users), "user_name": "bench",
        "command": COMMAND,
        "text": text, "api_app_id": "A0001", "response_url": "http://127.0.0.1:9/r",
        "trigger_id": f"{next(_triggers)}.{time.time_ns()}.bench",
    })
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)
    assert signature is not None
    return body.encode(), {"Content-Type": "application/x-www-form-urlencoded",
                           "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


_deferred: list[float] = []


async def _one(http: aiohttp.ClientSession, url: str, text: str) -> float:
    body, headers = _signed_command(text)
    started = time.perf_counter()
    async with http.post(url, data=body, headers=headers) as response:
        answer = await response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"{url} answered {response.status}: {answer[:200]!r}")
    if not answer:  # acknowledged empty: the answer would follow through the response_url
        _deferred.append(elapsed)
    return elapsed


@dataclass
class Run:
    p50: float  # ms, concurrency 1
    p99: float
    rate: float  # requests/s at concurrency 10
    p50_10: float
    p99_10: float
    deferred: float = 0  # acks without the answer in them


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


async def _measure(url: str, text: str, requests: int) -> Run:
    _deferred.clear()
    connector = aiohttp.TCPConnector(limit=10)
    async with aiohttp.ClientSession(connector=connector) as http:
        for _ in range(WARMUP):
            await _one(http, url, text)
        single = [await _one(http, url, text) for _ in range(requests)]
        queue = iter(range(requests))
        loaded: list[float] = []

        async def worker() -> None:
            for _ in queue:
                loaded.append(await _one(http, url, text))

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(10)))
        rate = requests / (time.perf_counter() - started)
    return Run(_percentile(single, 0.5), _percentile(single, 0.99), rate,
               _percentile(loaded, 0.5), _percentile(loaded, 0.99), len(_deferred))


def _run_server(kind: str, database_url: str, text: str, requests: int) -> Run:
    context = multiprocessing.get_context("spawn")
    ports = context.Queue()
    process = context.Process(target=_serve, args=(kind, database_url, ports), daemon=True)
    process.start()
    try:
        port = ports.get(timeout=60)
        return asyncio.run(_measure(f"http://127.0.0.1:{port}/slack/events", text, requests))
    finally:
        process.terminate()
        process.join()


def _median(runs: list[Run]) -> Run:
    return Run(*(statistics.median(getattr(r, f) for r in runs)
                 for f in ("p50", "p99", "rate", "p50_10", "p99_10", "deferred")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="per measurement")
    parser.add_argument("--rounds", type=int, default=2, help="floor/copbot pairs")
    parser.add_argument("--text", default="help", help="what follows /copbot")
    parser.add_argument("--database-url", default="", help="default: SQLite in a temp dir")
    parser.add_argument("--breakdown", action="store_true",
                        help="also time the Slack adapter with a core that skips the database")
    args = parser.parse_args(argv)

    kinds = ["floor", "copbot"] + (["adapter"] if args.breakdown else [])
    runs: dict[str, list[Run]] = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory() as tmp:
        database_url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        from http_seed import seed  # beside this script

        args.text = args.text.replace("{event}", str(asyncio.run(seed(database_url))))
        for _ in range(args.rounds):
            for kind in kinds:
                runs[kind].append(_run_server(kind, database_url, args.text, args.requests))
    floor, copbot = _median(runs["floor"]), _median(runs["copbot"])
    backend = database_url.split(":", 1)[0]
    print(f"Signed {COMMAND} {args.text!r} on loopback, {args.requests} requests per "
          f"measurement, median of {args.rounds} rounds; copbot on {backend}")
    print(f"{'':24}{'p50 ms @1':>11}{'p99 ms @1':>11}{'req/s @10':>11}"
          f"{'p50 ms @10':>12}{'p99 ms @10':>12}{'deferred':>10}")
    for name, run in (("bolt AsyncApp floor", floor), ("copbot serve", copbot)):
        print(f"{name:24}{run.p50:11.2f}{run.p99:11.2f}{run.rate:11.0f}"
              f"{run.p50_10:12.2f}{run.p99_10:12.2f}{run.deferred:10.0f}")
    if args.breakdown:
        adapter = _median(runs["adapter"])
        print(f"{'adapter, no database':24}{adapter.p50:11.2f}{adapter.p99:11.2f}"
              f"{adapter.rate:11.0f}{adapter.p50_10:12.2f}{adapter.p99_10:12.2f}"
              f"{adapter.deferred:10.0f}   (diagnostic)")
    p50_ratio = copbot.p50 / floor.p50
    rate_ratio = copbot.rate / floor.rate
    print(f"{'ratio copbot/floor':24}{p50_ratio:11.2f}{copbot.p99 / floor.p99:11.2f}"
          f"{rate_ratio:11.2f}")
    if args.text.split()[:1] in ([], ["help"]):
        print(f"target p50 ≤ {P50_TARGET}× floor: "
              f"{'met' if p50_ratio <= P50_TARGET else 'MISSED'}; "
              f"throughput ≥ {THROUGHPUT_TARGET}× floor: "
              f"{'met' if rate_ratio >= THROUGHPUT_TARGET else 'MISSED'}")
    else:
        print(f"target throughput ≥ {DATABASE_THROUGHPUT_TARGET}× floor (uses the database): "
              f"{'met' if rate_ratio >= DATABASE_THROUGHPUT_TARGET else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
