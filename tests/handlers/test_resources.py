"""The library: ranked search with filters, the newest, and organisers adding resources."""

from __future__ import annotations

from bot.types import Action
from tests.handlers.knowledge_fixtures import add_resource, named
from tests.testbot import TestBot

SPC_R = dict(title="SPC charts in R with NHSRplotthedots", type="tool", community="analysis",
             url="https://github.com/nhs-r-community/NHSRplotthedots", tags="spc, r",
             summary="An R package for statistical process control charts.",
             published="2025-02-01")
SPC_GUIDE = dict(title="Making data count: a guide to SPC", type="guide",
                 community="evaluation", url="https://www.england.nhs.uk/mdc/", tags="spc",
                 summary="Why boards should use statistical process control.",
                 published="2024-05-01")
FORECAST = dict(title="Forecasting A&E attendances", type="recording", community="analysis",
                url="https://example.org/forecasting-ae", tags="forecasting, a&e",
                summary="Seminar recording: prophet and ARIMA for emergency demand.",
                published="2026-11-20")


async def _library(bot: TestBot) -> None:
    for fields in (SPC_R, SPC_GUIDE, FORECAST):
        await add_resource(bot, **fields)


async def test_search_ranks_matching_resources_with_links(bot: TestBot) -> None:
    await _library(bot)
    reply = await bot.say("resources statistical process control")
    assert reply.title == "Library: statistical process control"
    assert {i.title for i in reply.items} == {SPC_R["title"], SPC_GUIDE["title"]}
    assert all(i.link is not None and i.link.url.startswith("https://") for i in reply.items)


async def test_abbreviations_work_in_library_search(bot: TestBot) -> None:
    await _library(bot)
    reply = await bot.say("resources accident and emergency")
    assert [i.title for i in reply.items] == [FORECAST["title"]]


async def test_filters_by_type_community_and_tag(bot: TestBot) -> None:
    await _library(bot)
    by_type = await bot.say("resources spc type:guide")
    assert [i.title for i in by_type.items] == [SPC_GUIDE["title"]]
    assert by_type.title == "Library: spc (type guide)"
    by_community = await bot.say("resources spc community:analysis")
    assert [i.title for i in by_community.items] == [SPC_R["title"]]
    by_tag = await bot.say("resources charts tag:r")
    assert [i.title for i in by_tag.items] == [SPC_R["title"]]
    named_form = await bot.say("resources spc type=guide")
    assert named_form.items == by_type.items


async def test_resources_alone_lists_the_newest(bot: TestBot) -> None:
    await _library(bot)
    reply = await bot.say("resources")
    assert [i.title for i in reply.items] == [FORECAST["title"], SPC_R["title"],
                                              SPC_GUIDE["title"]]
    filtered = await bot.say("resources tag:spc")
    assert [i.title for i in filtered.items] == [SPC_R["title"], SPC_GUIDE["title"]]
    assert [i.title for i in (await bot.say("library type:recording")).items] == [
        FORECAST["title"]]


async def test_nothing_found_and_bad_filters_are_explained(bot: TestBot) -> None:
    assert "Nothing in the library is there yet" in (await bot.say("resources")).text
    await _library(bot)
    assert "Nothing in the library matches “zebrafish”" in (
        await bot.say("resources zebrafish")).text
    bad_type = await bot.say("resources spc type:podcast")
    assert "“podcast” is not a resource type" in bad_type.text and "guide" in bad_type.text
    bad_community = await bot.say("resources spc community:astronomy")
    assert "no community called “astronomy”" in bad_community.text
    assert "not colour" in (await bot.say("resources spc colour=red")).text


async def test_resource_add_is_for_organisers_and_validated(bot: TestBot) -> None:
    refused = await bot.say(f"resource add {named(**SPC_R)}", as_="alice")
    assert "Only organisers" in refused.text
    fields = named(title="", url="not a link", type="podcast", published="May")
    reply = await bot.say(f"resource add {fields}", as_="olive")
    assert set(reply.field_errors) == {"title", "url", "type", "published"}
    assert "Nothing in the library is there yet" in (await bot.say("resources")).text


async def test_resource_add_without_fields_offers_a_form(bot: TestBot) -> None:
    reply = await bot.say("resource add", as_="olive")
    assert reply.form is not None and reply.form.action_id == "resource add"
    kinds = next(i for i in reply.form.inputs if i.name == "type")
    assert ("dataset", "dataset") in kinds.choices
    done = await bot.send(bot.incoming(as_="olive", action=Action("resource add"), form={
        "title": "ONS population estimates", "url": "https://www.ons.gov.uk/", "type": "dataset",
        "summary": "", "community": "", "tags": "", "published": "", "id": ""}))
    assert done.text == "Added R1 to the library: “ONS population estimates”."
    assert [i.title for i in (await bot.say("resources office for national statistics")).items
            ] == ["ONS population estimates"]


async def test_resource_edit_changes_what_search_finds(bot: TestBot) -> None:
    await _library(bot)
    form = await bot.say("resource edit R3", as_="olive")
    assert form.form is not None and form.form.value == "R3"
    assert next(i for i in form.form.inputs if i.name == "title").value == FORECAST["title"]
    reply = await bot.say('resource edit R3 title="Forecasting bed occupancy" tags=beds',
                          as_="olive")
    assert reply.text == "Updated R3: “Forecasting bed occupancy”."
    assert "Nothing in the library matches" in (await bot.say("resources A&E")).text
    assert [i.title for i in (await bot.say("resources beds")).items] == [
        "Forecasting bed occupancy"]
