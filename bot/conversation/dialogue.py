"""The coaching dialogue: /start's questions, free text at any point, buttons and locations.

Each question step reads free text its own way, but some things are understood everywhere:
a postcode sets the place, and "actually I'm more into gardening" changes the passion.
"""
from __future__ import annotations

import math

from bot.conversation import buttons, results, wording
from bot.conversation import understanding as read
from bot.conversation.finding import place_names
from bot.conversation.state import Step
from bot.conversation.turn import Turn
from bot.matching.schedule import age_from_text
from bot.messages import Reply
from bot.places import InvalidPostcode, UnknownPostcode, default_gazetteer, haversine_km, parse_postcode

MAX_TOPIC_CHARS = 100
LOCATION_MAX_KM = 30.0  # a shared location further than this from any district centre is not in the UK
_FLOW_KEYS = ("place_given", "time_given", "quick", "offer", "declined", "before_topic", "broadcast")


def start(turn: Turn, said: str = "") -> list[Reply]:
    """The welcome and the first question; words typed after /start already answer it."""
    turn.state.change(step=Step.PASSION)
    turn.state.drop(*_FLOW_KEYS)
    if said:
        return [Reply(wording.WELCOME), *text(turn, said)]
    return [Reply(wording.WELCOME), turn.ask_passion()]


def text(turn: Turn, typed: str) -> list[Reply]:
    """Free text, read according to the question the resident was last asked."""
    typed = read.clean(typed)
    if read.has_link(typed):
        typed = read.without_links(typed)
        if not read.has_words(typed):
            return [Reply(wording.NO_LINKS), *(turn.prompt() or [Reply(wording.ASK_FOR_WORDS)])]
    if not read.has_words(typed):
        return [Reply(wording.NO_WORDS), *(turn.prompt() or [Reply(wording.ASK_FOR_WORDS)])]
    answer = {Step.PASSION: _passion, Step.SKILLS: _skills, Step.PLACE: _place,
              Step.TIME: _time, Step.TOPIC: _topic}.get(turn.state.step, _anything)
    return answer(turn, typed)


def unsupported(turn: Turn) -> list[Reply]:
    return [Reply(wording.UNSUPPORTED), *(turn.prompt() or [Reply(wording.ASK_FOR_WORDS)])]


# -- the questions ------------------------------------------------------------------------------

def _passion(turn: Turn, typed: str) -> list[Reply]:
    if read.key(typed) in read.GREETINGS:
        return [turn.ask_passion()]
    if read.asks_about_roles(typed):
        return _answer_question(turn, typed)
    if read.no_answer(typed) or read.asks_back(typed):
        return [Reply(wording.PASSION_EXAMPLES), turn.ask_passion()]
    said = _take_place(turn, typed)
    if said.rest_is_filler:
        return [*said.replies, turn.ask_passion()]
    turn.state.change(passions=_passion_and_times(turn, said.rest), step=Step.SKILLS)
    return [*said.replies, turn.ask_skills()]


def _passion_and_times(turn: Turn, typed: str) -> str:
    """The passion in an answer that may also say when ('love dogs, free Saturdays') or how old
    the resident is ("I'm 15 and..."): the times are kept as their availability, and not asked
    for again; the age is kept so that roles they are too young for are left out."""
    if (age := age_from_text(typed)) is not None:
        turn.state.put("age", age)
    times, rest = read.split_times(typed)
    if times:
        turn.state.change(availability=times)
        turn.state.put("time_given", True)
    return read.passion_from(rest)


def _skills(turn: Turn, typed: str) -> list[Reply]:
    if read.changes_mind(typed):
        return _new_passion_then_ask_again(turn, typed)
    if read.asks_about_roles(typed):
        return _answer_question(turn, typed)
    if read.asks_back(typed):
        return [Reply(wording.SKILLS_EXAMPLES), turn.ask_skills()]
    said = _take_place(turn, typed)
    if said.rest_is_filler and said.district:
        return [*said.replies, turn.ask_skills()]
    skills = "" if read.no_answer(said.rest) else read.skills_from(said.rest)
    turn.state.change(skills=skills)
    return [*said.replies, *_after_skills(turn)]


