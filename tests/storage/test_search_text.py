"""Words to search terms: stems, stop words, and the health-analytics vocabulary."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.search.synonyms import SynonymsError, load_synonyms, merge, read_groups
from storage.search.text import Analyzer, SynonymGroup, words


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(load_synonyms())


@pytest.mark.parametrize(("short", "long"), [
    ("A&E", "accident and emergency"),
    ("A&E", "Accident & Emergency"),
    ("HES", "Hospital Episode Statistics"),
    ("SUS+", "secondary uses service"),
    ("ICB", "integrated care board"),
    ("ICS", "integrated care system"),
    ("SPC", "statistical process control"),
    ("PHM", "population health management"),
    ("GP", "general practice"),
    ("LOS", "length of stay"),
    ("ONS", "Office for National Statistics"),
])
def test_abbreviation_and_expansion_share_a_term(analyzer: Analyzer, short: str,
                                                  long: str) -> None:
    asked = analyzer.terms(f"where do I find {short} data", query=True)
    stored = analyzer.terms(f"Guidance on {long} data")
    group = [t for t in asked if t.startswith("~")]
    assert group and group[0] in stored
    # and the other way round
    assert set(analyzer.terms(long, query=True)) <= set(analyzer.terms(f"about {short}"))


def test_abbreviations_are_not_stemmed_into_common_words(analyzer: Analyzer) -> None:
    # "ONS" would stem to "on", a stop word; "ICS" to "ic".
    assert analyzer.terms("ONS") == analyzer.terms("office for national statistics",
                                                   query=True)
    assert "~ons" not in analyzer.terms("carry on regardless")


def test_an_abbreviation_that_is_also_a_word_counts_only_in_capitals(analyzer: Analyzer) -> None:
    assert "~its" in analyzer.terms("an ITS design")
    assert "~its" not in analyzer.terms("its design")


def test_capitalised_stop_words_are_kept_as_abbreviations() -> None:
    assert [t.term for t in words("the WHO and the US") if not t.is_stop] == ["who", "us"]
    shouting = [t for t in words("WHAT IS THE WHO SAYING") if not t.is_stop]
    assert [t.term for t in shouting] == ["say"]  # all capitals: no abbreviations to tell


def test_british_and_american_spellings_meet(analyzer: Analyzer) -> None:
    assert analyzer.terms("standardised rates") == analyzer.terms("standardized rates")
    assert analyzer.terms("organisation") == analyzer.terms("organization")


def test_stop_words_and_plurals(analyzer: Analyzer) -> None:
    assert analyzer.terms("What are the waiting times?") == analyzer.terms("waiting time")


def test_network_synonyms_file_adds_and_merges(tmp_path: Path) -> None:
    extra = tmp_path / "synonyms.yaml"
    extra.write_text("- [MDSN, Midlands Decision Support Network]\n- [LOS, bed days]\n")
    groups = load_synonyms(str(extra))
    analyzer = Analyzer(groups)
    assert analyzer.terms("MDSN") == analyzer.terms("midlands decision support network",
                                                    query=True)
    # merged into the shipped LOS group: all three meet
    assert set(analyzer.terms("bed days", query=True)) == set(
        analyzer.terms("length of stay", query=True))


def test_groups_bridged_by_a_name_are_joined() -> None:
    merged = merge([("a", "b"), ("c", "d"), ("b", "c")])
    assert merged == [SynonymGroup(("a", "b", "c", "d"))]


def test_a_bad_synonyms_file_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- [lonely]\n")
    with pytest.raises(SynonymsError, match="group 1"):
        read_groups(bad)
    with pytest.raises(SynonymsError, match="cannot read"):
        load_synonyms(str(tmp_path / "missing.yaml"))
