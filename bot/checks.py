"""``copbot check``: is this configuration able to run?

Offline checks (the settings themselves and every file a setting names) run at the start of
``serve``, ``worker``, ``chat`` and ``scheduler tick``; a failure stops the process with one
line naming the variable and the fix.  Online checks (the database, and each configured
platform through its adapter's ``check``) run only in ``copbot check``.  The adapters' checks
are passed in (:mod:`bot.app.platforms` lists them), so this module knows no platform.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.settings import Settings, SettingsError

CHECK_TIMEOUT = 15.0

Status = Literal["ok", "fail", "skip"]


@dataclass(frozen=True)
class CheckResult:
    """One line of ``copbot check``: what was checked, how it went, and what to do."""

    name: str
    status: Status
    detail: str

    def line(self) -> str:
        return f"{self.status.upper():<4}  {self.name}: {self.detail}"


# An adapter's online check, bound to its own settings: None when it is not configured.
PlatformCheck = Callable[[], Awaitable[CheckResult | None]]
# An adapter's offline checks, bound to its own settings: its files and its rules, no I/O.
SettingsCheck = Callable[[], list[CheckResult]]


def file_problem(variable: str, value: str, what: str) -> str | None:
    path = Path(value)
    if not path.is_file():
        return (f"{variable}={value}: no such file; create it or point {variable} at "
                f"{what}")
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        return f"{variable}={value}: cannot be read ({exc.strerror}); fix its permissions"
    return None


def check_files(settings: Settings) -> list[CheckResult]:
    """Every file a setting names exists, can be read and (where we can tell) is valid."""
    results: list[CheckResult] = []
    if settings.synonyms_file:
        problem = file_problem("COPBOT_SYNONYMS_FILE", settings.synonyms_file,
                                "your synonyms YAML file (or unset it)")
        if problem is None:
            from storage.search.synonyms import SynonymsError, read_groups

            try:
                groups = read_groups(Path(settings.synonyms_file))
            except SynonymsError as exc:
                problem = f"COPBOT_SYNONYMS_FILE: {exc}"
            else:
                results.append(CheckResult("COPBOT_SYNONYMS_FILE", "ok",
                                           f"{settings.synonyms_file} ({len(groups)} groups)"))
        if problem is not None:
            results.append(CheckResult("COPBOT_SYNONYMS_FILE", "fail", problem))
    sqlite = settings.sqlite_path
    if sqlite is not None and str(sqlite) not in ("", ":memory:"):
        folder = sqlite.parent
        if folder.exists() and not folder.is_dir():
            results.append(CheckResult(
                "COPBOT_DATABASE_URL", "fail",
                f"COPBOT_DATABASE_URL: {folder} is not a folder; choose another path"))
    return results


def rule_results(name: str, rule: Callable[[], None]) -> list[CheckResult]:
    """An adapter's offline rules (e.g. a Slack bot token needs a signing secret) as
    results: a failure when ``rule`` raises :class:`SettingsError`, nothing otherwise."""
    try:
        rule()
    except SettingsError as exc:
        return [CheckResult(name, "fail", str(exc))]
    return []


def offline_checks(settings: Settings, platforms: Sequence[SettingsCheck]) -> list[CheckResult]:
    return check_files(settings) + [result for check in platforms for result in check()]


def require_offline(settings: Settings, platforms: Sequence[SettingsCheck]) -> None:
    """Raise :class:`SettingsError` with one line per failed offline check."""
    failures = [result.detail for result in offline_checks(settings, platforms)
                if result.status == "fail"]
    if failures:
        raise SettingsError("\n".join(failures))


async def check_database(settings: Settings) -> CheckResult:
    from storage.db import Database

    database = Database(settings.database_url)
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            await database.probe()
    except Exception as exc:  # any failure to connect is the finding, not a crash
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return CheckResult("database", "fail",
                           f"cannot reach {database.dialect} database ({reason}); check "
                           "COPBOT_DATABASE_URL and that the server is running")
    finally:
        await database.dispose()
    return CheckResult("database", "ok", f"reached the {database.dialect} database")


async def online_checks(settings: Settings,
                        platforms: Sequence[tuple[str, PlatformCheck]]) -> list[CheckResult]:
    results = [await check_database(settings)]
    for name, check in platforms:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT):
                result = await check()
        except TimeoutError:
            result = CheckResult(name, "fail", f"no answer within {CHECK_TIMEOUT:.0f} s")
        results.append(result or CheckResult(name, "skip", "not configured"))
    return results
