"""The sources file: good sources load, each mistake is reported with its reason and skipped."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import SOURCES_FILE
from scrapers.sources import SourcesFileError, load_sources, parse_sources

GOOD = """
[[source]]
name = "riverside-volunteer-centre"
url = "https://vc.example/opportunities"
kind = "voluntary"
area = "Millbrook"
postcode = "mb1 2ab"
parser = "listing"
"""


def test_a_good_source_loads_with_its_settings():
    source = parse_sources(GOOD).sources[0]
    assert (source.name, source.url, source.kind, source.area, source.postcode, source.parser) == (
        "riverside-volunteer-centre", "https://vc.example/opportunities", "voluntary", "Millbrook", "MB1 2AB", "listing")


def test_parser_defaults_to_auto_and_kind_to_other():
    source = parse_sources('[[source]]\nname = "a"\nurl = "https://a.example/"\n').sources[0]
    assert (source.parser, source.kind, source.postcode) == ("auto", "other", None)


@pytest.mark.parametrize("entry, reason", [
    ('name = "a"', "no url"),
    ('name = "a"\nurl = "ftp://a.example/"', "not an http or https address"),
    ('url = "https://a.example/"', "no name"),
    ('name = "a"\nurl = "https://a.example/"\nkind = "church"', "kind must be one of"),
    ('name = "a"\nurl = "https://a.example/"\nparser = "magic"', "no parser called 'magic'"),
    ('name = "a"\nurl = "https://a.example/"\npostcode = "not a postcode"', "not a UK postcode"),
    ('name = "a"\nurl = "https://a.example/"\nurll = "x"', "unknown setting 'urll'"),
    ('name = "a"\nurl = "https://a.example/"\ndelay = 0.1', "delay must be"),
    ('name = "A Council"\nurl = "https://a.example/"', "must be a slug"),
])
def test_a_source_with_a_mistake_is_skipped_with_its_reason(entry, reason):
    loaded = parse_sources(f"[[source]]\n{entry}\n" + GOOD)
    assert [s.name for s in loaded.sources] == ["riverside-volunteer-centre"]
    assert len(loaded.problems) == 1 and reason in loaded.problems[0].reason


def test_a_name_used_twice_keeps_the_first_and_reports_the_second():
    loaded = parse_sources(GOOD + GOOD)
    assert len(loaded.sources) == 1
    assert "used by an earlier source" in str(loaded.problems[0])


def test_a_disabled_source_is_left_out_quietly():
    loaded = parse_sources(GOOD.replace('parser = "listing"', 'parser = "listing"\nenabled = false'))
    assert loaded.sources == [] and loaded.problems == []


def test_invalid_toml_is_an_error_that_says_where():
    with pytest.raises(SourcesFileError, match="not valid TOML"):
        parse_sources("[[source]\nname = ")


def test_a_missing_file_is_an_error_in_one_sentence(tmp_path: Path):
    with pytest.raises(SourcesFileError, match="does not exist"):
        load_sources(tmp_path / "nowhere.toml")


def test_the_bundled_sources_file_loads_without_mistakes():
    loaded = load_sources(SOURCES_FILE)
    assert loaded.problems == [] and len(loaded.sources) >= 10
    assert {s.kind for s in loaded.sources} >= {"council", "police", "nhs", "voluntary"}
