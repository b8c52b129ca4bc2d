"""Several roles on one page each keep their own facts; a few platform and wording details.

From the second round of unseen sites: ages said per role or once for a group of roles, time
commitments that stop at their sentence, a fundraising target that is not a salary, a hub's
grid of tiles that shares the tiles' class, a Citizen Space hub that lives under a path.
"""
from __future__ import annotations

import datetime as dt

import pytest

from scrapers.parsers import Document, ParseContext, get_parser
from scrapers.parsers import citizenspace, facts
from scrapers.parsers.titles import clean_title, role_title

TODAY = dt.date(2026, 12, 3)


def records(html: str, url: str = "https://youth.example/volunteer/") -> dict[str, dict]:
    result = get_parser("auto").parse(Document(url, html), ParseContext(today=TODAY))
    return {r.title: r.fields for r in result.records}


def page(main: str) -> str:
    return f"<html><head><title>Volunteer | Youth Trust</title></head><body><main><h1>Volunteer with us</h1>{main}</main></body></html>"


ROLES = page("""
<p>You can volunteer with us from the age of 14.</p>
<h2>Roles for young people</h2>
<h3>Young Leader</h3>
<p>Young leaders aged 14 to 17 help run our junior club on Tuesday evenings. It's about 2 hours a week in term time.
We also need adult volunteers to support them.</p>
<h2>Roles for adults</h2>
<p>Adult volunteers must be 18 or over and need an enhanced DBS check.</p>
<h3>Youth Club Volunteer</h3>
<p>Help run one of our youth clubs, one evening a week. Contact us to find out more.</p>
<h3>Minibus Driver</h3>
<p>Drive young people to trips. Drivers must be 25 or over. Commitment: roughly one trip a month, usually at weekends.</p>
<h3>Fundraising Volunteer</h3>
<p>Help us raise the £120,000 a year we need from events and local businesses. Flexible, a few hours a year.</p>
<h2>How to apply</h2>
<p>Fill in our form or call Sam on 01539 720 455.</p>
""")


@pytest.mark.parametrize("title, age", [("Young Leader", 14), ("Youth Club Volunteer", 18), ("Minibus Driver", 25),
                                        ("Fundraising Volunteer", 18)])
def test_each_role_reads_its_own_age_or_the_one_said_for_its_group(title, age):
    assert records(ROLES)[title]["min_age"] == age


def test_a_group_check_applies_to_the_roles_under_it_and_how_to_apply_is_not_a_role():
    found = records(ROLES)
    assert found["Youth Club Volunteer"]["dbs_check"] is True and "dbs_check" not in found["Young Leader"]
    assert "How to apply" not in found and "Roles for adults" not in found


def test_the_page_intro_age_is_not_given_to_roles_that_say_none():
    html = page("""<p>You can volunteer with us from the age of 14.</p>
    <h2>Garden Volunteer</h2><p>Help in the garden every Wednesday morning. Tools provided.</p>
    <h2>Café Volunteer</h2><p>Serve tea and cake, two hours a week. You must be 16 or over.</p>""")
    found = records(html)
    assert "min_age" not in found["Garden Volunteer"] and found["Café Volunteer"]["min_age"] == 16


def test_ages_of_the_people_a_group_serves_are_not_a_requirement_for_its_helpers():
    html = page("""<h2>Youth clubs</h2><p>Our clubs are for young people aged 11 to 16.</p>
    <h3>Club Helper</h3><p>Help run games and the tuck shop, one evening a week. Get in touch to volunteer.</p>""")
    assert "min_age" not in records(html)["Club Helper"]


@pytest.mark.parametrize("text, said", [
    ("Young leaders help on Tuesday evenings. It's about 2 hours a week in term time. We also need adults.",
     "It's about 2 hours a week in term time."),
    ("Drivers must be 25 or over. Commitment: roughly one trip a month, usually at weekends.",
     "Roughly one trip a month, usually at weekends."),
])
def test_a_commitment_is_the_sentence_that_says_how_much_time(text, said):
    assert facts.commitment(text) == said


def test_a_labelled_commitment_stops_at_the_end_of_its_sentence():
    found = facts.fields_from_facts([("Time commitment", "About 4 hours a week. We also need adult volunteers to help "
                                      "with trips, and a treasurer.")], TODAY)
    assert found["commitment"] == "About 4 hours a week."
    both = facts.fields_from_facts([("Commitment", "Two hours a week. Some Saturdays in summer.")], TODAY)
    assert both["commitment"] == "Two hours a week."


def test_a_fundraising_target_is_not_a_salary_but_a_salary_is():
    assert "Fundraising Volunteer" in records(ROLES)
    paid = page("<h2>Fundraising Officer</h2><p>Salary £24,000 a year, 30 hours a week. Apply by 8 January.</p>")
    assert records(paid) == {}


@pytest.mark.parametrize("heading, body, title", [
    ("Join the committee", "As a committee member you would come to monthly meetings.", "Join the committee"),
    ("Join our committee", "Committee members meet monthly.", "Join our committee"),
    ("Join the Area Committee", "We have two vacancies for an Area Committee member.", "Area Committee member"),
    ("Join our Youth Forum", "The forum meets monthly.", "Youth Forum"),
])
def test_an_invitation_to_a_bare_group_keeps_its_words(heading, body, title):
    assert role_title(clean_title(heading), body) == title


def test_engagementhq_tiles_inside_a_grid_named_like_them_are_each_read():
    tile = ('<div class="project-tile"><a href="/{slug}"><span class="project-tile__state">{state}</span>'
            '<h3 class="project-tile__title">{title}</h3><p>About it.</p></a></div>')
    html = ('<html><body class="ehq-participant"><main><h1>Have your say</h1><div class="project-tiles">'
            + tile.format(slug="park", state="Open", title="Park plan")
            + tile.format(slug="bins", state="Closed", title="Bin review") + "</div></main></body></html>")
    result = get_parser("auto").parse(Document("https://hys.example/", html), ParseContext(today=TODAY))
    assert [(r.title, r.closed) for r in result.records] == [("Park plan", False), ("Bin review", True)]


def test_a_citizen_space_hub_under_a_path_is_asked_at_that_path_for_open_and_closed_activities():
    html = ('<html><body><a href="/consult/consultation_finder/">Find activities</a><main><h1>Consultation hub</h1>'
            '</main><footer>Powered by <a href="https://www.delib.net/citizen_space">Citizen Space</a></footer></body></html>')
    result = get_parser("auto").parse(Document("https://www.council.example/consult/", html), ParseContext(today=TODAY))
    api = [link.url for link in result.links if link.kind == "api"]
    assert api == ["https://www.council.example/consult/api/2.4/json_search_results?st=open&fields=extended",
                   "https://www.council.example/consult/api/2.4/json_search_results?st=closed&fields=extended"]


def test_citizen_space_keeps_recently_closed_activities_and_leaves_the_old_archive():
    text = ('[{"title": "Bus lane", "url": "/t/bus", "enddate": "2026-10-01", "status": "closed"},'
            ' {"title": "Old plan", "url": "/t/old", "enddate": "2024-03-01", "status": "closed"},'
            ' {"title": "Budget", "url": "/t/budget", "startdate": "2027-01-05", "enddate": "2027-02-01", "status": "forthcoming"}]')
    found = {r.title: r.closed for r in citizenspace.api_records(text, "https://c.example/api/2.4/json_search_results", TODAY)}
    assert found == {"Bus lane": True, "Budget": True}
