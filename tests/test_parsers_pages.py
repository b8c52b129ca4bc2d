"""Page kinds read by their structure: listings, hubs, programme pages, sections, definition lists,
tables, accordions, and the pages that go wrong. Each fixture is written in a different CMS's markup."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from scrapers.parsers import Document, ParseContext, ParseResult, Record, get_parser

PAGES = Path(__file__).parent / "fixtures" / "pages"
TODAY = dt.date(2026, 11, 22)


def parse(name: str, *, parser: str = "auto", url: str = "https://site.example/page",
          detail_of: Record | None = None, encoding: str = "utf-8") -> ParseResult:
    text = (PAGES / name).read_bytes().decode(encoding)
    return get_parser(parser).parse(Document(url=url, text=text), ParseContext(today=TODAY, detail_of=detail_of))


def titles(result: ParseResult) -> list[str]:
    return [r.title for r in result.records]


def by_title(result: ParseResult, title: str) -> Record:
    return next(r for r in result.records if r.title == title)


# -- listings -------------------------------------------------------------------------------------

def test_a_listing_gives_one_record_per_card_each_pointing_at_its_own_page():
    result = parse("listing/drupal-views-page1.html", url="https://vc.example/opportunities")
    assert titles(result) == ["Community Garden Helper", "Telephone Befriender", "Foodbank Delivery Driver"]
    assert by_title(result, "Telephone Befriender").detail_url == "https://vc.example/opportunity/telephone-befriender"


def test_a_listing_points_at_its_next_page():
    result = parse("listing/drupal-views-page1.html", url="https://vc.example/opportunities")
    assert [(l.kind, l.url) for l in result.links if l.kind == "next"] == [("next", "https://vc.example/opportunities?page=1")]


def test_the_last_page_of_a_listing_has_no_next_page():
    result = parse("listing/drupal-views-page2.html", url="https://vc.example/opportunities?page=1")
    assert not [l for l in result.links if l.kind == "next"]


def test_facts_in_cms_field_wrappers_are_read():
    result = parse("listing/drupal-views-page1.html", url="https://vc.example/opportunities")
    garden = by_title(result, "Community Garden Helper")
    assert garden.fields["organisation"] == "Greenfield Allotments Trust"
    assert garden.fields["closing_date"] == "2027-01-15"


def test_a_detail_page_fills_in_its_listing_entry():
    listing = Record(title="Community Garden Helper", url="https://vc.example/opportunities", verdict="accept")
    result = parse("listing/detail-garden-helper.html", url="https://vc.example/opportunity/garden-helper", detail_of=listing)
    assert result.single and titles(result) == ["Community Garden Helper"]
    fields = result.records[0].fields
    assert (fields["min_age"], fields["postcode"], fields["commitment"]) == (14, "MB3 4RT", "Saturday mornings, 10am to 1pm")


def test_similar_opportunities_beside_a_role_do_not_replace_it():
    listing = Record(title="Community Garden Helper", url="https://vc.example/opportunities", verdict="accept")
    result = parse("listing/detail-garden-helper.html", url="https://vc.example/opportunity/garden-helper", detail_of=listing)
    assert "Park Ranger Assistant" not in titles(result)


def test_a_detail_page_with_a_definition_list_gives_age_dbs_and_time():
    listing = Record(title="Telephone Befriender", url="https://vc.example/opportunities", verdict="accept")
    record = parse("listing/detail-telephone-befriender.html", detail_of=listing).records[0]
    assert (record.fields["min_age"], record.fields["dbs_check"], record.fields["commitment"]) == (18, True, "30 minutes to an hour a week")
    assert record.fields["remote"] is True


def test_a_paused_recruitment_notice_marks_the_role_closed():
    listing = Record(title="Foodbank Delivery Driver", url="https://vc.example/opportunities", verdict="accept")
    assert parse("listing/detail-foodbank-driver.html", detail_of=listing).records[0].closed


# -- hubs, sections, programme pages --------------------------------------------------------------------

def test_a_council_hub_lists_consultations_panels_groups_and_schemes():
    result = parse("hub/govuk-council-hub.html", url="https://eastbrook.example/get-involved")
    assert set(titles(result)) == {"Riverside parking zone review", "Budget 2027: tell us your priorities",
                                   "Eastbrook People's Panel", "Eastbrook Canal Society", "Friends of Hollins Wood",
                                   "Neighbourhood Grants 2027"}


def test_a_deadline_buried_in_a_sentence_becomes_the_closing_date():
    result = parse("hub/govuk-council-hub.html", url="https://eastbrook.example/get-involved")
    assert by_title(result, "Neighbourhood Grants 2027").fields["closing_date"] == "2027-02-26"


def test_a_hub_points_at_its_full_list_of_consultations():
    result = parse("hub/govuk-council-hub.html", url="https://eastbrook.example/get-involved")
    assert ("hub", "https://eastbrook.example/consultations") in [(l.kind, l.url) for l in result.links]


def test_items_under_a_closed_heading_are_closed():
    result = parse("hub/consultations-index.html", url="https://eastbrook.example/consultations")
    assert not any(r.title == "Parks survey: what you told us" for r in result.records)
    assert [r.closed for r in result.records if r.title == "Leisure centre opening hours"] == [True]


def test_a_programme_page_is_one_opportunity_with_its_answers():
    result = parse("programme/bootstrap-appropriate-adult.html")
    assert result.single and titles(result) == ["Appropriate Adult volunteers"]
    fields = result.records[0].fields
    assert (fields["min_age"], fields["dbs_check"]) == (18, True)
    assert fields["commitment"] == "Around 12 hours a month on a rota, including some evenings and weekends."


def test_a_programme_page_saying_it_is_not_recruiting_is_closed():
    result = parse("programme/closed-notice.html")
    assert titles(result) == ["Independent Custody Visitors"] and result.records[0].closed


def test_sections_of_a_wordpress_page_become_roles_but_meetings_quotes_and_sponsorship_do_not():
    result = parse("sections/wordpress-residents-page.html")
    assert titles(result) == ["Help at our lunch club", "Gardening volunteer"]


def test_a_definition_list_of_roles_gives_each_role_its_facts():
    result = parse("deflist/trust-roles.html")
    assert titles(result) == ["Ward Buddy", "Wayfinder", "Hospital Radio Presenter"]
    assert by_title(result, "Hospital Radio Presenter").fields["closing_date"] == "2026-12-20"
    assert by_title(result, "Ward Buddy").fields["min_age"] == 18


def test_a_table_of_roles_reads_each_row_with_its_column_headings():
    result = parse("table/museum-roles.html", url="https://kelham.example/volunteering")
    assert titles(result) == ["Platform Guide", "Locomotive Cleaner", "Archive Assistant"]
    guide = by_title(result, "Platform Guide")
    assert (guide.fields["min_age"], guide.fields["place"], guide.detail_url) == (
        16, "Kelham station", "https://kelham.example/volunteer/platform-guide")


def test_an_accordion_of_roles_is_read_but_its_faq_questions_are_not():
    result = parse("accordion/details-roles.html")
    assert titles(result) == ["Community Café Host", "Repair Café Fixer"]


def test_an_old_table_layout_in_windows_1252_is_read():
    result = parse("table/old-layout-windows-1252.html", encoding="windows-1252")
    assert titles(result) == ["Café rota volunteer", "Committee member"]
    assert [r.fields.get("min_age") for r in result.records] == [14, 18]


def test_broken_html_still_gives_its_roles():
    result = parse("bad/broken.html")
    assert titles(result) == ["Reading Helper", "Litter Warden"]


def test_a_page_that_is_not_html_gives_nothing_and_no_error():
    result = get_parser("auto").parse(Document("https://x.example/a", "%PDF-1.4 \x00\x01", "application/pdf"),
                                      ParseContext(today=TODAY))
    assert result.records == []


def test_an_empty_page_gives_nothing():
    assert parse_text("").records == []


def parse_text(html: str) -> ParseResult:
    return get_parser("auto").parse(Document("https://x.example/", html), ParseContext(today=TODAY))


def test_navigation_and_footer_links_are_never_opportunities():
    html = """<html><body><nav><ul><li><a href="/volunteer/a">Volunteer driver</a></li><li><a href="/volunteer/b">Befriender</a></li></ul></nav>
    <main><h1>About us</h1><p>We are a small charity.</p></main>
    <footer><ul><li><a href="/volunteer/c">Trustee</a></li><li><a href="/volunteer/d">Shop helper</a></li></ul></footer></body></html>"""
    assert parse_text(html).records == []


def test_roles_in_paragraphs_led_by_bold_names_are_read_but_notes_are_not():
    result = parse("sections/paragraph-roles.html")
    assert titles(result) == ["Befriender", "Shop helper"]


def test_a_table_of_consultations_gives_closing_dates_and_status():
    result = parse("table/consultations-table.html", url="https://southmoor.example/have-your-say")
    assert [(r.title, r.fields["closing_date"], r.closed) for r in result.records] == [
        ("Play parks strategy", "2027-01-20", False), ("Changes to waste collections", "2027-02-08", False),
        ("Town hall car park charges", "2026-09-01", True)]
    assert {r.fields["kind"] for r in result.records} == {"have-your-say"}


def test_a_bootstrap_accordion_of_roles_is_read_and_the_jobs_card_is_not():
    result = parse("accordion/bootstrap-police-roles.html")
    assert titles(result) == ["Special Constable", "Rural Watch volunteer", "Police Cadet Leader"]
    assert by_title(result, "Police Cadet Leader").fields["min_age"] == 18
