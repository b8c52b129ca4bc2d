"""What the fourth round of unseen sites taught the parsers, one behaviour a test: bold set by inline
style as a title, a definition list of labels as one item's facts, a panel of role sub-headings as a
group, role-description documents named by their role, and a teaser that only sounds like taking part."""
from __future__ import annotations

import datetime as dt

from scrapers.parsers import Document, ParseContext, facts, get_parser
from scrapers.parsers.judge import judge
from scrapers.parsers.titles import clean_title, is_role_document_name

TODAY = dt.date(2026, 12, 3)


def parse(html: str, url: str = "https://example.org/volunteer"):
    return get_parser("auto").parse(Document(url=url, text=html), ParseContext(today=TODAY))


def records(html: str) -> dict[str, object]:
    return {r.title: r for r in parse(html).records}


# -- site builders' inline styles ------------------------------------------------------------------

def _styled_role(title: str, text: str, weight: str = "bold") -> str:
    return (f'<div class="box" style="padding:20px"><div><p class="font_7"><span style="font-weight:{weight}">{title}</span></p></div>'
            f'<div><p class="font_8"><span>{text}</span></p></div></div>')


def test_a_span_made_bold_by_its_style_titles_a_block_with_no_heading():
    html = "<main>" + _styled_role("Dog Walker", "Walk our dogs. Minimum age 16.") + \
        _styled_role("Cattery Assistant", "Feed the cats, three hours a week. You must be 18 or over.", "700") + "</main>"
    found = records(html)
    assert set(found) == {"Dog Walker", "Cattery Assistant"}
    assert found["Dog Walker"].fields["min_age"] == 16 and found["Cattery Assistant"].fields["min_age"] == 18


def test_a_span_of_normal_weight_is_not_a_title():
    html = "<main>" + _styled_role("Dog Walker", "Walk our dogs. Minimum age 16.", "normal") + \
        _styled_role("Cattery Assistant", "Feed the cats. You must be 18 or over.", "400") + "</main>"
    assert not records(html)


# -- definition lists of labels ---------------------------------------------------------------------

def _role(title: str, who: str, closes: str) -> str:
    return (f"<h3>{title}</h3><dl><dt>What you'll do</dt><dd>Make unannounced visits to police custody suites, in pairs, "
            f"to check on the rights and wellbeing of the people held there.</dd><dt>Time</dt><dd>About three visits a month, "
            f"including some evenings and weekends, plus a training day every year.</dd><dt>Who can apply</dt><dd>{who}</dd>"
            f"<dt>Closing date</dt><dd>{closes}</dd></dl>")


def test_a_definition_list_of_labels_is_one_roles_facts_however_long_its_values():
    html = "<main><h1>Get involved</h1>" + _role("Custody Visitor", "Anyone aged 18 or over.", "Friday 8th January") + \
        _role("Scrutiny Panel member", "Residents aged 16 or over.", "Deadline 31/01/2027") + "</main>"
    found = records(html)
    assert set(found) == {"Custody Visitor", "Scrutiny Panel member"}
    assert (found["Custody Visitor"].fields["min_age"], found["Custody Visitor"].fields["closing_date"]) == (18, "2027-01-08")
    assert found["Scrutiny Panel member"].fields["closing_date"] == "2027-01-31"


def test_a_definition_list_of_roles_is_still_a_list_of_items():
    html = ("<main><h1>Volunteer roles</h1><dl><dt>Befriender</dt><dd>Visit an older person at home for an hour a week "
            "and share a cup of tea and a chat. You must be 18 or over.</dd><dt>Garden helper</dt><dd>Help keep our "
            "sensory garden tidy on Saturday mornings, planting and weeding. Suitable for anyone aged 14 or over.</dd></dl></main>")
    assert set(records(html)) == {"Befriender", "Garden helper"}


# -- panels of roles --------------------------------------------------------------------------------