def _after_skills(turn: Turn) -> list[Reply]:
    if turn.state.data.get("place_given") and turn.state.data.get("time_given"):
        return results.show(turn, turn.passion_query())
    if turn.state.data.get("place_given"):
        turn.state.change(step=Step.TIME)
        return [turn.ask_time()]
    turn.state.change(step=Step.PLACE)
    return [turn.ask_place()]


def _place(turn: Turn, typed: str) -> list[Reply]:
    district, _ = read.district_in(typed)
    if district:
        return place_set(turn, district, wording.place_kept(district))
    if read.key(typed) in read.NO_PLACE or read.wants_remote(typed) or read.keeps_private(typed):
        return _skip_place(turn)
    if read.changes_mind(typed):
        return _new_passion_then_ask_again(turn, typed)
    if read.asks_back(typed):
        return [Reply(wording.PLACE_WHY), turn.ask_place()]
    if read.asks_about_roles(typed):
        return _answer_question(turn, typed)
    district, _ = read.place_named(typed, place_names(turn.matcher()), cue=False)
    if district:
        return place_set(turn, district, wording.place_kept(district))
    district, problem = postcode_given(read.squash_outward(typed))
    if district:
        return place_set(turn, district, wording.place_kept(district))
    if read.names_a_place(typed):
        return [Reply(wording.PLACE_NOT_KNOWN, turn.place_buttons())]
    return [Reply(problem, turn.place_buttons())]


def _answer_question(turn: Turn, typed: str) -> list[Reply]:
    """A question about taking part, before any matches: answered, then the question again."""
    return [Reply(wording.BEFORE_MATCHES[read.question_kind(typed)]), *turn.prompt()]


def postcode_given(typed: str) -> tuple[str | None, str]:
    """(district, '') for a known postcode or outward code, else (None, what is wrong with it)."""
    try:
        postcode = parse_postcode(typed)
    except InvalidPostcode:
        return None, wording.not_a_postcode(typed)
    try:
        default_gazetteer().locate(postcode)
    except UnknownPostcode:
        return None, wording.unknown_district(postcode.outward)
    return postcode.outward, ""


def _skip_place(turn: Turn) -> list[Reply]:
    turn.state.change(postcode="", step=Step.TIME)
    turn.state.put("place_skipped", True)
    if turn.state.data.get("time_given") or turn.state.data.get("quick"):
        return [Reply(wording.PLACE_SKIPPED), *results.show(turn, turn.passion_query())]
    return [Reply(wording.PLACE_SKIPPED), turn.ask_time()]


def _time(turn: Turn, typed: str) -> list[Reply]:
    if read.changes_mind(typed):
        return _new_passion_then_ask_again(turn, typed)
    if read.asks_about_roles(typed):
        return _answer_question(turn, typed)
    if read.asks_back(typed):
        return [Reply(wording.TIME_HELP), turn.ask_time()]
    said = _take_place(turn, typed)
    if said.district and said.rest_is_filler:
        return [*said.replies, turn.ask_time()]
    picked = read.availability_in(said.rest)
    if picked:
        turn.state.change(availability=picked)
    elif read.key(said.rest) not in read.ANY_TIME and not read.declines(said.rest):
        return [*said.replies, Reply(wording.TIME_HELP), turn.ask_time()]
    return [*said.replies, *results.show(turn, turn.passion_query())]


def _topic(turn: Turn, typed: str) -> list[Reply]:
    said = _take_place(turn, typed)
    if said.rest_is_filler:
        return [*said.replies, Reply(wording.ASK_TOPIC)]
    topic = read.shorten_words(read.passion_from(said.rest), MAX_TOPIC_CHARS)
    turn.state.change(step=Step(turn.state.data.get("before_topic", Step.IDLE.value)))
    turn.state.drop("before_topic")
    return [*said.replies, *results.subscribe(turn, topic)]


