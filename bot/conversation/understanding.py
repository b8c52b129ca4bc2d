"""Reading what residents type: postcodes, times, small talk, and what they care about.

Kept apart from the dialogue so the rules are easy to read and to test: plain functions from
text to facts, no state and no store.
"""
from __future__ import annotations

import re

from bot.matching.query import CHILD_AGE
from bot.places import find_postcode

MAX_INPUT_CHARS = 1000  # longer messages are read only this far
MAX_PASSION_CHARS = 200  # what is kept of the resident's own words

_WORDY = re.compile(r"[^\W_]")
_LINE_BREAKS = re.compile(r"[\s,;]*\n[\s,;]*")
_LINKS = re.compile(r"\b(?:https?://|www\.)\S+", re.I)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_LEAD = re.compile(r"^(?:(?:actually|well|hmm+|ok|okay|so|but|oh|and|um+|erm+|no)\b[\s,!.]*)+", re.I)
_PHRASES = [re.compile(p, re.I) for p in (
    r"^(?:i'?m|i am|i'?d be)\s+(?:more|really|mostly|also|quite|very)?\s*"
    r"(?:into|interested in|passionate about|keen on|thinking about|thinking of)\s+",
    r"^i(?:'?d| would)\s+(?:rather|really|much rather)?\s*(?:like|love|prefer)?\s*(?:to\s+)?(?:do|help with)?\s*",
    r"^(?:what|how)\s+about\s+",
    r"^i\s+(?:really\s+|also\s+)?(?:love|like|enjoy|care about|want to help with|want to help)\s+",
    r"^(?:more|rather|instead|something)?\s*(?:like|along the lines of)\s+",
    r"^(?:more|rather|instead)\s+",
    r"^something\s+(?:with|about|in|around|to do with)\s+",
    r"^(?:i live in|my postcode is|postcode|near)\s+",
    r"^(?:more|really|mostly|rather)?\s*into\s+",
    r"^(?:really\s+)?(?:love|adore|enjoy)\s+",
    r"^(?:i'?m|i am)\s+(?:only\s+)?\d{1,2}(?:\s*(?:years?\s+old|yrs?(?:\s+old)?|y/?o))?\s*(?:,|\band\b|\.)?\s*",
    # others' ages ("my kids, they're 8 and 10", "my son aged 12"): about whom, not what
    r"[\s,(]*\b(?:(?:they|he|she)(?:'re|'s|\s+are|\s+is)|aged|ages|who\s+are)\s+\d{1,2}"
    r"(?:\s*(?:,|and|&|-|to)\s*\d{1,2})*(?:\s*(?:years?\s+old|yrs?(?:\s+old)?|y/?o))?\)?",
    r"^(?:i\s+)?(?:just\s+)?(?:really\s+)?(?:wanna|want to|would like to|'d like to|need to|have to|'ve got to|got to)\s+"
    r"(?:(?:help(?:\s+out)?|volunteer|do something|do(?:\s+some)?\s+volunteering)\s+)?(?:(?:with|for|at|about|in)\s+)?",
)]
# What goes before a new passion: "wait no, more like ...", "nah scrap the animals, what about ...".
_SWITCH = re.compile(r"^(?:(?:wait|hang on|hold on|hmm+|um+|erm+|oh|well|ok|okay|no|nah|nope|sorry|"
                     r"(?:scrap|forget|ditch)\s+(?:that|it|the\s+\w+)|never\s*mind(?:\s+that)?)\b[\s,!.]*)+"
                     r"(?=(?:what|how)\s+about\b|more\s+like\b|rather\b|actually\b|instead\b)", re.I)
_TRAILING = re.compile(r"[\s,.!?]*(?:\b(?:instead|please|thanks|thank you|really|innit|lol|tbh|mate)\b[\s,.!?]*)*$", re.I)
_PLACE_TAIL = re.compile(r"[\s,]*\b(?:(?:i|we)\s+(?:live|am|are|'m|'re)\s+|i'?m\s+|based\s+)?"
                         r"(?:near|in|around|at|from)\s*[.!]?$", re.I)
