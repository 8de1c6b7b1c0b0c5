"""What a form says instead of an input whose current value is too long for the platform,
and how a submitted form's problems are named.

A platform that cannot show a value in an input (Slack: 3,000 characters) must not show a
cut copy either, since saving the form would then cut the text.  The input is left out (a
form that does not send a field leaves it as it is) and this note says how to change it.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from bot.commands import Args, Handler
from bot.context import Context
from bot.errors import InvalidFields
from bot.types import Form, FormInput, Reply


def typed_change(form: Form, spec: FormInput) -> str:
    """The one-line command that sets ``spec`` on what ``form`` edits."""
    return " ".join(part for part in (form.action_id, form.value, f'{spec.name}="…"') if part)


def too_long_note(form: Form, spec: FormInput, limit: int) -> str:
    """``Description (4,210 characters) is longer than this form can hold (3,000), so it
    stays as it is. To change it, type: event edit 12 description="…"``."""
    return (f"{spec.label} ({len(spec.value):,} characters) is longer than this form can hold "
            f"({limit:,}), so it stays as it is. To change it, type: "
            f"{typed_change(form, spec)}")


def named_as_shown(problems: InvalidFields, form: Form, *, submitted: bool) -> InvalidFields:
    """Problems with a submitted ``form`` named by the labels it shows (``Source link``, not
    ``url``); a typed command (``submitted`` false) keeps the names that were typed."""
    if not submitted:
        return problems
    return problems.labelled({spec.name: spec.label for spec in form.inputs})


def errors_by_label(blank_form: Callable[[Context], Awaitable[Reply]]
                    ) -> Callable[[Handler], Handler]:
    """A handler whose field problems, when a form was submitted, are named by the labels of
    the form ``blank_form`` shows."""
    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def labelled(ctx: Context, args: Args) -> Reply:
            try:
                return await handler(ctx, args)
            except InvalidFields as exc:
                form = (await blank_form(ctx)).form
                assert form is not None
                raise named_as_shown(exc, form, submitted=bool(ctx.incoming.form)) from exc
        return labelled
    return wrap
