from __future__ import annotations

from tests.testbot import TestBot


async def test_members_declare_list_and_remove_expertise(bot: TestBot) -> None:
    reply = await bot.say("expertise add SPC, R, evaluation of social prescribing", as_="alice")
    assert "Added: SPC, R, evaluation of social prescribing." in reply.text
    again = await bot.say("expertise add spc", as_="alice")
    assert "Already listed: spc" in again.text
    listing = await bot.say("expertise", as_="alice")
    assert "• SPC" in listing.text and "• evaluation of social prescribing" in listing.text
    removed = await bot.say("expertise remove R", as_="alice")
    assert "Removed 1 topic" in removed.text
    assert "• R\n" not in (await bot.say("expertise", as_="alice")).text + "\n"


async def test_who_knows_ranks_the_closest_match_first(bot: TestBot) -> None:
    await bot.say("expertise add R, Python, SQL", as_="alice")
    await bot.say("expertise add statistical process control (SPC) charts", as_="bob")
    await bot.say("expertise add SPC", as_="carol")
    reply = await bot.say("who knows SPC")
    assert [item.title for item in reply.items] == ["Carol", "Bob"]
    nobody = await bot.say("who knows discrete event simulation")
    assert "Nobody has listed expertise" in nobody.text


async def test_expertise_needs_a_topic(bot: TestBot) -> None:
    reply = await bot.say("expertise add", as_="alice")
    assert "Usage: expertise add" in reply.text
    assert "haven't listed any expertise" in (await bot.say("expertise", as_="alice")).text


async def test_a_long_list_of_experts_pages(bot: TestBot) -> None:
    for n in range(12):
        await bot.say("expertise add SPC charts", as_=f"expert{n:02}")
    first = await bot.say("who knows SPC")
    assert first.title == "Who knows about “SPC” (12)" and len(first.items) == 10
    assert first.footer == "…and 2 more: who knows SPC page 2."
    [show_more] = first.buttons
    second = await bot.press(show_more.action_id, show_more.value)
    assert [i.title for i in second.items] == ["Expert10", "Expert11"]
    assert {i.title for i in first.items} | {"Expert10", "Expert11"} == {
        f"Expert{n:02}" for n in range(12)}
