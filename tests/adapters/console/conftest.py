"""The CLI tests' working directory, for the console journeys through ``copbot chat``."""

from tests.bot.conftest import workdir

__all__ = ["workdir"]
