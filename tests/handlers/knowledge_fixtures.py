"""Shared set-up for the knowledge tests: both engines, and entries added as an organiser."""

from __future__ import annotations

import shlex

import pytest

from tests.testbot import TestBot

# Both engines; the semantic one is skipped where the [semantic] extra is not installed
# (CI runs ``pytest -m semantic`` in a second venv that has it).
ENGINES = ["lexical", pytest.param("semantic", marks=pytest.mark.semantic)]


def named(**fields: str) -> str:
    return " ".join(f"{name}={shlex.quote(value)}" for name, value in fields.items())


async def add_faq(bot: TestBot, **fields: str) -> str:
    """Add a FAQ entry as the organiser olive; returns its public id (F1 …)."""
    reply = await bot.say(f"faq add {named(**fields)}", as_="olive")
    assert reply.text.startswith("Added FAQ entry F"), reply.text
    return reply.text.split()[3].rstrip(":")


async def add_resource(bot: TestBot, **fields: str) -> str:
    reply = await bot.say(f"resource add {named(**fields)}", as_="olive")
    assert reply.text.startswith("Added R"), reply.text
    return reply.text.split()[1]


HES = {
    "question": "How do I get access to HES data?",
    "answer": "Apply through **DARS** with your IG lead. See [the guide](https://digital.nhs.uk/dars).",
    "url": "https://digital.nhs.uk/services/data-access-request-service-dars",
    "tags": "hes, data access",
    "alternates": "Who approves Hospital Episode Statistics extracts?",
    "community": "analysis",
    "reviewed": "2026-06-30",
}
AE = {
    "question": "Where are accident and emergency waiting times published?",
    "answer": "NHS England publishes monthly A&E attendances and emergency admissions.",
    "url": "https://www.england.nhs.uk/statistics/statistical-work-areas/ae-waiting-times-and-activity/",
    "tags": "uec",
}
SPC = {
    "question": "What is a statistical process control chart?",
    "answer": "A run chart with control limits that separates common from special cause "
              "variation.",
    "url": "https://www.england.nhs.uk/statistical-process-control-tool/",
    "community": "evaluation",
    "tags": "spc",
}