_CHANGE_OF_MIND = re.compile(r"^\s*(?:(?:hmm+|um+|erm+|oh|well|ok|okay|no|sorry)\b[\s,!.]*)*(?:actually|instead|rather)\b|"
                             r"\bmore into\b|\binstead\b|\bi(?:'?d| would)\s+(?:much\s+)?(?:rather|prefer)\b(?!\s+not\b)", re.I)

_AVAILABILITY = {
    "one-off": re.compile(r"\bone[- ]?offs?\b|\bonce\b|\bone time\b|\bsingle\b", re.I),
    "monthly": re.compile(r"\bmonth(?:ly|s)?\b", re.I),
    "weekly": re.compile(r"\bweekly\b|\b(?:every|a|per|each|once a) week\b", re.I),
    "weekdays": re.compile(r"\bw(?:ee)?k ?days?\b|\bday ?times?\b|\bduring the day\b|\bschool hours\b|"
                           r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri)(?:days?)?\b(?! night)", re.I),
    "evenings": re.compile(r"\bevenings?\b|\beves\b|\b(?<!work )(?<!working )nights?\b(?!\s*shifts?)|\bweeknights?\b|"
                           r"\bafter work\b", re.I),  # "I work nights" says when they are busy
    "weekends": re.compile(r"\bw(?:ee)?k ?e?nds?\b|\bsaturdays?\b|\bsundays?\b|\bsats?\b|\bsuns?\b(?= only\b|$)", re.I),
}

GREETINGS = {"hi", "hello", "hey", "hiya", "good morning", "good afternoon", "good evening", "hi there", "hello there"}
THANKS = {"thanks", "thank you", "cheers", "ta", "thanks a lot", "thank you very much", "many thanks", "great thanks"}
YES = {"yes", "yes please", "yeah", "yep", "sure", "please do", "ok", "okay", "go on"}
NO = {"no", "no thanks", "no thank you", "nope", "not now", "maybe later"}
MORE = {"more", "show more", "more please", "show me more", "next", "any more", "anything else"}
HELP = {"help", "?", "what can you do", "menu"}
_NICE = {"that's", "thats", "that", "is", "great", "brilliant", "lovely", "perfect", "good", "nice", "very", "much",
         "so", "a", "lot", "helpful", "useful", "fab", "ace", "cool", "amazing", "i'll", "ill", "will", "have", "look",
         "take", "mate", "for", "this", "these", "you", "x", "loads", "really", "super", "awesome"}
_POLITE_NO = {"i'm", "im", "i", "am", "ok", "okay", "fine", "good", "alright", "thanks", "thank", "you", "ta",
              "mate", "not", "now", "it's", "its", "cheers", "all", "right", "for", "that", "though"}
_NO_WORDS = {"no", "nah", "nope", "na"}
SKIP = {"skip", "no", "nothing", "none", "not sure", "pass", "n/a", "dont know", "don't know",
        "nothing really", "no idea", "not really", "nope"}
ANY_TIME = {"any", "anytime", "any time", "anything", "flexible", "don't mind", "dont mind",
            "whenever", "done", "all", "all of them", "not sure", "skip"}
_CHATTER = re.compile(r"\b(?:lol|haha+|mate|tbh|tbf|honestly|to be honest|really|at the moment|atm|right now|"
                      r"i'?m afraid|sorry|mind you|i guess|i think|yet)\b", re.I)
DECLINE = SKIP | {"dunno", "idk", "i dunno", "i don't know", "i dont know", "no clue", "not a clue", "nothing much",
                  "can't think of anything", "cant think of anything", "not really sure", "nah", "na", "no ta",
                  "i'm not sure", "im not sure", "unsure", "none of the above", "nothing in particular"}
_QUESTION = re.compile(r"^(?:what|which|why|how|who|where|like what|such as|e\.?g|do you|does it|is it|are there|"
                       r"what's|whats|can you|could you|give me)\b(?!\s+about\b)", re.I)
NO_PLACE = {"skip", "anywhere", "rather not say", "i'd rather not say", "no", "online",
            "from home", "remote", "not saying", "prefer not to say", "i'd rather not"}


