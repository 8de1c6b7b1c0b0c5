"""Which serviceUrls the bot will talk to.

The SDK's host validator is off by default at 1.9.0, which lets any caller with a valid token
name any serviceUrl (and then receive the bot's outbound token there).  This adapter always
enables it: a serviceUrl must be https on a Microsoft host (or one of the configured extra
prefixes, for tests and local emulators), and the SDK then also requires the token's
``serviceurl`` claim to name the same host as the activity.
"""

from __future__ import annotations

from microsoft_agents.hosting.core import OutboundHostValidator
from yarl import URL

# The Bot Framework's connector services (public cloud, Teams' government clouds); a host
# matches itself and its subdomains.
CONNECTOR_HOSTS = ("smba.trafficmanager.net", "botframework.com",
                   "smba.infra.gcc.teams.microsoft.com", "smba.infra.gov.teams.microsoft.us",
                   "smba.infra.dod.teams.microsoft.us")


class ServiceUrlPolicy(OutboundHostValidator):  # type: ignore[misc]
    """The SDK's validator, always enabled, plus explicitly trusted URL prefixes."""

    def __init__(self, extra_prefixes: list[str], *, loopback: bool = False) -> None:
        super().__init__(enabled=True)
        self.extra_prefixes = [p if p.endswith("/") else p + "/" for p in extra_prefixes if p]
        self.loopback = loopback

    @classmethod
    def from_setting(cls, value: str, *, loopback: bool = False) -> ServiceUrlPolicy:
        return cls([part.strip() for part in value.split(",") if part.strip()],
                   loopback=loopback)

    def is_allowed(self, url: str | URL) -> bool:
        text = str(url)
        if self._is_extra(text):
            return True
        if self.loopback and _is_loopback_http(text):
            return True
        return bool(super().is_allowed(url))

    def is_connector(self, url: str) -> bool:
        """A Bot Framework connector (or a configured extra prefix, or loopback in dev
        mode) — narrower than :meth:`is_allowed`, which takes any Microsoft host."""
        if self._is_extra(url) or (self.loopback and _is_loopback_http(url)):
            return True
        try:
            parsed = URL(url)
        except ValueError:
            return False
        host = (parsed.host or "").lower().rstrip(".")
        return parsed.scheme == "https" and any(
            host == known or host.endswith("." + known) for known in CONNECTOR_HOSTS)

    def _is_extra(self, text: str) -> bool:
        return any((text if text.endswith("/") else text + "/").startswith(prefix)
                   for prefix in self.extra_prefixes)


def _is_loopback_http(text: str) -> bool:
    try:
        url = URL(text)
    except ValueError:
        return False
    return url.scheme in ("http", "https") and url.host in ("localhost", "127.0.0.1", "::1")
