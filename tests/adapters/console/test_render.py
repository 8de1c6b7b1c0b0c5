from __future__ import annotations

from adapters.console.render import render_text
from bot.types import Button, Field, Item, Reply


def test_numbered_buttons_show_their_typed_equivalent() -> None:
    reply = Reply(
        title="Upcoming events",
        items=(Item(title="#12 Intro to SPC", fields=(Field("When", "Thu 3 Dec 14:00"),),
                    buttons=(Button("Sign up", "signup", "12"),)),),
        buttons=(Button("More", "events", "analysis"),),
    )
    pressed: list[Button] = []
    text = render_text(reply, numbered=pressed)
    assert "[1] Sign up (signup 12)" in text
    assert "[2] More (events analysis)" in text
    assert "When: Thu 3 Dec 14:00" in text
    assert [b.command_text for b in pressed] == ["signup 12", "events analysis"]


def test_scripted_rendering_shows_commands_not_numbers() -> None:
    text = render_text(Reply(text="hi", buttons=(Button("Cancel", "cancel", "3"),)))
    assert "[Cancel: cancel 3]" in text
