"""The console adapter: talk to the bot in a terminal (``copbot chat``)."""

from adapters.console.render import render_text
from adapters.console.session import ConsoleSession, ConsoleTransport

__all__ = ["ConsoleSession", "ConsoleTransport", "render_text"]
