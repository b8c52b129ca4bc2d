"""Everything the bot says, kept together so the wording can be reviewed in one place.

Plain English as in public-service writing: short sentences, no jargon, friendly not gushing.
Strings are Telegram HTML (<b>, <i> only). Functions take raw values and escape them here.
"""
from __future__ import annotations

from html import escape

# -- commands, for /help and Telegram's setMyCommands ------------------------------------------

COMMANDS: list[tuple[str, str]] = [
    ("start", "Find ways to get involved near you"),
    ("search", "Search now, for example /search dog walking"),
    ("postcode", "Set or change where you are"),
    ("subscribe", "Hear about new opportunities"),
    ("unsubscribe", "Stop hearing about new opportunities"),
    ("mydata", "See everything I keep about you"),
    ("forget", "Delete everything I keep about you"),
    ("help", "What I can do"),
    ("cancel", "Stop what we are doing"),
]

# -- quick picks ------------------------------------------------------------------------------

# key -> (button label, the words kept as the resident's passion)
CAUSES: dict[str, tuple[str, str]] = {
    "environment": ("Nature and green spaces", "nature, parks, gardening, environment"),
    "animals": ("Animals", "animals, pets, wildlife"),
    "young": ("Children and young people", "children, young people, youth"),
    "older": ("Older people", "older people, loneliness, befriending"),
    "food": ("Food and poverty", "food bank, poverty, hunger"),
    "health": ("Health and wellbeing", "health, wellbeing, mental health"),
    "arts": ("Arts and culture", "arts, music, culture, heritage"),
    "say": ("Having a say locally", "have your say, consultation, local decisions"),
}

AVAILABILITY: dict[str, str] = {
    "one-off": "A one-off",
    "monthly": "A few hours a month",
    "weekly": "Every week",
    "weekdays": "Weekdays",
    "evenings": "Evenings",
    "weekends": "Weekends",
}

KINDS = {
    "volunteer": "Volunteering",
    "group": "Group",
    "have-your-say": "Have your say",
    "training": "Training",
    "event": "Event",
}

# -- the /start dialogue ------------------------------------------------------------------------

WELCOME = (
    "Hello! I'm <b>Get Involved</b>. I help you find local ways to get involved: "
    "volunteering, community groups and chances to have your say.\n\n"
    "I'll ask a few quick questions, then suggest some small first steps."
)
ASK_PASSION = (
    "<b>What are you passionate about, or what would you love to change where you live?</b>\n"
    "Tell me in a few words, or pick one below."
)
ASK_SKILLS = (
    "Thanks. <b>What are you good at, or enjoy doing?</b>\n"
    "For example: cooking, talking to people, DIY, sport or computers. You can skip this."
)
SKIP = "Skip"
ASK_PLACE = (
    "<b>Where are you?</b>\n"
    "Type your postcode, or just the first part, like NG7. I only keep the first part."
)
KEEP_PLACE = "Keep {district}"
SKIP_PLACE = "I'd rather not say"
ASK_TIME = "<b>How much time do you have?</b>\nPick as many as you like, then press Done."
DONE = "Done"
TICK = "✓ "


def place_kept(district: str) -> str:
    return f"Thanks. I'll look near {escape(district)}."


def place_from_location(district: str) -> str:
    return f"Thanks. You're in or near {escape(district)}. I only keep that, not your exact location."


def noted_passion(passion: str) -> str:
    return f"Got it: you're more into “{escape(passion)}”. I'll use that."


PLACE_SKIPPED = "That's fine. I'll show things from everywhere, and things you can do from home."
LOCATION_TOO_FAR = (
    "That location seems to be outside the UK areas I know. "
    "Please type your postcode instead, or just the first part, like NG7."
)
POSTCODE_HELP = "Please type a UK postcode, like NG7 2RD, or just the first part, like NG7."


def not_a_postcode(typed: str) -> str:
    return f"Sorry, “{escape(typed[:20])}” doesn't look like a UK postcode.\n{POSTCODE_HELP}"


def unknown_district(district: str) -> str:
    return f"Sorry, I don't know where {escape(district)} is. Please check it.\n{POSTCODE_HELP}"


TIME_HELP = "Pick one or more from the list, then press Done. Or type something like “weekends”."

# -- results ------------------------------------------------------------------------------------


def results_intro(count: int, district: str) -> str:
    where = f" near {escape(district)}" if district else ""
    if count == 1:
        return f"Here is one thing you could do{where}:"
    return f"Here are {count} things you could do{where}, best first:"


def more_like_intro(title: str) -> str:
    return f"More like <b>{escape(title)}</b>:"


NEXT_INTRO = "Here are some more:"
SMALL_INTRO = "Some smaller first steps:"


def nothing_found(topic: str, district: str) -> str:
    where = f" near {escape(district)}" if district else ""
    return f"Sorry, I couldn't find anything for “{escape(topic)}”{where} just now."


def nothing_local_but_remote(district: str) -> str:
    return f"I couldn't find anything near {escape(district)}, but these can be done from home:"


TRY_OTHER_CAUSES = "You could try one of these instead, or tell me something else you care about."
NOTHING_MORE = "That's everything I have like that for now."
NOTHING_SMALLER = (
    "I couldn't find a smaller first step for that just now. "
    "Many groups are happy for you to go along once and see. Just ask them."
)
ASK_FOR_WORDS = "Tell me in a few words what you care about, for example “gardening” or “helping older people”."

