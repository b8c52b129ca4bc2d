import pytest

from bot.places import InvalidPostcode, UnknownPostcode, default_gazetteer, find_postcode, haversine_km, parse_postcode


@pytest.mark.parametrize("text, expected", [
    ("ng7 6ab", "NG7 6AB"), ("NG76AB", "NG7 6AB"), ("  sw1a   1aa ", "SW1A 1AA"),
    ("le1", "LE1"), ("NG12 2", "NG12 2"), ("NG122", "NG12 2"), ("NG8 3", "NG8 3"), ("n17", "N17"), ("le1-5ab", "LE1 5AB"),
])
def test_postcodes_parse_in_any_case_and_spacing(text, expected):
    assert str(parse_postcode(text)) == expected


@pytest.mark.parametrize("text", ["", "hello", "12345", "NG7 6ABC", "🐶", "DROP TABLE"])
def test_nonsense_is_refused_with_a_sentence_naming_an_example(text):
    with pytest.raises(InvalidPostcode, match="NG1"):
        parse_postcode(text)


def test_districts_are_located_from_the_bundled_table():
    lat, lon = default_gazetteer().locate("N17 0AA")
    assert (round(lat, 3), round(lon, 3)) == (51.596, -0.071)


def test_well_formed_but_unknown_district_is_reported_not_guessed():
    with pytest.raises(UnknownPostcode, match="ZZ99"):
        default_gazetteer().locate("ZZ99 9ZZ")


def test_distance_between_nottingham_and_leicester_is_about_36_km():
    g = default_gazetteer()
    assert 34 < haversine_km(g.locate("NG1"), g.locate("LE1")) < 38


def test_a_shared_location_becomes_the_nearest_district():
    assert default_gazetteer().nearest_outcode(52.9535, -1.1500) == "NG1"


def test_postcode_found_in_free_text_only_when_it_is_a_real_district():
    assert str(find_postcode("I live in ng7 and love dogs")) == "NG7"
    assert find_postcode("I'm 15 and like the A1") is None