def place_set(turn: Turn, district: str, said: str) -> list[Reply]:
    """A new place from anywhere: moves the questions on, or refreshes the matches shown."""
    turn.state.change(postcode=district)
    turn.state.drop("place_skipped")
    step = turn.state.step
    if step is Step.PLACE and (turn.state.data.get("time_given") or turn.state.data.get("quick")):
        return [Reply(said), *results.show(turn, turn.passion_query())]
    if step is Step.PLACE:
        turn.state.change(step=Step.TIME)
        return [Reply(said), turn.ask_time()]
    if step in (Step.PASSION, Step.SKILLS):
        turn.state.put("place_given", True)
    if step is Step.RESULTS and turn.state.data.get("query"):
        return [Reply(said), *results.show(turn, turn.state.data["query"])]
    return [Reply(said), *turn.prompt()]


# -- free text outside the questions --------------------------------------------------------------

def _anything(turn: Turn, typed: str) -> list[Reply]:
    """After the questions: small talk, 'more', a new place, or a new passion to match."""
    key = read.key(typed)
    offered = "offer" in turn.state.data
    if key in read.HELP:
        return [Reply(wording.help_text())]
    if key in read.GREETINGS:
        return [Reply(wording.HELLO)]
    if key in read.THANKS or read.is_thanks(typed):
        return [Reply(wording.THANKS)]
    if key in read.MORE and turn.state.data.get("query"):
        return results.next_page(turn)
    if offered and (key in read.YES or read.says_no(typed)):
        return results.answer_offer(turn, key in read.YES)
    if key in read.YES or read.says_no(typed):
        return [Reply(wording.ASK_FOR_WORDS)]
    if (times := read.only_times(typed)) and turn.state.data.get("query"):
        return _new_times(turn, times)
    if read.asks_about_roles(typed):
        return [Reply(wording.DBS_ANSWER if read.mentions_dbs(typed) else wording.ASK_THE_ORGANISATION)]
    district, rest = _district_or_place_name(turn, typed)
    if district and read.only_filler(rest):
        turn.state.change(postcode=district)
        turn.state.drop("place_skipped")
        query = turn.state.data.get("query") or turn.passion_query()
        if query:
            return [Reply(wording.place_kept(district)), *results.show(turn, query)]
        return [Reply(wording.place_kept(district)), Reply(wording.ASK_FOR_WORDS)]
    if district:
        turn.state.change(postcode=district)
    return _new_passion(turn, rest)


def _new_times(turn: Turn, times: list[str]) -> list[Reply]:
    """'actually only evenings' after the matches: the same search again for the new times."""
    turn.state.change(availability=times)
    return [Reply(wording.times_kept(times)), *results.show(turn, turn.state.data["query"])]


def _new_passion(turn: Turn, typed: str) -> list[Reply]:
    turn.state.change(passions=_passion_and_times(turn, typed))
    if not turn.state.postcode and not turn.state.data.get("place_skipped"):
        turn.state.change(step=Step.PLACE)
        turn.state.put("quick", True)  # no /start: straight to matches once the place is known
        return [turn.ask_place()]
    return results.show(turn, turn.passion_query())


def _new_passion_then_ask_again(turn: Turn, typed: str) -> list[Reply]:
    passion = read.passion_from(typed)
    turn.state.change(passions=passion)
    return [Reply(wording.noted_passion(passion)), *turn.prompt()]


class _Said:
    """Free text with any postcode taken out (and kept as the resident's place)."""

    def __init__(self, district: str | None, rest: str, replies: list[Reply]):
        self.district = district
        self.rest = rest
        self.replies = replies

    @property
    def rest_is_filler(self) -> bool:
        return not read.has_words(self.rest) or (self.district is not None and read.only_filler(self.rest))


def _district_or_place_name(turn: Turn, typed: str) -> tuple[str | None, str]:
    """A postcode in the text, or else a place the data knows named after 'in', 'from' or 'near'."""
    district, rest = read.district_in(typed)
    if district:
        return district, rest
    return read.place_named(typed, place_names(turn.matcher()))


