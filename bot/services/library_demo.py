"""Demo FAQ entries and library resources for an NHS analysts' network (``copbot chat --demo``).

The content is illustrative; links point at the public pages analysts would expect.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.library import (
    FaqFields,
    ResourceFields,
    community_id,
    library_changed,
    new_faq,
    new_resource,
)
from bot.settings import NetworkSettings
from storage.repositories.knowledge import FaqRepository, ResourceRepository

FAQ = [
    FaqFields(
        external_id="demo-hes-access", community="analysis", tags=("hes", "data access"),
        question="How do I get access to HES data?",
        answer="Most organisations receive HES through their DSCRO or the national data "
               "platform. If yours does not, apply through the **Data Access Request Service "
               "(DARS)**; your information governance lead will need to sign off the data "
               "sharing agreement.",
        url="https://digital.nhs.uk/services/data-access-request-service-dars",
        alternates=("Who approves Hospital Episode Statistics extracts?",
                    "Can I get record-level hospital data?"),
        owner="Data Access Working Group", last_reviewed=date(2026, 6, 30)),
    FaqFields(
        external_id="demo-spc-chart", community="evaluation", tags=("spc", "measurement"),
        question="When should I use an SPC chart rather than a RAG rating?",
        answer="Use a statistical process control chart whenever you report a measure over "
               "time: it separates common-cause from special-cause variation, which a RAG "
               "rating against a target cannot. NHS England's *Making Data Count* guide has "
               "worked examples and a free Excel tool.",
        url="https://www.england.nhs.uk/publication/making-data-count/",
        alternates=("Why not use red amber green for board reports?",),
        owner="Evaluation community", last_reviewed=date(2026, 3, 12)),
    FaqFields(
        external_id="demo-los", community="analysis", tags=("los", "acute"),
        question="How should I calculate length of stay?",
        answer="Count midnights: discharge date minus admission date, in days, with same-day "
               "stays as 0. Report the median and the share of long stays (21+ days) as well "
               "as the mean, because the distribution is heavily skewed.",
        url="https://www.datadictionary.nhs.uk/",
        alternates=("How do I work out LOS from spells?",),
        owner="Acute flow analysts", last_reviewed=date(2026, 9, 1)),
    FaqFields(
        external_id="demo-ae-4h", community="analysis", tags=("a&e", "uec", "performance"),
        question="Where are the A&E four-hour performance figures published?",
        answer="NHS England publishes monthly A&E attendances and emergency admissions by "
               "provider, usually on the second Thursday of the month, with the four-hour "
               "standard broken down by department type.",
        url="https://www.england.nhs.uk/statistics/statistical-work-areas/"
            "ae-waiting-times-and-activity/",
        owner="Urgent care analysts", last_reviewed=date(2026, 10, 8)),
    FaqFields(
        external_id="demo-deprivation", community="evidence", tags=("imd", "inequalities"),
        question="How do I add deprivation to patient-level data?",
        answer="Map each patient's postcode to a lower layer super output area (LSOA) with "
               "the ONS postcode directory, then join the English Indices of Deprivation by "
               "LSOA. Use the 2021 LSOA boundaries with IMD 2019 via the published lookup.",
        url="https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019",
        alternates=("How do I get IMD deciles for my patients?",),
        owner="Population health analysts", last_reviewed=date(2025, 11, 20)),
    FaqFields(
        external_id="demo-small-numbers", community="evidence", tags=("ig", "publication"),
        question="Do I need to suppress small numbers before publishing?",
        answer="Yes for anything leaving your organisation: suppress counts below 5 (and "
               "secondary cells that would reveal them), or round to the nearest 5. Check your "
               "organisation's disclosure control policy first.",
        url="https://digital.nhs.uk/data-and-information/data-collections-and-data-sets/"
            "data-sets/hospital-episode-statistics/change-to-disclosure-control-methodology-"
            "for-hes-and-ecds-from-september-2018",
        owner="Information governance", last_reviewed=date(2026, 1, 15)),
    FaqFields(
        external_id="demo-forecasting", community="analysis", tags=("forecasting", "demand"),
        question="Which method should I use to forecast demand?",
        answer="Start with a seasonal naive benchmark and exponential smoothing (ETS); only "
               "move to ARIMA, Prophet or machine learning if they beat the benchmark on a "
               "held-out period. Always show prediction intervals.",
        url="https://otexts.com/fpp3/",
        alternates=("How do I predict next winter's admissions?",),
        owner="Modelling community", last_reviewed=date(2026, 8, 4)),
    FaqFields(
        external_id="demo-evaluation-design", community="evaluation",
        tags=("evaluation", "its", "did"),
        question="How do I evaluate a service change without a randomised trial?",
        answer="Use a quasi-experimental design: an interrupted time series if you have a long "
               "run of data before the change, or difference-in-differences with a comparison "
               "site that was not changed. Agree the outcome measures before you look at the "
               "data.",
        url="https://www.gov.uk/government/publications/the-magenta-book",
        owner="Evaluation community", last_reviewed=date(2026, 5, 19)),
    FaqFields(
        external_id="demo-join-network", tags=("network",),
        question="How do I join a community of practice?",
        answer="Type communities to see them, then ask an organiser to add you to its channel. "
               "Seminars are open to everyone in the network: type events to see what's on.",
        owner="Network organisers", last_reviewed=date(2026, 11, 2)),
]

RESOURCES = [
    ResourceFields(
        external_id="demo-mdc", title="Making Data Count: getting started", type="guide",
        community="evaluation", tags=("spc", "boards"), published=date(2024, 5, 1),
        url="https://www.england.nhs.uk/publication/making-data-count-getting-started/",
        summary="Why boards should look at charts over time, and how to build SPC charts."),
    ResourceFields(
        external_id="demo-plotthedots", title="NHSRplotthedots: SPC charts in R", type="tool",
        community="analysis", tags=("spc", "r"), published=date(2025, 2, 10),
        url="https://github.com/nhs-r-community/NHSRplotthedots",
        summary="An R package that draws Making Data Count style XmR charts."),
    ResourceFields(
        external_id="demo-fpp3", title="Forecasting: Principles and Practice", type="course",
        community="analysis", tags=("forecasting", "r"), published=date(2021, 5, 1),
        url="https://otexts.com/fpp3/",
        summary="Free textbook on time series forecasting with worked R examples."),
    ResourceFields(
        external_id="demo-magenta", title="The Magenta Book", type="guide",
        community="evaluation", tags=("evaluation",), published=date(2020, 3, 26),
        url="https://www.gov.uk/government/publications/the-magenta-book",
        summary="HM Treasury guidance on designing and running evaluations."),
    ResourceFields(
        external_id="demo-imd", title="English Indices of Deprivation 2019", type="dataset",
        community="evidence", tags=("imd", "inequalities"), published=date(2019, 9, 26),
        url="https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019",
        summary="Deprivation ranks and deciles for every LSOA in England."),
    ResourceFields(
        external_id="demo-winter-recording", title="Seminar recording: modelling winter bed "
        "demand", type="recording", community="analysis", tags=("forecasting", "beds"),
        published=date(2026, 10, 22), url="https://example.nhs.uk/seminars/winter-beds",
        summary="How three trusts built their winter bed models, and what they got wrong."),
    ResourceFields(
        external_id="demo-its-slides", title="Interrupted time series in practice",
        type="slides", community="evaluation", tags=("its", "evaluation"),
        published=date(2026, 7, 14), url="https://example.nhs.uk/seminars/its-slides",
        summary="Slides from the evaluation community's ITS masterclass."),
    ResourceFields(
        external_id="demo-ae-report", title="A&E attendances by deprivation, 2025/26",
        type="report", community="evidence", tags=("a&e", "inequalities"),
        published=date(2026, 9, 30), url="https://example.nhs.uk/reports/ae-deprivation",
        summary="Network report on emergency department use across IMD deciles."),
]


async def seed_library(session: AsyncSession, settings: NetworkSettings,
                       now: datetime) -> str | None:
    faq_count = await FaqRepository(session).count()
    resource_count = await ResourceRepository(session).count()
    if faq_count or resource_count:
        return None
    entries = []
    for fields in FAQ:
        entry = new_faq(fields, await community_id(session, fields.community, create=True),
                        None, now)
        session.add(entry)
        entries.append(entry)
    for item in RESOURCES:
        session.add(new_resource(item, await community_id(session, item.community, create=True),
                                 None, now))
    await library_changed(session, settings, entries)
    return f"{len(FAQ)} FAQ entries and {len(RESOURCES)} library resources"