def clean(text: str) -> str:
    """One line of at most MAX_INPUT_CHARS, with spaces collapsed and quotes straightened.
    Line breaks become commas: 'gardening / NG7 / weekends' on three lines are three answers."""
    one_line = _LINE_BREAKS.sub(", ", text[:MAX_INPUT_CHARS].strip())
    return " ".join(one_line.translate(_APOSTROPHES).split())


def without_links(text: str) -> str:
    """The text without web addresses: the bot cannot open them, and a link is no passion."""
    return " ".join(_LINKS.sub(" ", text).split()).strip(" ,.")


def is_token(text: str) -> bool:
    """One word with digits or underscores, like a deep link's 'ref_42': a code, not an answer."""
    return " " not in text.strip() and any(ch.isdigit() or ch == "_" for ch in text)


def has_link(text: str) -> bool:
    return _LINKS.search(text) is not None


def key(text: str) -> str:
    """The text as a lookup key for the small-talk sets: lower case, no end punctuation."""
    return clean(text).lower().strip(" .,!?;:")


def has_words(text: str) -> bool:
    """False for emoji-only or punctuation-only messages."""
    return bool(_WORDY.search(text))


def district_in(text: str) -> tuple[str | None, str]:
    """The postcode district named in the text (if any), and the text without the postcode.
    Of two ('I work in NG1 but live in NG9'), the one said to be home wins; else the first."""
    first, rest = _first_district(text)
    if first is None:
        return None, text
    second, rest_of_both = _first_district(rest)
    if second is None:
        return first, rest
    home = _SAYS_HOME.search(text)
    chosen = second if home and text[home.end():].lstrip().upper().startswith(second) else first
    return chosen, rest_of_both


_SAYS_HOME = re.compile(r"\b(?:live|living|based|home is|i'?m)\s+(?:in|at|near)?(?=\s*[a-z]{1,2}\d)", re.I)


def _first_district(text: str) -> tuple[str | None, str]:
    found = find_postcode(text)
    if found is None:
        return None, text
    rest = found.inward or found.sector or ""
    pattern = rf"\b{re.escape(found.outward)}(?:\s*{re.escape(rest)})?\b" if rest else rf"\b{re.escape(found.outward)}\b"
    rest = " ".join(re.sub(pattern, " ", text, count=1, flags=re.I).split())
    return found.outward, _PLACE_TAIL.sub("", rest).strip(" ,.")


_FILLER = {
    "i", "im", "i'm", "am", "live", "living", "in", "near", "around", "at", "my", "postcode", "post",
    "code", "is", "it", "it's", "its", "the", "from", "actually", "ok", "okay", "now", "moved", "to",
    "we", "we're", "are", "based", "area", "district", "here", "and", "so", "just", "oh", "well",
    "sorry", "i've", "ive", "me", "that", "this", "one", "please", "thanks", "hi", "hello",
    "meant", "mean", "oops", "no", "not", "wait", "correction", "instead", "change", "place",
    "wrong", "typo", "mistake", "should", "be", "was", "right", "correct", "new",
}


_BEFORE_PLACE = re.compile(r"\b(?:i'?m|i am|i|we|we're|we are)?\s*(?:live|living|based|moved)?\s*$", re.I)
_PLACE_CUES = {"in", "from", "near", "around", "live", "living", "based"}  # and "moved to"
_NAME_WORD = re.compile(r"[^\W\d_][\w'-]*")
MAX_NAME_WORDS = 2


def place_named(text: str, names: dict[str, str], *, cue: bool = True) -> tuple[str | None, str]:
    """A known place named in the text ('I live in Sneinton') as its district, and the text without it.
    With `cue`, only after 'in', 'from', 'near' and the like, so 'Abbey Park' in a passion stays a passion.

    Looked up word by word (names have one or two words), so a turn costs the same however many
    names the opportunities have taught."""
    said = clean(text)
    tokens = list(_NAME_WORD.finditer(said.lower()))
    for i in range(len(tokens)):
        cue_start = _cue_before(tokens, i)
        if cue and cue_start is None:
            continue
        for n in range(min(MAX_NAME_WORDS, len(tokens) - i), 0, -1):
            name = " ".join(t.group() for t in tokens[i:i + n])
            if name in names:
                start = tokens[i].start() if cue_start is None else cue_start
                before = _BEFORE_PLACE.sub("", said[:start])
                after = re.sub(r"^\s*(?:,|\band\b)\s*", "", said[tokens[i + n - 1].end():], flags=re.I)
                return names[name], ", ".join(p for p in (before.strip(" ,."), after.strip(" ,.")) if p)
    return None, text


