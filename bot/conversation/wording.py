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
# Shown only to community workers (GETINVOLVED_WORKERS): in their /help and, on Telegram, in the
# command menu of their own chat (a per-chat command scope).
WORKER_COMMANDS: list[tuple[str, str]] = [
    *COMMANDS,
    ("broadcast", "Announce an opportunity to the residents it matches"),
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


NO_LINKS = "Sorry, I can't open links. Tell me in a few words what it's about."


def times_kept(times: list[str]) -> str:
    return f"OK, I'll look for {escape(', '.join(AVAILABILITY.get(t, t) for t in times).lower())}."


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


PASSION_EXAMPLES = (
    "Anything you care about is a good start. For example: animals, parks and green spaces, "
    "helping older people, food banks, young people, sport, or having a say on local plans."
)
SKILLS_EXAMPLES = (
    "Anything you do at work or at home counts. For example: cooking, driving, listening, "
    "DIY, gardening, numbers, languages or being good with computers."
)
PLACE_WHY = (
    "I use it to find things near you. I only keep the first part, like NG7, "
    "never your full postcode or address."
)
PLACE_NOT_KNOWN = (
    "Sorry, I don't know that place by name. Please type your postcode, "
    "or just the first part, like NG7."
)
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


def starters_intro(district: str) -> str:
    return f"Here are some easy first steps near {escape(district)} instead, on different causes:"


def ways_to_start(district: str) -> str:
    return f"Here are some easy ways to start near {escape(district)}:"


def nothing_local_but_remote(district: str) -> str:
    return f"I couldn't find anything near {escape(district)}, but these can be done from home:"


def only_far_away(district: str, km: float) -> str:
    return (f"I couldn't find anything close to {escape(district)} just now. "
            f"These are the nearest, about {round(km)} km away:")


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

DBS_ANSWER = (
    "A DBS check is a criminal record check. The organisation arranges it, and it is usually free "
    "for volunteers. Many roles don't need one. Tell me if you'd like something different."
)
# A question about taking part before any matches are shown; the question asked before follows.
BEFORE_MATCHES = {
    "dbs": "A DBS check is a criminal record check. The organisation arranges it, and it is usually free "
           "for volunteers. Many roles don't need one.",
    "paid": "Volunteering is unpaid, but many roles pay expenses such as travel. Each role I show you links "
            "to the details.",
    "can": "Yes. Many roles are flexible, one-off or done from home, so they can fit around shifts, caring "
           "or health. Each one I show you says when it happens.",
    "other": "Good question. It depends on the role: each one I show you says what it needs, and its link "
             "has the details.",
}
ASK_THE_ORGANISATION = (
    "Good question. Each card's “Apply or find out more” link has the details, and the organisation "
    "will be happy to answer. Tell me if you'd like something different."
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


SHORT_TOPIC = 40  # longer answers read badly quoted back; they become "what you told me"


def _about(topic: str) -> str:
    """ “dog walking” quoted back, or a long answer summed up."""
    topic = " ".join(topic.split())
    if len(topic) <= SHORT_TOPIC:
        return f"about “{escape(topic)}”"
    return "that matches what you told me"


def offer_alerts(topic: str) -> str:
    return f"Would you like me to tell you when something new {_about(topic)} comes up?"


YES_PLEASE = "Yes, please"
NO_THANKS = "No, thanks"


def subscribed(topic: str, district: str) -> str:
    where = f" near {escape(district)}" if district else ""
    return (f"Done. I'll tell you when something new {_about(topic)} comes up{where}. "
            "Type /unsubscribe to stop.")


def already_subscribed(topic: str) -> str:
    about = _about(topic)
    if about.startswith("about"):
        return f"You're already getting news {about}. Type /unsubscribe to stop."
    return "You're already getting news about new things that match what you told me. Type /unsubscribe to stop."


ASK_TOPIC = "What would you like to hear about? Tell me in a few words, for example “gardening”."
NO_ALERTS_THANKS = "OK. Type /subscribe any time if you change your mind."
UNSUBSCRIBED = "Done. I won't send you any more news about new opportunities."
NOT_SUBSCRIBED = "You weren't getting any news from me, so there was nothing to stop."
STOPPED = "Done. I won't send you any more of these messages. Type /subscribe if you change your mind."
ALREADY_STOPPED = "You've already stopped these messages, so you won't get any more. Type /subscribe if you'd like them again."

# -- other commands -----------------------------------------------------------------------------


def help_text(*, worker: bool = False) -> str:
    lines = [f"/{name} – {escape(what)}" for name, what in (WORKER_COMMANDS if worker else COMMANDS)]
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
    "bc-what": "asking which opportunity to broadcast",
    "bc-reading": "reading a web page for a broadcast",
    "bc-title": "asking for a broadcast's title",
    "bc-link": "asking for a broadcast's link",
    "bc-place": "asking where a broadcast's opportunity is",
    "bc-preview": "showing a broadcast before it is sent",
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


# -- broadcasts (community workers only) ---------------------------------------------------------

BROADCAST_REFUSED = (
    "Sorry, only community workers can send broadcasts. "
    "If you think you should be able to, please ask the team that runs this service."
)
BROADCAST_IN_GROUP = "Broadcasts can only be sent from a private chat with me."
ASK_BROADCAST = (
    "<b>Which opportunity would you like to announce?</b>\n"
    "Send its id (for example garden-club), a link to its web page, or paste its description."
)
BROADCAST_SOMETHING_ELSE = "Send an id, a link to a web page, or paste a description."
CANCEL = "Cancel"
SEND = "Send"
FROM_HOME_BUTTON = "It can be done from home"
READING_PAGE = "Reading that page. This can take a few seconds."


def broadcast_too_long(length: str) -> str:
    return (f"That's {escape(length)} characters, longer than I can take in one message (4,096). "
            "Please send a shorter description, or a link to its web page.")


BROADCAST_NO_WORDS = "I couldn't find any words in that. " + BROADCAST_SOMETHING_ELSE

PAGE_PROBLEMS = {
    "robots": "That website asks services like mine not to read that page, so I haven't.",
    "http-404": "That page couldn't be found. Please check the link.",
    "http-410": "That page has been taken down.",
    "http-4xx": "That website wouldn't show me the page.",
    "unreachable": "I couldn't reach that website just now.",
    "content-type": "That link isn't a web page I can read. It may be a PDF, an image or a download.",
    "too-large": "That page is too big for me to read.",
    "redirects": "That link keeps sending me somewhere else, so I couldn't read it.",
    "bad-url": "That isn't a web address I can read.",
    "nothing": "I couldn't find an opportunity described on that page.",
    "closed": "That page says the opportunity has closed.",
}
UNREACHABLE_KINDS = ("timeout", "network", "tls", "http-5xx", "http-429")


def page_problem(code: str, count: int = 0) -> str:
    """Why a page gave no draft, and what to do instead."""
    if code == "several":
        said = f"That page lists {count} opportunities. Please send the link to the one you mean."
    elif code in UNREACHABLE_KINDS:
        said = PAGE_PROBLEMS["unreachable"]
    elif code.startswith("http-") and code not in PAGE_PROBLEMS:
        said = PAGE_PROBLEMS["http-4xx"]
    else:
        said = PAGE_PROBLEMS.get(code, PAGE_PROBLEMS["nothing"])
    return f"{said}\nYou can paste the description instead, or send another link."


PAGE_READ = "I've read that page."
ASK_DRAFT_TITLE = (
    "<b>What is it called?</b>\n"
    "Send a short title, for example “Litter pick in Lenton Park”."
)
ASK_DRAFT_LINK = (
    "<b>Where can residents find out more or sign up?</b>\n"
    "Send the link to its web page. It must start with http:// or https://."
)
ASK_DRAFT_PLACE = (
    "<b>Where is it?</b>\n"
    "Send its postcode, or just the first part, like NG7. "
    "If it can be done from home, press the button."
)


def ask_draft_place_named(place: str) -> str:
    return (f"<b>Where is it?</b>\nYou said “{escape(place[:100])}”, but I need a postcode to find "
            "residents nearby. Send its postcode, or just the first part, like NG7. "
            "If it can be done from home, press the button.")


DRAFT_PROBLEMS = {
    ("title", "empty"): "A title needs some words.",
    ("title", "too-long"): "That's too long for a title. Please keep it under 300 characters.",
    ("url", "not-web"): "Residents can only be sent web links that start with http:// or https://.",
    ("url", "not-link"): "That doesn't look like a link.",
    ("url", "too-long"): "That link is too long for me to send.",
    ("place", "no-postcode"): "I couldn't find a UK postcode in that.",
}


def draft_problem(field: str, code: str, detail: str = "") -> str:
    """Why an answer could not be used; the question follows it."""
    if (field, code) == ("place", "unknown-district"):
        return f"Sorry, I don't know where {escape(detail)} is. Please check it."
    return DRAFT_PROBLEMS.get((field, code), "Sorry, I couldn't use that.")


def draft_closed(closed: str) -> str:
    if closed == "closed":
        return "That says it has closed. I can only send opportunities that are still open."
    return f"That says it closed on {escape(closed)}. I can only send opportunities that are still open."


def no_such_opportunity(problem: str) -> str:
    """The broadcast engine's reason (unknown id, closed, no longer offered), and what next."""
    return f"{escape(problem, quote=False)}\n{BROADCAST_SOMETHING_ELSE}"


def draft_invalid(reason: str) -> str:
    return f"I can't send that: {escape(reason, quote=False)}. Type /broadcast to start again."


PREVIEW_INTRO = ("<b>This is the message residents will get.</b> "
                 "Each will also see how far away it is and why it matched them.")


def broadcast_reach(count: int, already: int) -> str:
    """How many residents a broadcast will reach, asked before anything is sent."""
    if count == 0:
        return ("It doesn't match any subscribed residents at the moment, so no one would get it. "
                "Press Send to add it to the list anyway, or Cancel.")
    who = "1 resident" if count == 1 else f"{count:,} residents"
    text = f"<b>This will reach {who}.</b>"
    if already:
        text += f" {already:,} of them have had it already and won't get it twice."
    return text + "\nPress Send to send it now, or Cancel."


BROADCAST_CANCELLED = "Cancelled. Nothing was sent."
BROADCAST_ABANDONED = "I haven't sent that broadcast. Type /broadcast to start again."
PREVIEW_EXPIRED = ("That preview is too old to send, as who it reaches may have changed. "
                   "Type /broadcast to see an up-to-date one.")
ALREADY_SENDING = "That broadcast is already being sent, or has been sent. Each resident gets it once at most."


def broadcast_sending(count: int) -> str:
    who = "1 resident" if count == 1 else f"{count:,} residents"
    return f"Sending it to {who} now. I'll show you how it's going."


BROADCAST_NO_ONE = "No subscribed residents match it, so nothing was sent."
BROADCAST_LISTED = "I've added it to the list, so residents who search can find it."


def broadcast_progress(sent: int, blocked: int, failed: int, pending: int) -> str:
    return (f"Sending: {sent:,} delivered, {blocked:,} blocked, {failed:,} failed, "
            f"{pending:,} still to send.")


def broadcast_finished(summary: str) -> str:
    return f"<b>Broadcast finished.</b> {escape(summary)}"


def broadcast_paused(summary: str, opportunity_id: str) -> str:
    return (f"<b>Broadcast paused</b> because the bot is restarting. {escape(summary)}\n"
            f"I'll finish it when I'm back (or send /broadcast {escape(opportunity_id)} to finish it now). "
            "No one gets it twice.")


def broadcast_stopped(reason: str, opportunity_id: str) -> str:
    return (f"<b>Broadcast stopped:</b> {escape(reason)}. Nothing more was sent.\n"
            f"Send /broadcast {escape(opportunity_id)} later to finish it. No one gets it twice.")