SOMETHING_ELSE = "Want something different? Just tell me what you care about."
SHOW_MORE = "Show me more"
START_SMALL_BUTTON = "Something smaller"


def start_small(count: int) -> str:
    these = "This asks" if count == 1 else "These all ask"
    return (f"<b>Think big, start small.</b> {these} for regular time or a check first. "
            "A one-off event or a short survey is an easy first step.")

DBS_EXPLAINED = (
    "<i>A DBS check is a criminal record check. The organisation arranges it, "
    "and it is usually free for volunteers.</i>"
)

# -- card lines ---------------------------------------------------------------------------------

APPLY = "Apply or find out more"
MORE_LIKE_THIS = "More like this"
NOT_FOR_ME = "Not for me"
SAVE = "Save"
FROM_HOME = "Can be done from home"


def km_away(km: float) -> str:
    if km < 1:
        return "under 1 km away"
    return f"{km:.1f} km away" if km < 10 else f"{km:.0f} km away"


def min_age(age: int) -> str:
    return f"Age {age} and over"


DBS_NEEDED = "Needs a DBS check"


def why(text: str) -> str:
    return f"<i>Why: {escape(text)}</i>"


# -- card buttons' answers ----------------------------------------------------------------------


def hidden(title: str) -> str:
    return f"OK, I won't show you <b>{escape(title)}</b> again."


ALREADY_HIDDEN = "You've already told me that one isn't for you."
INSTEAD = "Here's another one instead:"


def saved(title: str) -> str:
    return f"Saved <b>{escape(title)}</b>. Type /mydata to see what you've saved."


ALREADY_SAVED = "That one is already saved."
GONE = "Sorry, that opportunity is no longer listed."
STALE_BUTTON = "That button is from an earlier message, so I've left things as they were."

# -- alerts -------------------------------------------------------------------------------------


def offer_alerts(topic: str) -> str:
    return f"Would you like me to tell you when something new about “{escape(topic)}” comes up?"


YES_PLEASE = "Yes, please"
NO_THANKS = "No, thanks"


def subscribed(topic: str, district: str) -> str:
    where = f" near {escape(district)}" if district else ""
    return (f"Done. I'll tell you when something new about “{escape(topic)}” comes up{where}. "
            "Type /unsubscribe to stop.")


def already_subscribed(topic: str) -> str:
    return f"You're already getting news about “{escape(topic)}”. Type /unsubscribe to stop."


ASK_TOPIC = "What would you like to hear about? Tell me in a few words, for example “gardening”."
NO_ALERTS_THANKS = "OK. Type /subscribe any time if you change your mind."
UNSUBSCRIBED = "Done. I won't send you any more news about new opportunities."
NOT_SUBSCRIBED = "You weren't getting any news from me, so there was nothing to stop."

# -- other commands -----------------------------------------------------------------------------


def help_text() -> str:
    lines = [f"/{name} – {escape(what)}" for name, what in COMMANDS]
    return ("I help you find local ways to get involved. "
            "Tell me what you care about, or use these:\n\n" + "\n".join(lines))


def unknown_command(command: str) -> str:
    return f"Sorry, I don't know /{escape(command[:40])}. Type /help to see what I can do."


SEARCH_HOW = "Tell me what to look for, for example: /search dog walking"
POSTCODE_HOW = "Type /postcode and your postcode, for example: /postcode NG7 2RD. Or just type your postcode."
CANCELLED = (
    "OK, we've stopped. I've kept your answers so far. "
    "Type /start to begin again, or /forget to delete what I keep."
)
FORGOTTEN = (
    "Done. I've deleted everything I kept about you: your answers, your place, "
    "saved and hidden opportunities and any news you asked for. "
    "If you message me again, we'll start afresh."
)

# -- /mydata ------------------------------------------------------------------------------------

MYDATA_TITLE = "<b>What I keep about you</b>"
MYDATA_NOTHING = "I don't keep anything about you at the moment."
MYDATA_FOOTER = "Type /forget to delete all of this at once."
STEP_NAMES = {
    "idle": "nothing in progress",
    "passion": "asking what you care about",
    "skills": "asking what you're good at",
    "place": "asking where you are",
    "time": "asking how much time you have",
    "results": "showing you matches",
    "topic": "asking what you'd like news about",
}


def mydata_line(label: str, value: str) -> str:
    return f"{escape(label)}: {escape(value)}"


def mydata_item(title: str) -> str:
    return f"  • {escape(title)}"


def and_more(count: int) -> str:
    return f"and {count} more"


# -- things I can't read, small talk, groups ----------------------------------------------------

UNSUPPORTED = "Sorry, I can only read typed words, not stickers, photos or voice messages."
NO_WORDS = "Sorry, I can only understand words."
HELLO = "Hello again! Tell me what you care about, or type /start to begin."
THANKS = "You're welcome. Good luck, and tell me any time if you'd like more ideas."
SORRY = "Sorry, something went wrong on my side. Please try again, or type /help."

GROUP_PRIVATE = (
    "Please message me privately for that. In groups I don't keep anything about anyone."
)
GROUP_START = (
    "Hello! Message me privately and I'll help you find local ways to get involved. "
    "In groups I only answer /search and /help, and I don't keep anything about anyone."
)
GROUP_FOOTER = "Message me privately to save these or hear about new ones."