def _cue_before(tokens: list[re.Match[str]], i: int) -> int | None:
    """Where the cue ('in', 'moved to') just before word i starts, if there is one."""
    if i >= 1 and tokens[i - 1].group() in _PLACE_CUES:
        return tokens[i - 1].start()
    if i >= 2 and tokens[i - 1].group() == "to" and tokens[i - 2].group() == "moved":
        return tokens[i - 2].start()
    return None


_SPLIT_OUTWARD = re.compile(r"^\s*([a-z]{1,2})\s+(\d[a-z0-9]?)\b", re.I)
_SAYS_WHERE = re.compile(r"^(?:i\s+live|i'?m|i am|we'?re|we\s+live|from|in|near|based)\b", re.I)
_PROPER_NAME = re.compile(r"^[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?$")


def squash_outward(text: str) -> str:
    """'ng 7' -> 'ng7': a space typed inside the outward code."""
    return _SPLIT_OUTWARD.sub(lambda m: m.group(1) + m.group(2), clean(text), count=1)


def names_a_place(text: str) -> bool:
    """'I live in Glasgow', 'Cardiff': a place by name, which is not a postcode."""
    said = clean(text)
    return bool(_SAYS_WHERE.search(said) or _PROPER_NAME.match(said)) and not any(ch.isdigit() for ch in said)


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_][\w']*", text.lower())


def only_filler(text: str) -> bool:
    """True when nothing is left but words like 'I live in': no new passion in the text."""
    return all(w in _FILLER for w in _words(text))


def is_thanks(text: str) -> bool:
    """'thanks thats great', 'cheers, very helpful': thanks, not a new passion."""
    words = _words(text)
    if not words:
        return False
    first = 2 if " ".join(words[:2]) == "thank you" else 1
    return " ".join(words[:first]) in THANKS and all(w in _NICE for w in words[first:])


def says_no(text: str) -> bool:
    """'no', 'nah im ok', 'no thanks mate': a polite no to an offer."""
    words = _words(text)
    return key(text) in NO or (bool(words) and words[0] in _NO_WORDS and all(w in _POLITE_NO for w in words[1:]))


def declines(text: str) -> bool:
    """'dunno', 'not sure tbh', 'nothing really lol': no answer to the question, said politely."""
    said = key(_CHATTER.sub(" ", key(text)))
    return not said or said in DECLINE


def no_answer(text: str) -> bool:
    """'yes', 'ok' or 'dunno' to a question that wants words: nothing to keep as the answer."""
    return declines(text) or key(text) in YES


_ABOUT_ROLES = re.compile(r"\b(?:dbs|criminal record|accessible|access|wheelchairs?|disabled|disability|step[- ]free|"
                          r"cost|costs|pay|paid|expenses|age|old enough|these|this one|them|they|"
                          r"sign(?:ing)? up|apply|applying|application|join|register|contact|get in touch|"
                          r"get started|training|how long|how many hours|parking|"
                          r"(?:own )?car|drive|driving|driving licen[cs]e|licen[cs]e|transport)\b", re.I)
_ASKS = re.compile(r"^(?:are|is|do|does|can|could|will|would|what|what's|whats|how|who|where|when|why)\b(?!\s+about\b)", re.I)
_CAN_I_HELP = re.compile(r"\b(?:can|could)\s+i\s+(?:still\s+|even\s+|actually\s+|really\s+)?"
                         r"(?:volunteer|help|help out|do it|do this|take part|get involved|join in)\s*\?*$", re.I)
_SHORT_QUESTION = 8  # words: "what does DBS mean" is a question without its question mark


def asks_about_roles(text: str) -> bool:
    """'are any of these wheelchair accessible?', 'what does DBS mean', 'I work shifts, can I still
    volunteer?': a question about taking part, to be answered, not taken as a passion."""
    said = clean(text)
    if _CAN_I_HELP.search(said):
        return True
    asked = _CLAUSES.split(said.rstrip("?! "))[-1] if said.endswith("?") else said
    question = said.endswith("?") or len(said.split()) <= _SHORT_QUESTION
    return question and _ASKS.match(asked) is not None and _ABOUT_ROLES.search(asked) is not None


_PAY = re.compile(r"\b(?:pay|paid|wages?|salary|money)\b", re.I)


def question_kind(text: str) -> str:
    """What a question about taking part is about: "dbs", "paid", "can" (can I still help?) or "other"."""
    said = clean(text)
    if mentions_dbs(said):
        return "dbs"
    if _CAN_I_HELP.search(said):
        return "can"
    return "paid" if _PAY.search(said) else "other"


_DBS = re.compile(r"\bdbs\b|criminal record", re.I)


def mentions_dbs(text: str) -> bool:
    return _DBS.search(text) is not None


def asks_back(text: str) -> bool:
    """'like what?', 'why do you need that?': a question back, not an answer ('what about dogs?' is one)."""
    said = clean(text)
    return _QUESTION.match(said) is not None and (said.endswith("?") or len(said.split()) <= 4)


def availability_in(text: str) -> list[str]:
    """Availability codes named in the text, in the matcher's order."""
    return [code for code, pattern in _AVAILABILITY.items() if pattern.search(text)]


_CLAUSES = re.compile(r"\s*(?:[,;.!?]+|\s-\s|\bbut\b)\s*", re.I)
_TIME_WORDS = {
    "free", "available", "most", "only", "usually", "mostly", "mainly", "normally", "generally", "on", "the",
    "odd", "some", "any", "a", "few", "couple", "of", "hours", "hour", "time", "work", "full", "part", "can",
    "do", "or", "mornings", "morning", "afternoons", "afternoon", "every", "each", "per", "days", "day",
    "got", "have", "spare", "bit", "but", "i'd", "be", "would", "like", "about", "around", "roughly", "maybe",
    "max", "up", "to", "just", "we", "instead", "i've", "ive", "than", "more", "no",
    "is", "are", "better", "best", "good", "fine", "works", "suit", "suits", "me", "for",  # "saturdays are better"
}


def split_times(text: str) -> tuple[list[str], str]:
    """Times named in an answer about something else ('love dogs, free Saturdays'), and the
    answer without the parts that only say when or where, so they don't end up as the passion."""
    parts = [p for p in _CLAUSES.split(clean(text)) if has_words(p)]
    kept = [p for p in parts if not _only_time_or_place(p)]
    if not kept:
        return [], text
    said_when = [p for p in parts if p not in kept]
    for i, part in enumerate(kept):
        without = _TIME_PHRASE.sub("", part).strip(" ,")
        if without != part and has_words(without):
            said_when += _TIME_PHRASE.findall(part)
            kept[i] = without
        bare, before = trailing_times(kept[i])
        if bare:
            said_when.append(kept[i][len(before):])
            kept[i] = before
    times = [code for code in _AVAILABILITY if any(_AVAILABILITY[code].search(p) for p in said_when)]
    return times, ", ".join(kept)


_DAY_TIME = r"(?:w(?:ee)?k ?e?nds?|w(?:ee)?k ?days?|(?:mon|tues|wednes|thurs|fri|satur|sun)days?|evenings?|mornings?|afternoons?)"
_TIME_PHRASE = re.compile(rf"\s*\b(?:on|at|in|during|every|most)\s+(?:the\s+)?{_DAY_TIME}(?:\s+(?:(?:and|or|&)\s+)?{_DAY_TIME})*\b"
                          r"(?:\s+(?:only|mostly|too)\b)?(?=\s*$|\s+(?:and|or|if|when)\b)", re.I)


_TRAILING_TIME = re.compile(rf"\s+{_DAY_TIME}(?:\s+(?:(?:and|or|&)\s+)?{_DAY_TIME})*(?:\s+only)?\s*$", re.I)
_REMOTE = re.compile(r"\b(?:online|on ?line|from home|at home|remote(?:ly)?|virtual(?:ly)?|on my (?:laptop|phone|computer))\b", re.I)


_PRIVATE = re.compile(r"\b(?:rather|prefer|like to|want to)\s+(?:not|keep (?:that|it|this) (?:to myself|private|quiet))\b|"
                      r"\bkeep (?:that|it) (?:to myself|private)\b|\bnot (?:telling|saying|giving (?:that|it|you))\b|"
                      r"\bnone of your business\b|\bthat'?s private\b", re.I)


def keeps_private(text: str) -> bool:
    """'rather keep that to myself tbh', 'not telling': the place question declined."""
    return _PRIVATE.search(text) is not None


def wants_remote(text: str) -> bool:
    """'only online stuff please' at the place question: things from home, no place needed."""
    return _REMOTE.search(text) is not None


def _only_time_or_place(part: str) -> bool:
    timeless = part
    for pattern in _AVAILABILITY.values():
        timeless = pattern.sub(" ", timeless)
    words = _words(timeless)
    return all(w in _FILLER or w in _TIME_WORDS or w in GREETINGS or w.isdigit() for w in words)


def only_times(text: str) -> list[str]:
    """'actually only evenings', 'can we do weekends instead': the times, when the text says
    nothing but when; [] otherwise (a new passion, a question...)."""
    times = availability_in(text)
    return times if times and _only_time_or_place(text) else []


def trailing_times(text: str) -> tuple[list[str], str]:
    """'dog walking weekends': times said bare at the end, and the words before them."""
    found = _TRAILING_TIME.search(text)
    if found is None or not has_words(text[:found.start()]):
        return [], text
    return availability_in(found.group()), text[:found.start()].strip(" ,")


def changes_mind(text: str) -> bool:
    """'actually I'm more into gardening', 'wait no, more like helping refugees': a new passion,
    even in the middle of another question. 'I'd prefer weekends' only says when, so it is an
    answer, not a new passion."""
    said = bool(_CHANGE_OF_MIND.search(text) or _SWITCH.match(text))
    return said and not _only_time_or_place(passion_from(text))


def passion_from(text: str) -> str:
    """What the resident cares about, without 'actually I'm more into' and the like."""
    words = _SWITCH.sub("", CHILD_AGE.sub(r"\1 child", clean(text)))
    for _ in range(4):
        before = words
        words = _LEAD.sub("", words).strip(" ,.!")
        for phrase in _PHRASES:
            words = phrase.sub("", words).strip(" ,.!")
        if words == before:
            break
    words = _TRAILING.sub("", words).strip(" ,.!?")
    if not has_words(words):
        words = clean(text)
    return shorten_words(_wishes_first(words), MAX_PASSION_CHARS)


_WISH = re.compile(r"\b(?:lov(?:e|ed|es|ing)|lovely|like|enjoy\w*|care\w*|interest\w*|passion\w*|into|keen|"
                   r"wan(?:t|na)|wish|anything with|something with|would be)\b", re.I)


def _wishes_first(words: str) -> str:
    """A long story kept from its parts that say what the resident would like, so that is not
    lost when the words are cut short."""
    if len(words) <= MAX_PASSION_CHARS:
        return words
    parts = [p for p in _CLAUSES.split(words) if has_words(p)]
    wishes = [p for p in parts if _WISH.search(p)]
    return ", ".join(wishes + [p for p in parts if p not in wishes]) if wishes else words


_SKILL_LEAD = re.compile(r"^(?:i'?m|i am|i'?d say i'?m)?\s*(?:really|quite|pretty|very)?\s*(?:good at|good with|great at|ok at|decent at)\s+|"
                         r"^i\s+(?:really\s+)?(?:enjoy|like|love|can do|can)\s+|"
                         r"^(?:i'?m|i am|i was|i used to be|i work as|i worked as)\s+(?:an?\s+)?", re.I)


def skills_from(text: str) -> str:
    """What the resident is good at, without 'I'm good at' and the like."""
    words = _SKILL_LEAD.sub("", _LEAD.sub("", clean(text))).strip(" ,.!")
    return shorten_words(words if has_words(words) else clean(text), MAX_PASSION_CHARS)


def shorten_words(text: str, limit: int) -> str:
    """Cut at a word boundary, so what we keep of someone's words stays readable."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut[:cut.rindex(" ")] if " " in cut else cut
