"""Teams message activities through ``copbot serve``, against a bare Agents SDK echo bot.

    python bench/teams_http.py [--requests 300] [--rounds 2] [--text communities]
                               [--concurrency 10] [--database-url postgresql+asyncpg://…]

Three processes on loopback besides this one: a fake Bot Framework (OpenID metadata and
JWKS with this run's RSA key, a token endpoint, and a Bot Connector that takes the replies;
from ``tests/adapters/teams/fake_connector.py``) and, one at a time, each server:

- the floor: the Agents SDK's own aiohttp pieces and nothing else — ``CloudAdapter``, its
  ``jwt_authorization_middleware`` (its JWKS client pointed at the local keys) and an
  ``ActivityHandler`` that echoes the text back through the connector;
- copbot: ``bot.app.server.create_app`` with the Teams adapter (its own token validation, stored
  conversation references), the real router and database (SQLite in a temporary directory
  unless ``--database-url`` is given), answering with an Adaptive Card.

This process posts personal-chat message activities, each with a fresh id and a valid
Bot Framework token (one per server, reused as Teams does), and times each POST until the
server's 202 — which both servers send only after their reply reached the connector.  It
prints p50/p99 latency at concurrency 1, activities per second (and p50/p99) at
``--concurrency``, copbot/floor ratios and the targets (p50 within 1.3× the floor,
throughput at least 0.77× it).  Rounds alternate floor and copbot; medians over rounds are
reported.  The database holds a few upcoming events (``bench/http_seed.py``); ``--text`` may
name the first as ``{event}`` (``--text "event {event}"``).
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
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.adapters.teams.fake_connector import (
    APP_ID,
    APP_PASSWORD,
    STATIC_TOKEN,
    FakeBotFramework,
)

WARMUP = 30
P50_TARGET = 1.3
THROUGHPUT_TARGET = 0.77
BOT_FRAMEWORK_JWKS = "https://login.botframework.com/v1/.well-known/keys"


# ---------------------------------------------------------------------------- processes
def _run_fake(pem: bytes, ports: Any) -> None:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    async def main() -> None:
        fake = FakeBotFramework(key=load_pem_private_key(pem, password=None))  # type: ignore[arg-type]
        await fake.start()
        ports.put(fake.url)
        while True:
            await asyncio.sleep(5)
            fake.posts.clear()  # keep memory flat over long runs

    asyncio.run(main())


async def _floor_app(fake_url: str) -> web.Application:
    """The Agents SDK quickstart shape: CloudAdapter + JWT middleware + an echo handler."""
    import threading

    from jwt import PyJWKClient
    from microsoft_agents.activity import TurnContextProtocol
    from microsoft_agents.hosting.aiohttp import CloudAdapter, jwt_authorization_middleware
    from microsoft_agents.hosting.core import (
        ActivityHandler,
        AgentAuthConfiguration,
        AnonymousTokenProvider,
        ConnectionManager,
        RestChannelServiceClientFactory,
    )
    from microsoft_agents.hosting.core.authorization.jwt import jwt_token_validator

    # The SDK fetches Bot Framework keys from a fixed URL; serve it this run's keys instead.
    jwt_token_validator.JwtTokenValidator._jwk_client_manager._cache[BOT_FRAMEWORK_JWKS] = (
        jwt_token_validator._JwkClientCacheEntry(PyJWKClient(f"{fake_url}/keys"),
                                                 threading.Lock()))

    class StaticToken(AnonymousTokenProvider):  # type: ignore[misc]
        async def get_access_token(self, resource_url: str, scopes: list[str],
                                   force_refresh: bool = False) -> str:
            return STATIC_TOKEN

    class Echo(ActivityHandler):  # type: ignore[misc]
        async def on_message_activity(self, turn_context: TurnContextProtocol[Any]) -> None:
            await turn_context.send_activity(f"echo: {turn_context.activity.text}")

    config = AgentAuthConfiguration(client_id=APP_ID, client_secret=APP_PASSWORD,
                                    tenant_id="botframework.com")
    connections = ConnectionManager(provider_factory=lambda _c: StaticToken(),
                                    connections_configurations={"SERVICE_CONNECTION": config})
    adapter = CloudAdapter(
        channel_service_client_factory=RestChannelServiceClientFactory(connections))
    agent = Echo()

    async def messages(request: web.Request) -> web.StreamResponse:
        response: web.StreamResponse = await adapter.process(request, agent)
        return response

    app = web.Application(middlewares=[jwt_authorization_middleware])
    app["agent_configuration"] = config
    app.router.add_post("/api/messages", messages)
    return app


async def _copbot_app(fake_url: str, database_url: str) -> web.Application:
    from adapters.slack.settings import SlackSettings
    from adapters.teams.settings import TeamsSettings
    from bot.app.platforms import PlatformSettings
    from bot.app.runtime import Runtime
    from bot.app.server import create_app
    from bot.settings import Settings

    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    teams = TeamsSettings(
        _env_file=None, app_id=APP_ID,  # type: ignore[call-arg]
        app_password=APP_PASSWORD,  # type: ignore[arg-type]
        openid_metadata_url=f"{fake_url}/openid", token_url=f"{fake_url}/token",
        trusted_service_urls=f"{fake_url}/teams/")
    platforms = PlatformSettings(slack=SlackSettings(_env_file=None),  # type: ignore[call-arg]
                                 teams=teams)
    runtime = Runtime(settings, platforms=platforms)
    await runtime.start()
    return await create_app(runtime)


def _run_server(kind: str, fake_url: str, database_url: str, ports: Any) -> None:
    warnings.simplefilter("ignore")  # the SDK's middleware uses string request keys

    async def main() -> None:
        app = await (_floor_app(fake_url) if kind == "floor"
                     else _copbot_app(fake_url, database_url))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        ports.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


# ---------------------------------------------------------------------------- load
_ids = itertools.count(1)


def _activity(fake_url: str, text: str) -> dict[str, Any]:
    number = next(_ids)
    return {
        "type": "message", "id": f"bench-{number}-{time.time_ns()}", "channelId": "msteams",
        "serviceUrl": f"{fake_url}/teams/", "text": text, "textFormat": "plain",
        "timestamp": "2026-12-03T10:00:00.000Z", "locale": "en-GB",
        "from": {"id": "29:bench-user", "name": "Bench User",
                 "aadObjectId": "bbbbbbbb-0000-4000-8000-0000000be9c4"},
        "recipient": {"id": f"28:{APP_ID}", "name": "copbot"},
        "conversation": {"conversationType": "personal", "id": "a:bench-personal-chat",
                         "tenantId": "11111111-2222-4333-8444-555555555555"},
        "channelData": {"tenant": {"id": "11111111-2222-4333-8444-555555555555"}},
    }


async def _one(http: aiohttp.ClientSession, url: str, token: str, fake_url: str,
               text: str) -> float:
    started = time.perf_counter()
    async with http.post(url, json=_activity(fake_url, text),
                         headers={"Authorization": f"Bearer {token}"}) as response:
        body = await response.read()
    elapsed = time.perf_counter() - started
    if response.status != 202:
        raise SystemExit(f"{url} answered {response.status}: {body[:200]!r}")
    return elapsed


@dataclass
class Phase:
    latencies: list[float]
    seconds: float

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


async def _phase(url: str, token: str, fake_url: str, text: str, count: int,
                 concurrency: int) -> Phase:
    queue = iter(range(count))
    latencies: list[float] = []
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:
        async def worker() -> None:
            for _ in queue:
                latencies.append(await _one(http, url, token, fake_url, text))

        for _ in range(WARMUP):
            await _one(http, url, token, fake_url, text)
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return Phase(latencies, seconds)


def _token(fake: FakeBotFramework, fake_url: str) -> str:
    fake.url = fake_url  # the serviceurl claim names the fake's connector
    return fake.token(exp=int(time.time()) + 3 * 3600)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="per phase (default 300)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--text", default="communities", help="what the user types")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    context = multiprocessing.get_context("spawn")
    ports = context.Queue()
    fake_process = context.Process(target=_run_fake, args=(pem, ports), daemon=True)
    fake_process.start()
    fake_url = ports.get(timeout=60)
    token = _token(FakeBotFramework(key=key), fake_url)
    results: dict[str, list[tuple[Phase, Phase]]] = {"floor": [], "copbot": []}
    with tempfile.TemporaryDirectory() as tmp:
        database_url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        from http_seed import seed  # beside this script

        args.text = args.text.replace("{event}", str(asyncio.run(seed(database_url))))
        try:
            for round_number in range(args.rounds):
                for kind in ("floor", "copbot"):
                    process = context.Process(target=_run_server,
                                              args=(kind, fake_url, database_url, ports),
                                              daemon=True)
                    process.start()
                    try:
                        url = f"http://127.0.0.1:{ports.get(timeout=120)}/api/messages"
                        serial = asyncio.run(_phase(url, token, fake_url, args.text,
                                                    args.requests, 1))
                        parallel = asyncio.run(_phase(url, token, fake_url, args.text,
                                                      args.requests, args.concurrency))
                    finally:
                        process.terminate()
                        process.join()
                    results[kind].append((serial, parallel))
                    print(f"round {round_number + 1} {kind:>6}: p50 {serial.percentile(50):6.2f} "
                          f"ms, {parallel.rate:7.1f} activities/s", flush=True)
        finally:
            fake_process.terminate()
            fake_process.join()
    _report(results, args)
    return 0


def _report(results: dict[str, list[tuple[Phase, Phase]]], args: argparse.Namespace) -> None:
    def median(kind: str, pick: Any) -> float:
        return statistics.median(pick(serial, parallel) for serial, parallel in results[kind])

    rows = {kind: {
        "p50": median(kind, lambda s, p: s.percentile(50)),
        "p99": median(kind, lambda s, p: s.percentile(99)),
        "rate": median(kind, lambda s, p: p.rate),
        "cp50": median(kind, lambda s, p: p.percentile(50)),
        "cp99": median(kind, lambda s, p: p.percentile(99)),
    } for kind in results}
    print()
    print(f"Teams message activities ({args.text!r}), {args.requests} per phase, "
          f"median of {args.rounds} rounds")
    print(f"{'':8} {'p50 ms':>8} {'p99 ms':>8} | {'act/s @' + str(args.concurrency):>11} "
          f"{'p50 ms':>8} {'p99 ms':>8}")
    for kind, row in rows.items():
        print(f"{kind:8} {row['p50']:8.2f} {row['p99']:8.2f} | {row['rate']:11.1f} "
              f"{row['cp50']:8.2f} {row['cp99']:8.2f}")
    floor, copbot = rows["floor"], rows["copbot"]
    print(f"ratio copbot/floor: p50 {copbot['p50'] / floor['p50']:.2f}x, "
          f"p99 {copbot['p99'] / floor['p99']:.2f}x, "
          f"throughput {copbot['rate'] / floor['rate']:.2f}x")
    p50_ratio, rate_ratio = copbot["p50"] / floor["p50"], copbot["rate"] / floor["rate"]
    backend = args.database_url.split(":", 1)[0] if args.database_url else "sqlite+aiosqlite"
    print(f"copbot on {backend}: target p50 ≤ {P50_TARGET}× floor: "
          f"{'met' if p50_ratio <= P50_TARGET else 'MISSED'}; throughput ≥ "
          f"{THROUGHPUT_TARGET}× floor: {'met' if rate_ratio >= THROUGHPUT_TARGET else 'MISSED'}")


if __name__ == "__main__":
    sys.exit(main())
