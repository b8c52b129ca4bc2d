"""What the third round of unseen sites taught the parsers, one behaviour a test: headings as
context for every item under them, tables named by their row headers or title column, schema.org
microdata, events on a page about taking part, and a few phrasings (a paused role, a volunteer of
the month)."""
from __future__ import annotations

import datetime as dt

from scrapers.parsers import Document, ParseContext, get_parser
from scrapers.parsers import dom, facts, words
from scrapers.parsers.blocks import find_blocks
from scrapers.parsers.microdata import microdata_items

TODAY = dt.date(2026, 12, 3)


def parse(html: str, url: str = "https://example.org/get-involved/"):
    return get_parser("auto").parse(Document(url=url, text=html), ParseContext(today=TODAY))


def records(html: str) -> dict[str, object]:
    return {r.title: r for r in parse(html).records}


def _table(head: str, rows: str, caption: str = "") -> str:
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


# -- headings as context ------------------------------------------------------------------------

def test_an_item_keeps_its_nearest_heading_when_later_sections_follow():
    html = """<main><h1>Get involved</h1><h2>Open now</h2><ul><li><a href="/a">Litter picker</a> every Saturday</li>
    <li><a href="/b">Park ranger</a> on Sundays</li></ul><h2>Closed</h2><p>Nothing here.</p><h2>Contacts</h2><p>Call us.</p></main>"""
    main = dom.make_soup(html).find("main")
    picker = next(b for b in find_blocks(main, "https://example.org/") if b.title == "Litter picker")
    assert picker.context == ["Open now", "Get involved"]


# -- tables --------------------------------------------------------------------------------------

def test_row_headers_name_the_rows_not_the_links_in_other_cells():
    rows = ('<tr><th scope="row">Youth Forum</th><td>Meet monthly. <a href="/forms/join">Join the forum</a></td>'
            "<td>Young people aged 11 to 18</td><td>Ongoing</td></tr>"
            '<tr><th scope="row">Street Champion</th><td>Organise litter picks. <a href="/forms/sign-up">Sign up</a></td>'
            "<td>Anyone aged 14 or over</td><td>31 January 2027</td></tr>")
    html = "<main><h1>Get involved</h1>" + _table("<th>Scheme</th><th>What you do</th><th>Who can take part</th><th>Closing date</th>", rows) + "</main>"
    found = records(html)
    assert set(found) == {"Youth Forum", "Street Champion"}
    assert found["Youth Forum"].fields["min_age"] == 11 and found["Street Champion"].fields["closing_date"] == "2027-01-31"


def test_a_column_headed_opportunity_holds_the_titles():
    rows = ("<tr><td>Give your views on new bus routes</td><td><strong>Bus network review</strong></td><td>16 January 2027</td></tr>"
            "<tr><td>Tell us about our parks</td><td><strong>Parks survey</strong></td><td>8 January 2027</td></tr>")
    html = "<main><h1>Get involved</h1>" + _table("<th>What you'd do</th><th>Opportunity</th><th>Closing date</th>", rows) + "</main>"
    assert set(records(html)) == {"Bus network review", "Parks survey"}


def test_a_row_under_a_consultation_column_is_a_consultation_even_when_its_title_does_not_say_so():
    rows = ("<tr><td>Dog control order renewal</td><td>14 January 2027</td></tr>"
            "<tr><td>Budget 2027 to 2028 consultation</td><td>20 January 2027</td></tr>")
    html = "<main><h1>Consultations</h1>" + _table("<th>Consultation</th><th>Closes</th>", rows) + "</main>"
    dogs = records(html)["Dog control order renewal"]
    assert dogs.verdict == "accept" and dogs.fields["kind"] == "have-your-say"


def test_rows_under_a_recently_closed_heading_are_closed():
    rows = ("<tr><td>Council tax support consultation</td><td>30 September 2027</td></tr>"
            "<tr><td>Libraries strategy consultation</td><td>12 October 2027</td></tr>")
    html = "<main><h1>Consultations</h1><h2>Recently closed</h2>" + _table("<th>Consultation</th><th>Closed</th>", rows) + "</main>"
    assert all(r.closed for r in parse(html).records) and len(parse(html).records) == 2


# -- phrasings -----------------------------------------------------------------------------------

def test_recruitment_to_a_role_paused_until_later_is_closed():
    assert facts.is_closed("Recruitment to this role is paused until spring 2027.")


def test_a_volunteer_of_the_month_story_is_not_an_opportunity():
    assert words.not_an_opportunity("Meet Priya, our December volunteer of the month") == "a testimonial"
    assert words.not_an_opportunity("Volunteer of the year 2026") == "a testimonial"


def test_meet_and_greet_is_still_a_role():
    assert words.not_an_opportunity("Meet And Greet Volunteer") is None


# -- schema.org microdata ------------------------------------------------------------------------

_EVENT = """<article itemscope itemtype="https://schema.org/Event">
  <h3><a itemprop="url" href="/events/{slug}/"><span itemprop="name">{name}</span></a></h3>
  <link itemprop="eventStatus" href="https://schema.org/{status}">
  <time itemprop="startDate" datetime="{date}T10:00">{date}, 10am</time>
  <p itemprop="location" itemscope itemtype="https://schema.org/Place"><span itemprop="name">Cowpen Meadows</span>,
     <span itemprop="address">Cowpen Lane, Garstang PR3 1ZA</span></p>
  <p itemprop="description">{text}</p><p>{who}</p>
  <p itemprop="offers" itemscope itemtype="https://schema.org/Offer"><meta itemprop="price" content="0">Free</p>
</article>"""


def _event(name: str, date: str, *, status: str = "EventScheduled", text: str = "Bring boots.", who: str = "") -> str:
    return _EVENT.format(slug=name.lower().replace(" ", "-"), name=name, date=date, status=status, text=text, who=who)


def test_microdata_items_read_like_json_ld_nodes():
    soup = dom.make_soup(_event("Hedge laying", "2027-01-16"))
    [item] = microdata_items(soup)
    assert (item["@type"], item["name"], item["startDate"], item["url"]) == ("Event", "Hedge laying", "2027-01-16T10:00", "/events/hedge-laying/")
    assert item["eventStatus"] == "https://schema.org/EventScheduled"
    assert item["location"]["@type"] == "Place" and item["location"]["address"] == "Cowpen Lane, Garstang PR3 1ZA"
    assert item["offers"]["price"] == "0" and "name" not in item["offers"]


def test_microdata_events_on_a_volunteer_events_page_are_opportunities_dated_by_when_they_happen():
    html = ("<main><h1>Volunteer events</h1>" + _event("Beach clean", "2027-01-24", who="Volunteers must be 16 or over.")
            + _event("Seed collecting", "2026-10-17") + _event("Tree planting", "2027-01-09", status="EventCancelled") + "</main>")
    found = records(html)
    beach = found["Beach clean"]
    assert beach.fields["kind"] == "event" and beach.fields["closing_date"] == "2027-01-24" and not beach.closed
    assert beach.fields["min_age"] == 16 and beach.fields["postcode"] == "PR3 1ZA"
    assert found["Seed collecting"].closed and found["Tree planting"].closed


def test_microdata_events_on_a_whats_on_page_need_words_about_taking_part():
    html = "<main><h1>What's on</h1>" + _event("Winter concert", "2027-01-24") + _event("Hedge laying work party", "2027-01-16") + "</main>"
    assert list(records(html)) == ["Hedge laying work party"]