def _take_place(turn: Turn, typed: str) -> _Said:
    district, rest = _district_or_place_name(turn, typed)
    if not district:
        return _Said(None, typed, [])
    turn.state.change(postcode=district)
    turn.state.drop("place_skipped")
    turn.state.put("place_given", True)
    return _Said(district, rest, [Reply(wording.place_kept(district))])


# -- buttons and shared locations -----------------------------------------------------------------

def choice(turn: Turn, data: str) -> list[Reply]:
    """A pressed button. Buttons from old messages, or pressed twice, get a short answer."""
    action, arg = buttons.parse(data, turn.state)
    if arg is None:
        return [Reply(wording.STALE_BUTTON)]
    step = turn.state.step
    if action in (buttons.MORE, buttons.HIDE, buttons.SAVE) and arg:
        act = {buttons.MORE: results.more_like, buttons.HIDE: results.hide, buttons.SAVE: results.save}[action]
        return act(turn, arg)
    if action == buttons.PASSION and step is Step.PASSION and arg in wording.CAUSES:
        return _passion(turn, wording.CAUSES[arg][1])
    if action == buttons.PASSION and step in (Step.IDLE, Step.RESULTS) and arg in wording.CAUSES:
        return _new_passion(turn, wording.CAUSES[arg][1])
    if action == buttons.SKIP_SKILLS and step is Step.SKILLS:
        turn.state.change(skills="")
        return _after_skills(turn)
    if action == buttons.PLACE and step is Step.PLACE:
        return _place_choice(turn, arg)
    if action == buttons.TIME and step is Step.TIME:
        return _time_choice(turn, arg)
    if action == buttons.NEXT and turn.state.data.get("query"):
        return results.next_page(turn)
    if action == buttons.SMALL and turn.state.data.get("query"):
        return results.smaller(turn)
    if action == buttons.SUBSCRIBE and arg in ("yes", "no"):
        return results.answer_offer(turn, arg == "yes")
    if action == buttons.UNSUBSCRIBE:
        return _stop_messages(turn)
    return [Reply(wording.STALE_BUTTON)]


def _stop_messages(turn: Turn) -> list[Reply]:
    """"Stop these messages" under an alert digest or a broadcast: the same as /unsubscribe."""
    stopped = turn.store.unsubscribe(turn.resident_id)
    return [Reply(wording.STOPPED if stopped else wording.ALREADY_STOPPED)]


def _place_choice(turn: Turn, arg: str) -> list[Reply]:
    if arg == "keep" and turn.state.postcode:
        turn.state.change(step=Step.TIME)
        return [Reply(wording.place_kept(turn.state.postcode)), turn.ask_time()]
    if arg == "skip":
        return _skip_place(turn)
    return [Reply(wording.STALE_BUTTON)]


def _time_choice(turn: Turn, arg: str) -> list[Reply]:
    if arg == "done":
        return results.show(turn, turn.passion_query())
    if arg not in wording.AVAILABILITY:
        return [Reply(wording.STALE_BUTTON)]
    picked = set(turn.state.availability) ^ {arg}
    turn.state.change(availability=[code for code in wording.AVAILABILITY if code in picked])
    return [turn.ask_time(edit=True)]


def location(turn: Turn, where: tuple[float, float]) -> list[Reply]:
    """A shared location: only the nearest postcode district is kept, never the coordinates."""
    district = district_near(where)
    if district is None:
        return [Reply(wording.LOCATION_TOO_FAR)]
    return place_set(turn, district, wording.place_from_location(district))


def district_near(where: tuple[float, float]) -> str | None:
    """The postcode district a shared location is in, or None when it is not in the UK."""
    gazetteer = default_gazetteer()
    lat, lon = where
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    district = gazetteer.nearest_outcode(lat, lon)
    if haversine_km((lat, lon), gazetteer.centres[district]) > LOCATION_MAX_KM:
        return None
    return district
