from __future__ import annotations

import pytest

from bot.commands import Args, Command, CommandRegistry, FreeText, ParsedCommand, Unknown
from bot.errors import UsageError
from bot.types import Reply


async def _noop(ctx: object, args: Args) -> Reply:
    return Reply()


def registry() -> CommandRegistry:
    return CommandRegistry([
        Command("help", "help", _noop),
        Command("signup", "sign up", _noop),
        Command("event", "show an event", _noop),
        Command("event add", "add an event", _noop),
        Command("my events", "yours", _noop),
    ])


def test_multi_word_commands_win_over_shorter_ones() -> None:
    parsed = registry().parse('event add title="Intro to SPC" capacity=30')
    assert isinstance(parsed, ParsedCommand)
    assert parsed.command.name == "event add"
    assert parsed.args.named == {"title": "Intro to SPC", "capacity": "30"}


def test_command_names_are_case_insensitive_and_args_keep_their_case() -> None:
    parsed = registry().parse("My Events  Analysis")
    assert isinstance(parsed, ParsedCommand)
    assert parsed.command.name == "my events"
    assert parsed.args.positional == ("Analysis",)


def test_empty_text_is_help() -> None:
    parsed = registry().parse("   ")
    assert isinstance(parsed, ParsedCommand) and parsed.command.name == "help"


def test_questions_are_free_text() -> None:
    assert isinstance(registry().parse("how do I get HES data?"), FreeText)
    assert isinstance(registry().parse("where are the SPC slides"), FreeText)


def test_single_unknown_word_is_an_unknown_command_with_suggestions() -> None:
    parsed = registry().parse("signupp")
    assert isinstance(parsed, Unknown)
    assert parsed.suggestions == ("signup",)
    parsed = registry().parse("signupp 12")
    assert isinstance(parsed, Unknown) and parsed.word == "signupp"


def test_slash_command_with_unknown_single_word_is_unknown() -> None:
    assert isinstance(registry().parse("frobnicate", expect_command=True), Unknown)
    assert isinstance(registry().parse("how do I find HES", expect_command=True), FreeText)


def test_unbalanced_quotes_are_a_usage_error() -> None:
    with pytest.raises(UsageError, match="quotes"):
        Args.parse('title="Intro to SPC')


def test_apostrophes_in_words_are_not_quotes() -> None:
    args = Args.parse("Q3 Apply through England's DARS; don't wait")
    assert args.positional == ("Q3", "Apply", "through", "England's", "DARS;", "don't", "wait")
    assert Args.parse('title="Intro to SPC\'s basics" capacity=3').named["title"] == (
        "Intro to SPC's basics")


def test_duplicate_command_names_are_refused() -> None:
    with pytest.raises(ValueError):
        CommandRegistry([Command("help", "a", _noop), Command("HELP", "b", _noop)])
