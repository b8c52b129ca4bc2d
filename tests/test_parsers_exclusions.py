"""What is not an opportunity stays out, however it is marked up."""
from __future__ import annotations

import datetime as dt

from scrapers.parsers import Document, ParseContext, Record, get_parser

TODAY = dt.date(2026, 11, 22)


def titles(html: str, *, detail_of: Record | None = None) -> list[str]:
    result = get_parser("auto").parse(Document("https://org.example/get-involved", html),
                                      ParseContext(today=TODAY, detail_of=detail_of))
    return [r.title for r in result.records]


def page(main: str) -> str:
    return f"<html><head><title>Get involved | Org</title></head><body><main><h1>Get involved</h1>{main}</main></body></html>"


ROLES = """<h2>Our roles</h2><ul>
<li><h3><a href="/roles/befriender">Befriender</a></h3><p>Visit an older neighbour weekly. Aged 18 or over.</p></li>
<li><h3><a href="/roles/driver">Volunteer Driver</a></h3><p>Drive patients to appointments, a few hours a week.</p></li></ul>"""


def test_news_headlines_beside_roles_stay_out():
    html = page(ROLES + """<h2>Latest news</h2><ul>
    <li><a href="/news/1">Thirty new volunteers sworn in at the town hall</a> <span>3 November 2026</span></li>
    <li><a href="/news/2">Community garden opens after restoration</a> <span>1 November 2026</span></li></ul>""")
    assert titles(html) == ["Befriender", "Volunteer Driver"]


def test_paid_jobs_stay_out():
    html = page(ROLES + """<h2>Other ways to work with us</h2><ul>
    <li><a href="/jobs/pc">Police Constable (paid role)</a></li><li><a href="/jobs/staff">Police staff vacancies</a></li></ul>
    <h2>Apprenticeships</h2><p>Paid apprenticeships start each September; salary £18,000 per annum.</p>""")
    assert titles(html) == ["Befriender", "Volunteer Driver"]


def test_a_job_posting_with_a_salary_is_not_taken_for_a_role():
    html = page("""<h2>Support Worker</h2><p>A permanent, full-time post. Salary £23,500 per annum. Apply by 1 December.</p>""")
    assert titles(html) == []


def test_duty_bullet_lists_are_not_roles():
    html = page("""<h2>Join the committee</h2><p>As a committee member you would be:</p><ul>
    <li>Coming to monthly meetings</li><li>Taking minutes in turn</li><li>Helping organise the summer fun day</li></ul>
    <p>Members must be 18 or over.</p>""")
    assert titles(html) == ["Join the committee"]


def test_testimonials_are_not_roles():
    html = page(ROLES + """<h2>Hear from our volunteers</h2>
    <div class="quote"><h3>Sandra, Befriender, 4 years</h3><p>I look forward to Tuesdays.</p></div>
    <div class="quote"><h3>Tom, Volunteer Driver</h3><p>I have met so many people.</p></div>""")
    assert titles(html) == ["Befriender", "Volunteer Driver"]


def test_faq_questions_are_not_roles():
    html = page(ROLES + """<h2>Questions</h2><h3>Do I need a DBS check?</h3><p>For some roles. We pay for it.</p>
    <h3>How old do I need to be?</h3><p>Most roles are open to people aged 16 or over.</p>""")
    assert titles(html) == ["Befriender", "Volunteer Driver"]


def test_donation_asks_are_not_roles():
    html = page(ROLES + """<div class="card"><h2>Leave a gift in your will</h2><p>Gifts in wills fund a third of our work.</p></div>
    <div class="card"><h2>Donate</h2><p>£10 pays for a befriending call.</p></div>""")
    assert titles(html) == ["Befriender", "Volunteer Driver"]


def test_a_page_of_information_for_parents_is_not_an_opportunity():
    listing = Record(title="Cadets – information for parents", url="https://org.example/cadets", verdict="maybe")
    html = page("").replace("<h1>Get involved</h1>", "<h1>Volunteer Police Cadets &ndash; information for parents and carers</h1>"
                                                    "<h2>Who looks after the cadets?</h2><p>Trained leaders.</p>")
    result = get_parser("auto").parse(Document("https://org.example/cadets-parents", html), ParseContext(today=TODAY, detail_of=listing))
    assert result.records == [] and result.rejected


def test_a_results_page_is_not_an_opportunity():
    html = page("""<h2>Library hours consultation: what you told us</h2><p>Results published. 3,000 people responded.</p>""")
    assert titles(html) == []


def test_process_steps_are_not_roles():
    html = page(ROLES + """<h2>What happens next</h2><ol><li><strong>Apply.</strong> Fill in our form.</li>
    <li><strong>Have a chat.</strong> We will call you.</li><li><strong>Your first shift.</strong> Meet your supervisor.</li></ol>""")
    assert titles(html) == ["Befriender", "Volunteer Driver"]


def test_a_generic_link_like_volunteer_with_us_is_followed_not_listed():
    html = page("""<div class="card"><h2><a href="/volunteering">Volunteer with us</a></h2><p>See our current roles.</p></div>
    <div class="card"><h2><a href="/youth">Join our Youth Panel</a></h2><p>For young people aged 14 to 19.</p></div>""")
    result = get_parser("auto").parse(Document("https://org.example/get-involved", html), ParseContext(today=TODAY))
    assert [r.title for r in result.records] == ["Youth Panel"]
    assert ("hub", "https://org.example/volunteering") in [(l.kind, l.url) for l in result.links]
