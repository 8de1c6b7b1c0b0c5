"""Errors a handler raises to tell the user something went wrong with *their* input.

The router turns these into a friendly reply and rolls the unit of work back, so a refused
command changes nothing.  Any other exception is a bug: it is logged with its trace and the
user sees a generic apology with an error reference.
"""

from __future__ import annotations

from collections.abc import Mapping


class UserError(Exception):
    """A message for the user; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(UserError):
    """The command's arguments were wrong; the router appends the command's usage."""


class NotAllowed(UserError):
    """The person may not do this (e.g. a member trying an organiser command)."""


class NotFound(UserError):
    """The thing named does not exist."""


class InvalidFields(UserError):
    """Several named fields are invalid; every problem is reported at once."""

    def __init__(self, errors: Mapping[str, str], *, summary: str = "Please fix these:",
                 labels: Mapping[str, str] | None = None) -> None:
        self.errors = dict(errors)
        self.summary = summary
        names = labels or {}
        lines = [summary, *(f"• {names.get(name, name)}: {problem}"
                            for name, problem in self.errors.items())]
        super().__init__("\n".join(lines))

    def labelled(self, labels: Mapping[str, str]) -> InvalidFields:
        """The same problems, named by the labels a form shows (``Places``, not
        ``capacity``); ``errors`` keeps the field names so each shows by its input."""
        return InvalidFields(self.errors, summary=self.summary, labels=labels)