def test_a_tab_panel_whose_sub_headings_name_roles_is_their_group_not_one_item():
    panels = "".join(
        f'<div class="tabs__panel" role="tabpanel"{" hidden" if i else ""}><h2>{scheme}</h2>{roles}</div>'
        for i, (scheme, roles) in enumerate([
            ("Custody visiting", _role("Independent Custody Visitor", "Anyone aged 18 or over.", "Friday 8th January")),
            ("Community Panels", _role("Out of Court Resolutions Panel member", "Residents aged 18 or over.", "31/01/2027")
             + _role("Stop and Search Panel member", "Residents aged 18 or over.",
                     "Recruitment has now closed. We expect to recruit again in spring 2027."))]))
    found = records(f"<main><h1>Get involved</h1><div class='tabs'>{panels}</div></main>")
    assert set(found) == {"Independent Custody Visitor", "Out of Court Resolutions Panel member", "Stop and Search Panel member"}
    assert found["Stop and Search Panel member"].closed and not found["Independent Custody Visitor"].closed


def test_cards_with_label_sub_headings_stay_cards():
    card = ('<article class="card"><h3><a href="/roles/{slug}">{title}</a></h3><h4>Where</h4><p>Wendover Library</p>'
            "<h4>Who can apply</h4><p>Minimum age: 16</p></article>")
    html = "<main><h1>Opportunities</h1>" + card.format(slug="a", title="Reading Helper") + \
        card.format(slug="b", title="Repair Café Fixer") + "</main>"
    assert set(records(html)) == {"Reading Helper", "Repair Café Fixer"}


# -- role descriptions as documents ---------------------------------------------------------------

def test_a_role_description_link_names_the_role_without_the_document_words():
    assert clean_title("Ward Companion role description") == "Ward Companion"
    assert clean_title("End of Life Companion - role profile") == "End of Life Companion"
    assert clean_title("Driver role description (PDF, 96KB)") == "Driver"
    assert clean_title("Role description") == "Role description"


def test_only_a_roles_own_document_names_a_role():
    assert is_role_document_name("Maternity Support Volunteer role description (PDF, 90KB)")
    assert not is_role_document_name("Staff Nurse (Band 5) job description")
    assert not is_role_document_name("Volunteer handbook 2026 (PDF, 2.1MB)")


def test_roles_linked_to_pdfs_are_found_and_other_documents_are_not():
    html = ("<main><h1>Volunteering</h1><h2>Roles we are recruiting for</h2><ul>"
            '<li><a href="/docs/ward.pdf">Ward Companion role description</a> (PDF, 96KB). Chat with patients. You must be 16 or over.</li>'
            '<li><a href="/docs/finder.pdf">Way Finder Volunteer</a> (PDF, 88KB). Meet visitors at the entrance. Minimum age 16.</li></ul>'
            '<p>We are not recruiting to the <a href="/docs/mat.pdf">Maternity Support Volunteer role description</a> (PDF) at the moment.</p>'
            '<h2>Useful documents</h2><ul><li><a href="/docs/handbook.pdf">Volunteer handbook (PDF, 2MB)</a></li>'
            '<li><a href="/docs/form.pdf">Volunteer application form (PDF)</a></li></ul></main>')
    found = records(html)
    assert set(found) == {"Ward Companion", "Way Finder Volunteer", "Maternity Support Volunteer"}
    assert found["Maternity Support Volunteer"].closed and found["Ward Companion"].fields["min_age"] == 16


# -- phrasings and evidence -----------------------------------------------------------------------

def test_recruitment_that_has_now_closed_is_closed():
    assert facts.is_closed("Recruitment has now closed. We expect to recruit again in spring 2027.")
    assert not facts.is_closed("Recruitment is open all year.")


def test_a_linked_teaser_with_only_words_about_taking_part_lets_its_page_decide():
    teaser = judge("Elections and voting", "Register to vote, and find your polling station.", {},
                   link="https://example.org/elections", context=["Get involved"])
    role = judge("Dog Walker", "Register to walk our dogs.", {}, link="https://example.org/dogs", context=["Get involved"])
    assert teaser.decision == "maybe" and role.decision == "accept"
