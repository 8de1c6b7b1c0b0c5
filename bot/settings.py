"""Settings from ``COPBOT_*`` environment variables and an optional ``.env`` file.

Nothing about one network is hard-wired: its name, communities and time zone are all here.
Each platform's credentials live in its adapter's own settings class
(:mod:`adapters.slack.settings`, :mod:`adapters.teams.settings`), read the same way with
:func:`load`.  Bad values fail at start with a message naming the variable.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///copbot.db"

AnySettings = TypeVar("AnySettings", bound=BaseSettings)


def split_commas(value: object) -> object:
    """``"a, b,,c"`` → ``["a", "b", "c"]``: how a :data:`CommaList` setting is read."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


# A list setting written "a, b, c" (not JSON): any settings class may use it.
CommaList = Annotated[list[str], NoDecode, BeforeValidator(split_commas)]


def web_address(value: str) -> str:
    """An empty value or a full http(s) address: a URL setting's validator."""
    if value and not value.startswith(("https://", "http://")):
        raise ValueError("use a full web address starting https://")
    return value


class NetworkSettings(Protocol):
    """The settings handlers, and the services they call, read: the network's own, nothing
    about platforms, storage, serving or scheduling.  :class:`Settings` has all of them; a
    handler is given only these (:class:`bot.context.HandlerSettings`)."""

    @property
    def network_name(self) -> str: ...
    @property
    def bot_name(self) -> str: ...
    @property
    def zone(self) -> ZoneInfo: ...
    @property
    def organisers(self) -> Sequence[str]: ...
    @property
    def public_url(self) -> str: ...
    @property
    def events_window_days(self) -> int: ...
    @property
    def answer_precision(self) -> float: ...
    @property
    def synonyms_file(self) -> str: ...
    @property
    def search_engine(self) -> str: ...
    def community_seeds(self) -> list[tuple[str, str]]: ...


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="COPBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # The network
    network_name: str = "Midlands Decision Support Network"
    bot_name: str = "copbot"
    timezone: str = "Europe/London"
    # "slug:Display name" pairs, e.g. "analysis:Analysis,evaluation:Evaluation".
    communities: CommaList = Field(
        default_factory=lambda: ["analysis:Analysis", "evaluation:Evaluation", "evidence:Evidence"]
    )
    # "platform:workspace:user" keys, e.g. "slack:T123:U456,console::alice".
    organisers: CommaList = Field(default_factory=list)

    # Storage
    database_url: str = DEFAULT_DATABASE_URL
    database_echo: bool = False

    # Serving
    host: str = "0.0.0.0"
    port: int | None = Field(default=None, ge=0, le=65535)  # falls back to $PORT, then 3978
    public_url: str = ""  # e.g. https://copbot.example.nhs.uk, for links to /calendar.ics

    # Events
    events_window_days: int = Field(default=60, ge=1)

    # Knowledge
    # Answer when, on held-out questions, answers given at the best entry's probability of
    # being right were right at least this share of the time (0 < value <= 1).
    answer_precision: float = Field(default=0.9, gt=0.0, le=1.0)
    synonyms_file: str = ""
    # "auto" uses sentence embeddings when the [semantic] extra is installed.
    search_engine: Literal["auto", "lexical", "semantic"] = "auto"

    # Scheduler
    scheduler: Literal["on", "off"] = "on"
    channel_reminder_offsets: CommaList = Field(default_factory=lambda: ["7d", "1d", "1h"])
    personal_reminder_offsets: CommaList = Field(default_factory=lambda: ["1d", "15m"])
    digest_day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "mon"
    digest_time: str = "09:00"
    missed_grace: str = "2h"
    unanswered_after_working_days: int = Field(default=3, ge=1)
    faq_review_age_months: int = Field(default=12, ge=1)

    # Housekeeping (once a day): how long handled platform event ids are remembered, so a
    # platform's retry is recognised (Slack retries within the hour), and how long sent or
    # skipped deliveries stay listed in ``copbot deliveries``.
    idempotency_retention_days: int = Field(default=7, ge=1)
    outbox_retention_days: int = Field(default=90, ge=1)

    # Operations
    metrics: Literal["on", "off"] = "off"  # GET /metrics (Prometheus text format)
    log_format: Literal["text", "json"] = "text"

    @field_validator("timezone")
    @classmethod
    def _valid_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as "
                             "Europe/London)") from exc
        return value

    @field_validator("organisers")
    @classmethod
    def _valid_organisers(cls, value: list[str]) -> list[str]:
        for key in value:
            if key.count(":") < 2:
                raise ValueError(f"{key!r} is not platform:workspace:user (e.g. slack:T123:U456)")
        return value

    @field_validator("channel_reminder_offsets", "personal_reminder_offsets")
    @classmethod
    def _valid_offsets(cls, value: list[str]) -> list[str]:
        for item in value:
            parse_duration(item)
        return value

    @field_validator("missed_grace")
    @classmethod
    def _valid_grace(cls, value: str) -> str:
        parse_duration(value)
        return value

    @field_validator("digest_time")
    @classmethod
    def _valid_clock_time(cls, value: str) -> str:
        try:
            time.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError("use a 24-hour time of day such as 09:00") from exc
        return value.strip()

    @field_validator("public_url")
    @classmethod
    def _valid_web_address(cls, value: str) -> str:
        return web_address(value)

    @field_validator("database_url")
    @classmethod
    def _valid_url(cls, value: str) -> str:
        if not (value.startswith("sqlite+aiosqlite://") or value.startswith("postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///path.db or postgresql+asyncpg://user@host/db")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def community_seeds(self) -> list[tuple[str, str]]:
        return community_seeds(self.communities)

    def listen_port(self, environ_port: str | None) -> int:
        if self.port is not None:
            return self.port
        return int(environ_port) if environ_port else 3978

    @property
    def sqlite_path(self) -> Path | None:
        prefix = "sqlite+aiosqlite:///"
        if self.database_url.startswith(prefix):
            return Path(self.database_url[len(prefix):])
        return None


def community_seeds(communities: Sequence[str]) -> list[tuple[str, str]]:
    """``"phm:Population health"`` → ``("phm", "Population health")``, one per community."""
    seeds = []
    for item in communities:
        slug, _, name = item.partition(":")
        seeds.append((slug.strip().lower(), (name or slug).strip()))
    return seeds


_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> timedelta:
    """``90m``, ``1h``, ``7d``, ``1h30m`` → timedelta.  Raises ValueError with a clear message."""
    text = text.strip().lower().replace(" ", "")
    if not text:
        raise ValueError("empty duration")
    total = 0
    number = ""
    for char in text:
        if char in "0123456789":  # not str.isdigit, which takes "²" and other scripts' digits
            number += char
        elif char in _UNITS and number:
            total += int(number) * _UNITS[char]
            number = ""
        else:
            raise ValueError(f"{text!r} is not a duration like 90m, 1h or 7d")
        if len(number) > 12:  # far beyond any duration; int() of it would only cost time
            raise ValueError(f"{text!r} is too long a duration")
    if number:  # bare number: minutes
        total += int(number) * 60
    try:
        return timedelta(seconds=total)
    except OverflowError:
        raise ValueError(f"{text!r} is too long a duration") from None


class SettingsError(Exception):
    pass


def load(model: type[AnySettings], **overrides: object) -> AnySettings:
    """Read one settings class, turning validation errors into one readable message."""
    try:
        return model(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        prefix = str(model.model_config.get("env_prefix", ""))
        raise SettingsError("\n".join(_describe(error, prefix)
                                      for error in exc.errors())) from None


def load_settings(**overrides: object) -> Settings:
    """Read the core settings, turning validation errors into one readable message."""
    return load(Settings, **overrides)


def _describe(error: Any, prefix: str) -> str:
    """``COPBOT_DIGEST_TIME=9am: use a 24-hour time of day such as 09:00`` — one line."""
    name = prefix + str(error["loc"][0]).upper() if error["loc"] else "settings"
    message = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    shown = f"={value}" if isinstance(value, str | int | float) else ""
    return f"{name}{shown}: {message}"
