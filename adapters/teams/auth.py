"""Who may call ``POST /api/messages``: Bot Framework JWT validation, and the dev mode.

The Agents SDK 1.9.0 validator checks the issuer only on request and fetches signing keys
from fixed Microsoft URLs, so this adapter validates tokens itself with PyJWT:

- RS256 only, signed by a key from the trusted issuer's OpenID metadata (JWKS), fetched
  asynchronously, cached, and refetched (at most every few minutes) for an unknown key id;
- ``iss`` must be a trusted issuer (the Bot Framework; for a single-tenant app also that
  tenant's Entra ID issuers) and ``aud`` the app id;
- ``exp`` and ``nbf`` are required and checked with the Bot Framework's five minutes of skew;
- a key that lists ``endorsements`` must endorse the activity's channel (``msteams``).

Any failure raises :class:`InvalidToken`, which the endpoint turns into 401 before the
activity reaches a handler.  The serviceUrl claim is compared with the activity by the SDK's
host validator (see :mod:`.service_urls`).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt

log = logging.getLogger(__name__)

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
LEEWAY_SECONDS = 300
KEYS_MAX_AGE = 24 * 3600
REFETCH_AFTER = 300  # an unknown key id triggers at most one refetch per five minutes
# Teams sends the same token with every activity for up to an hour: a token that validated
# is trusted again for this long (never past its expiry), without decoding it again.
VALIDATED_FOR = 300.0
VALIDATED_SIZE = 1_000


class InvalidToken(Exception):
    """The request is not from the Bot Framework for this app (message is for the log)."""


@dataclass(frozen=True, slots=True)
class SigningKey:
    key: Any
    endorsements: frozenset[str]


class OpenIdKeys:
    """The signing keys published through one OpenID metadata document."""

    def __init__(self, metadata_url: str, *, timeout: float = 10.0) -> None:
        self.metadata_url = metadata_url
        self.timeout = timeout
        self._keys: dict[str, SigningKey] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def get(self, kid: str) -> SigningKey:
        key = self._keys.get(kid)
        if key is not None and time.monotonic() - self._fetched_at < KEYS_MAX_AGE:
            return key
        async with self._lock:
            stale = time.monotonic() - self._fetched_at >= (
                KEYS_MAX_AGE if kid in self._keys else REFETCH_AFTER)
            if stale:
                try:
                    await self._fetch()
                except InvalidToken:
                    if kid not in self._keys:
                        raise
                    log.warning("could not refresh signing keys; using the ones from before",
                                exc_info=True)
        key = self._keys.get(kid)
        if key is None:
            raise InvalidToken(f"unknown signing key {kid!r}")
        return key

    async def _fetch(self) -> None:
        try:
            timeout = aiohttp.ClientTimeout(total=self.timeout)
            async with aiohttp.ClientSession(timeout=timeout) as http:
                async with http.get(self.metadata_url) as resp:
                    resp.raise_for_status()
                    metadata = await resp.json(content_type=None)
                async with http.get(str(metadata["jwks_uri"])) as resp:
                    resp.raise_for_status()
                    jwks = await resp.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, KeyError, TypeError, ValueError) as exc:
            raise InvalidToken(f"could not fetch signing keys: {exc!r}") from exc
        keys: dict[str, SigningKey] = {}
        for entry in jwks.get("keys", []) if isinstance(jwks, Mapping) else []:
            try:
                parsed = jwt.PyJWK.from_dict(entry)
            except (jwt.PyJWKError, jwt.InvalidKeyError):
                continue
            kid = entry.get("kid")
            if isinstance(kid, str):
                endorsements = entry.get("endorsements") or []
                keys[kid] = SigningKey(parsed.key, frozenset(str(e) for e in endorsements))
        self._keys = keys
        self._fetched_at = time.monotonic()
        log.info("fetched %d signing keys from %s", len(keys), self.metadata_url)


@dataclass(frozen=True, slots=True)
class TrustedIssuers:
    issuers: frozenset[str]
    keys: OpenIdKeys


@dataclass(frozen=True, slots=True)
class ValidatedToken:
    claims: dict[str, Any]
    endorsements: frozenset[str]

    def check_service_url_claim(self, service_url: str,
                                is_connector: Callable[[str], bool]) -> None:
        """Bot Framework tokens name the serviceUrl they are for; the SDK's host validator
        then compares it with the activity's.  A token without one cannot be compared: from
        the Bot Framework it is refused, and a tenant-issued one (Entra ID, single-tenant
        apps) is accepted only for a Bot Framework connector host, never for any other
        Microsoft host the SDK would otherwise allow."""
        if self.claims.get("serviceurl"):
            return
        if self.claims.get("iss") == BOT_FRAMEWORK_ISSUER:
            raise InvalidToken("Bot Framework token without a serviceurl claim")
        if not is_connector(service_url):
            raise InvalidToken(f"tenant token without a serviceurl claim for {service_url!r}, "
                               "which is not a Bot Framework connector")

    def check_channel(self, channel_id: str) -> None:
        """A key that lists endorsements may only sign for those channels."""
        if self.endorsements and channel_id not in self.endorsements:
            raise InvalidToken(f"signing key is not endorsed for channel {channel_id!r}")


class TokenValidator:
    def __init__(self, app_id: str, trusted: Iterable[TrustedIssuers], *,
                 now: Callable[[], float] = time.time) -> None:
        self.audiences = [app_id, f"api://{app_id}"]
        self.trusted = list(trusted)
        self._now = now
        # token → (trusted until, its validation): the signature check is the costly part.
        self._validated: OrderedDict[str, tuple[float, ValidatedToken]] = OrderedDict()

    async def validate(self, token: str) -> ValidatedToken:
        """The verified claims of ``token``; raises :class:`InvalidToken`.  A token that
        validated in the last :data:`VALIDATED_FOR` seconds is not checked again (until it
        expires, with the usual skew)."""
        now = self._now()
        known = self._validated.get(token)
        if known is not None:
            if known[0] > now:
                self._validated.move_to_end(token)
                return known[1]
            del self._validated[token]
        validated = await self._validate(token)
        expires = validated.claims.get("exp")
        if isinstance(expires, int | float):
            self._validated[token] = (min(now + VALIDATED_FOR, expires + LEEWAY_SECONDS),
                                      validated)
            while len(self._validated) > VALIDATED_SIZE:
                self._validated.popitem(last=False)
        return validated

    async def _validate(self, token: str) -> ValidatedToken:
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"malformed token: {exc}") from exc
        if header.get("alg") != "RS256":
            raise InvalidToken(f"algorithm {header.get('alg')!r} is not accepted")
        issuer = unverified.get("iss")
        trust = next((t for t in self.trusted if issuer in t.issuers), None)
        if trust is None:
            raise InvalidToken(f"untrusted issuer {issuer!r}")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise InvalidToken("token names no signing key")
        signing = await trust.keys.get(kid)
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key=signing.key, algorithms=["RS256"], audience=self.audiences,
                issuer=issuer, leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "nbf", "iss", "aud"]})
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"token rejected: {exc}") from exc
        if not isinstance(claims.get("aud"), str):
            raise InvalidToken("a token for several audiences is not for this bot alone")
        return ValidatedToken(claims, signing.endorsements)


def bearer_token(header: str | None) -> str:
    """The token of an ``Authorization: Bearer …`` header; raises :class:`InvalidToken`."""
    if not header:
        raise InvalidToken("no Authorization header")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        raise InvalidToken("Authorization header is not a bearer token")
    return token


def trusted_issuers(*, metadata_url: str, app_type: str, tenant_id: str,
                    tenant_metadata_url: str = "") -> list[TrustedIssuers]:
    """The Bot Framework, plus the app's own tenant for a single-tenant app (its keys from
    ``tenant_metadata_url``, by default the public cloud's Entra ID)."""
    trusted = [TrustedIssuers(frozenset({BOT_FRAMEWORK_ISSUER}), OpenIdKeys(metadata_url))]
    if app_type == "SingleTenant" and tenant_id:
        entra = OpenIdKeys(tenant_metadata_url or
            f"https://login.microsoftonline.com/{tenant_id}/v2.0/.well-known/openid-configuration")
        trusted.append(TrustedIssuers(frozenset({
            f"https://sts.windows.net/{tenant_id}/",
            f"https://login.microsoftonline.com/{tenant_id}/v2.0",
        }), entra))
    return trusted


def is_loopback(remote: str | None) -> bool:
    """True for a client on this machine (dev mode accepts nothing else)."""
    if not remote:
        return False
    try:
        return ipaddress.ip_address(remote.split("%")[0]).is_loopback
    except ValueError:
        return False
