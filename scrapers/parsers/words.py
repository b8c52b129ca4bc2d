"""The vocabulary that tells an opportunity from everything else on a "get involved" page.

Words, not sites: role nouns ("befriender", "trustee"), group nouns ("panel", "friends of"),
calls to action ("apply", "sign up"), and the shapes of what is not an opportunity: news
headlines, paid jobs, donation asks, FAQ questions, testimonials, page furniture.
"""
from __future__ import annotations

import re

_I = re.IGNORECASE

ROLE_NOUNS = (
    "volunteer", "helper", "coordinator", "co-ordinator", "organiser", "organizer", "member", "rep", "representative",
    "champion", "befriender", "buddy", "buddie", "host", "steward", "marshal", "leader", "trustee", "governor",
    "assistant", "companion", "mentor", "driver", "guide", "ambassador", "advocate", "visitor", "listener",
    "presenter", "gardener", "treasurer", "secretary", "secretarie", "chair", "chairperson", "cadet", "constable",
    "ranger", "warden", "tutor", "coach", "supporter", "reader", "curator", "demonstrator",
    "receptionist", "fundraiser", "therapist", "mechanic", "officer", "cook", "chef", "porter", "runner", "caller",
    "trainer", "facilitator", "interpreter", "translator", "photographer", "editor", "writer", "designer",
    "researcher", "greeter", "welcomer", "aider", "responder", "lifeguard", "observer", "custodian", "archivist",
    "cataloguer", "conservator", "recorder", "monitor", "checker", "handyperson", "handyman", "packer", "sorter",
    "collector", "deliverer", "campaigner", "activist", "patroller", "knitter", "signposter", "captain",
    "supervisor", "instructor", "fixer", "mender", "repairer", "walker", "carer",
)
GROUP_NOUNS = (
    "panel", "forum", "council", "committee", "group", "club", "board", "network", "scheme", "programme",
    "friends", "association", "partnership", "parliament", "assembly", "consultation", "survey", "questionnaire",
    "watch", "cadets", "corps", "circle", "collective", "cooperative", "co-op", "choir", "project",
)
EVENT_NOUNS = (
    "open evening", "open day", "fun day", "fair", "festival", "coffee morning", "information evening",
    "information session", "taster session", "drop-in session", "litter pick", "clean-up", "cleanup", "workshop",
    "volunteer day", "action day", "work party", "celebration", "tea party", "open morning", "open afternoon",
    "information morning", "information afternoon", "taster day", "recruitment day", "recruitment event", "volunteer fair",
)
TRAINING_NOUNS = ("course", "training", "workshop", "qualification", "class", "classes", "learn to", "masterclass")

_ROLE_RE = re.compile(r"\b(?:" + "|".join(sorted({re.escape(w) for w in ROLE_NOUNS}, key=len, reverse=True)) + r")(?:s|es)?\b", _I)
_GROUP_RE = re.compile(r"\b(?:" + "|".join(sorted({re.escape(w) for w in GROUP_NOUNS}, key=len, reverse=True)) + r")s?\b|^friends of\b", _I)
_EVENT_RE = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in EVENT_NOUNS) + r")s?\b", _I)
_TRAINING_RE = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in TRAINING_NOUNS) + r")\b", _I)


def has_role_noun(text: str) -> bool:
    return bool(_ROLE_RE.search(text))


def ends_with_role_noun(text: str) -> bool:
    last = text.split()[-1] if text.split() else ""
    return bool(_ROLE_RE.fullmatch(last))


def has_group_noun(text: str) -> bool:
    return bool(_GROUP_RE.search(text))


_NOT_FUNCTION = (r"(?!(?:is|are|was|were|be|been|a|an|the|to|of|for|with|and|or|but|you|we|they|it|this|that|these|those|who|"
                 r"which|will|would|can|could|should|may|might|must|has|have|had|in|on|at|by|from|as|our|your|their|his|"
                 r"her|its|if|so|not|no|all|any|some|each|every|more|most|other|such|than|then|there|here|when|where|"
                 r"how|what|why|also|just|only|very|about|into|over|under|up|down|out|off|do|does|did|get|gets|got|"
                 r"make|makes|help|helps|join|joins|need|needs|like|one|two|three|four|five)\b)")


def role_phrase_pattern() -> re.Pattern[str]:
    """A noun phrase ending in a role or group noun, after an article: "an Area Committee member"."""
    nouns = sorted({re.escape(w) for w in ROLE_NOUNS + GROUP_NOUNS}, key=len, reverse=True)
    return re.compile(
        r"\b(?:a|an|the|our|new|as\s+a|as\s+an|some|more|a\s+few(?:\s+more)?|several|two|three|four)\s+((?:" + _NOT_FUNCTION + r"[A-Za-z][\w'’&-]*\s+){0,4}(?:"
        + "|".join(nouns) + r")(?:s|es)?)\b", _I)


ROLE_PHRASE = role_phrase_pattern()

CALL_TO_ACTION = re.compile(
    r"\b(?:apply|applying|application|sign\s+up|register|join\s+(?:us|the|our|a|an|in)|get\s+in\s+touch|email\s+(?:us|the|our)|"
    r"contact\s+(?:us|the|our)|call\s+(?:us|the|our)|come\s+along|turn\s+up|drop\s+in|pop\s+in|put\s+(?:yourself|your\s+name|\w+\s+)?forward|"
    r"nominat\w*|stand\s+for|take\s+part|have\s+your\s+say|respond|response|tell\s+us\s+what\s+you\s+think|give\s+(?:us\s+)?your\s+views|"
    r"volunteer\s+(?:with|for|at)|help\s+us|we\s+need|we\s+are\s+looking|we're\s+looking|looking\s+for|recruiting|"
    r"wanted|needed|(?:are|is|always)\s+welcome|can\s+help|become\s+a|find\s+out\s+more|interested\?|book\s+(?:a|your)\s+place|"
    r"expression\s+of\s+interest|you\s+(?:will|would|could|can|must|need|should)|would\s+you\s+like|could\s+you|can\s+you)\b", _I)
PARTICIPATION = re.compile(r"\b(?:vote|voting|views|decide|ideas?|your\s+say|feedback|shape|consult\w*|survey)\b", _I)
ELIGIBILITY = re.compile(r"\b(?:aged\s+\d|\d+\s*(?:or|and)\s+over|open\s+to|anyone\s+(?:who|can|aged)|you\s+(?:must|need\s+to)\s+be|no\s+experience|full\s+training)", _I)

NEWS_HEADLINE = re.compile(
    r"\b(?:opens|reopens|re-opens|opened|reopened|launches|launched|installed|completed|finished|agreed|confirmed|announced|"
    r"approved|welcomes|welcomed|awarded|wins|won|shortlisted|rated|rate\s+our|sworn\s+in|celebrates|celebrated|unveiled|"
    r"appointed|elected|takes?\s+first\s+place|receives|received|raised|achieves|achieved|retires|marks\s+\d|what\s+happened|"
    r"what\s+you\s+told\s+us|you\s+said,?\s+we\s+did|round-?up|recap|results|press\s+release|statement|appeal\s+is\s+live|"
    r"a\s+record\s+\w+|tribute|named\s+\w+\s+of\s+the\s+year|new\s+\w+\s+(?:opens|for)|thank\s+you|thanks\s+to|"
    r"gets?\s+(?:a\s+)?(?:funding|grant|boost)|update\s+on|told\s+us|have\s+been\s+\w+ed)\b", _I)
PAID_JOB = re.compile(
    r"\(paid|\bpaid\s+(?:role|position|post|job|roles|positions|posts|jobs|staff)\b|\bsalary\b|\bper\s+annum\b|\bpro\s+rata\b|"
    r"£\s?\d[\d,]*(?:\.\d+)?\s*(?:-\s*£?\s?\d[\d,]*\s*)?(?:per|a|an)\s+(?:hour|year|annum)|\bapprenticeships?\b|"
    r"\b(?:staff|job)\s+vacancies\b|^(?:jobs|careers|vacancies|current vacancies)\b|\b(?:jobs|careers)$|"
    r"^(?:work(?:ing)?|careers?|jobs?)\s+(?:for|at|with|in)\s+(?:us|the\s+\w+)\b", _I)
DONATION = re.compile(
    r"^(?:donate|donating|donation|donations|make\s+a\s+donation|fundrais(?:e|ing)\s+(?:for|with|in)|leave\s+a\s+gift|gifts?\s+in\s+(?:your\s+)?wills?|"
    r"legac(?:y|ies)|sponsor|shop\s+(?:with|online)|our\s+shops|buy\s|lottery|raffle|payroll\s+giving|corporate\s+(?:partners?|support)|"
    r"give\s+(?:money|monthly|online|regularly)|ways\s+to\s+give|gift\s+aid|in\s+memory)", _I)
NOT_FOR_VOLUNTEERS = re.compile(
    r"\binformation\s+for\s+(?:parents|carers|families|schools|employers|teachers|professionals|partners)|"
    r"\bfor\s+parents(?:\s+and\s+carers)?\b|\bparents'?\s+guide\b|\bguidance\s+for\b|\bprivacy\s+notice\b|"
    r"\bterms\s+and\s+conditions\b|\bcode\s+of\s+conduct\b|\bhandbook\b|\bannual\s+report\b|\bminutes\b|\bagenda\b|"
    r"\binternal\s+applicants\s+only\b|\bexisting\s+volunteers\s+only\b|\bstaff\s+only\b|"
    r"\b(?:complaints?|compliments|concerns)\b|\bpatient\s+advice\b|\bresults\s+published\b|\bconsultation\s+results\b|"
    r"\b(?:post|advertise|list|submit|add)\s+(?:an?|your)\s+(?:volunteer(?:ing)?\s+)?(?:role|opportunit(?:y|ies)|vacanc(?:y|ies))\b|\bregister\s+your\s+organi[sz]ation\b|\bfor\s+organi[sz]ations\b|\brecruit(?:ing)?\s+volunteers\b|"
    r"\b(?:room|hall|venue)\s+hire\b", _I)
TESTIMONIAL = re.compile(
    r"^[A-Z][a-z]+(?:\s+[A-Z]\.)?\s*,\s*(?:[\w'’ ()-]+,\s*)?(?:\d+\s+years?|since\s+\d{4}|[\w'’ -]*(?i:"
    + "|".join(ROLE_NOUNS) + r")s?\b)|\b(?:'s|’s)\s+story\b|^[^\w\s]*\s*(?i:meet)\s+(?!And\b)[A-Z]|\bvolunteer\s+stor(?:y|ies)\b|(?i:\bvolunteers?\s+of\s+the\s+(?:week|month|year)\b)|\bcase\s+stud(?:y|ies)\b|"
    r"(?i:^in\s+their\s+own\s+words\b|^what\s+(?:our\s+)?volunteers\s+say\b|\btestimonials?\b|^hear\s+from\b|"
    r"^volunteer\s+voices\b|^meet\s+(?:our|the)\s+volunteers\b)", 0)

FAQ_QUESTION = re.compile(
    r"^(?:how|what|why|when|where|who|which|whose|is|are\s+there|does|do\s+i|do\s+we|do\s+you\s+(?:need|have\s+to|pay|offer|provide)|"
    r"can\s+i|can\s+my|can\s+we|will|would\s+i|should|shall|did|has|have\s+i|am\s+i|if\s+i|what's)\b", _I)
HOOK_QUESTION = re.compile(
    r"^(?:could|can|would|will)\s+you\b|^(?:are\s+you|do\s+you|have\s+you|want\s+to|fancy|interested\s+in|looking\s+for|got\s+)", _I)

_GENERIC = re.compile(
    r"^(?:about\b.*|.*\b(?:description|specification|benefits|requirements|responsibilities|duties|overview|summary|"
    r"details|information|faqs?|eligibility|expectations|process)|overview|introduction|summary|background|contact(?:\s+(?:us|details|the\s+team))?|"
    r"get\s+in\s+touch|training(?:\s+and\s+(?:support|development))?|support(?:\s+and\s+training)?|expenses.*|benefits.*|rewards|"
    r"faqs?|frequently\s+asked\s+questions.*|questions.*|common\s+questions.*|.*handbook.*|more\s+information|further\s+information|"
    r"find\s+out\s+more|useful\s+(?:links|information|contacts|documents|downloads|resources)|related(?:\s+\w+)?|see\s+also|other\s+ways\s+to\s+.*|"
    r"other\s+opportunities|can['\u2019]?t\s+volunteer.*|not\s+able\s+to\s+volunteer.*|documents|downloads|resources|polic(?:y|ies).*|"
    r"our\s+.*polic(?:y|ies).*|(?!.*\b(?:consultation|draft|review|proposals?|changes?|20\d\d)\b).*\bpolicy\b.*|.*history|(?:volunteer(?:ing)?\s+)?stories|testimonials|case\s+studies|thank.*|"
    r"news|latest.*|updates|blog|press|events?\s+calendar|what'?s\s+on|key\s+dates|timeline|eligibility|requirements|"
    r"the\s+role|role\s+description|person\s+specification|responsibilities|duties|next\s+steps|apply(?:\s+now|\s+online)?|"
    r"application\s+(?:form|process)|.*\bapplication\s+(?:form|pack)\b.*|how\s+to\s+.*|vetting.*|safeguarding|privacy.*|cookies.*|accessibility.*|feedback|"
    r"share\s+(?:this\s+)?(?:page|on)?.*|follow\s+us|newsletter|sign\s+up\s+to\s+our\s+newsletter|search.*|filter.*|refine.*|"
    r"results|minutes|agenda|terms.*|in\s+this\s+section|on\s+this\s+page|contents|quick\s+links|categories|tags|archives?|"
    r"\d+\.\s.*|\d+\s+years\s+of\s+volunteering|long\s+service.*|(?:important|warning|notice|please\s+note|note|update|reminder)\b.*|"
    r"applications?\s+(?:close|closing|open).*|closing\s+soon|deadline|location|map|directions|opening\s+(?:hours|times)|"
    r"parents\s+and\s+carers|for\s+parents.*|for\s+organi[sz]ations.*|for\s+schools.*|at\s+a\s+glance|good\s+to\s+know|"
    r"what\s+you(?:'ll|\s+will)\s+(?:do|get|gain|need)|what\s+we\s+offer.*|what\s+to\s+expect.*|skills.*|who\s+we\s+are.*|"
    r"our\s+(?:work|services|team|volunteers|impact|mission|values|partners|supporters|story|people)|[^\w\s]*\s*meet\s+(?:the|our)\s+(?:team|coordinators?|organisers?|committee|trustees|staff)\b.*|"
    r"advertisement|sponsored|menu|navigation|footer|header|sidebar|breadcrumbs?|cookie.*)$", _I)
_HUB = re.compile(
    r"^(?:volunteering\b.*|volunteer(?:ing)?\s+(?:with|for|at|in|here|opportunities|roles|vacancies)\b.*|volunteer|"
    r"get\s+involved.*|getting\s+involved.*|ways\s+to\s+(?:get\s+involved|help|volunteer|support).*|how\s+you\s+can\s+help|"
    r"(?:all|current|open|our|latest|new|other|more|see\s+all|view\s+all|browse|find)\s+(?:\w+\s+){0,2}"
    r"(?:opportunities|roles|vacancies|consultations|volunteering|programmes|projects|activities|ways\s+to\s+get\s+involved|groups)\b.*|"
    r"(?:see|view|browse|show)\s+(?:all|more|the\s+full\s+list).*|opportunities|roles|vacancies|consultations|"
    r"have\s+your\s+say(?:\s+on\s+(?:current|open|our|live)\s+consultations)?|open\s+consultations|closed\s+consultations|"
    r"current\s+consultations|past\s+consultations|join\s+us|help\s+us|support\s+us|take\s+part|take\s+action|"
    r"make\s+a\s+difference|do\s+something\s+amazing|give\s+your\s+time|search\s+opportunities|find\s+an?\s+opportunity)$", _I)


def is_generic_heading(title: str) -> bool:
    """A heading about the page or the process ("How to apply", "Training"), not an opportunity."""
    t = title.strip().rstrip(":.").strip()
    if not t:
        return True
    if t.endswith("?") and not HOOK_QUESTION.match(t):
        return True
    return bool(_GENERIC.match(t)) or bool(FAQ_QUESTION.match(t) and not HOOK_QUESTION.match(t))


RELATED = re.compile(r"\b(?:similar|related|other|more|recently\s+viewed|you\s+(?:might|may)\s+also|see\s+also|"
                     r"latest|featured|popular|nearby)\b", _I)


def is_furniture_heading(title: str) -> bool:
    """A heading over process or page furniture ("What to expect", "Training", "Our policy")."""
    return bool(_GENERIC.match(title.strip().rstrip(":.").strip()))


_INVOLVEMENT = re.compile(r"\b(?:volunteer\w*|recruit\w*|get(?:ting)?\s+involved|taster|open\s+(?:day|evening|morning|afternoon)|"
                         r"information\s+(?:evening|session|morning|afternoon)|drop-?in)\b", _I)


def is_involvement_event(text: str) -> bool:
    """A link to an event about taking part: "volunteer open morning", "recruitment open evening"."""
    t = text.strip()
    return 0 < len(t.split()) <= 8 and bool(_EVENT_RE.search(t)) and bool(_INVOLVEMENT.search(t)) \
        and not_an_opportunity(t) is None


def is_hub_title(title: str) -> bool:
    """A title that points at more opportunities ("Volunteer with us", "All consultations")."""
    return bool(_HUB.match(title.strip().rstrip(":.!").strip()))


_ALWAYS_NEWS = re.compile(r"\b(?:thank|thanks|what\s+happened|results|told\s+us|sworn\s+in|round-?up|recap|press\s+release|"
                          r"appeal\s+is\s+live|celebrates|awarded|shortlisted|wins|won|reopens|re-opens|attested|"
                          r"celebrated|honou?red|praised|thanked|commended|recogni[sz]ed\s+(?:at|for|by|with|in)|"
                          r"(?:were|was)\s+\w+ed)\b", _I)


def is_news_like(title: str) -> bool:
    """Shaped like a headline about something that happened, rather than an invitation."""
    t = title.strip()
    if _ALWAYS_NEWS.search(t):
        return True
    return bool(NEWS_HEADLINE.search(t)) and not has_role_noun(t)


def not_an_opportunity(title: str) -> str | None:
    """Why a title is plainly not an opportunity, or None."""
    t = title.strip()
    if PAID_JOB.search(t):
        return "a paid job"
    if DONATION.search(t) and not has_role_noun(t):
        return "a donation or fundraising ask"
    if NOT_FOR_VOLUNTEERS.search(t):
        return "information, not an opportunity"
    if TESTIMONIAL.search(t):
        return "a testimonial"
    if is_news_like(t):
        return "news"
    return None


def kind_of(title: str, text: str, *, event: bool = False) -> str:
    """volunteer, group, have-your-say, training or event, from what the title and text say."""
    t = title.lower()
    if event or _EVENT_RE.search(t):
        return "event"
    if re.search(r"\b(?:consultation|survey|questionnaire|have\s+your\s+say|your\s+views|panel|forum|youth\s+(?:council|parliament|voice|board)|"
                 r"advisory\s+(?:group|board|panel)|participatory|budgets?|citizens'?\s+(?:jury|assembly)|engagement)\b", t):
        return "have-your-say"
    if _TRAINING_RE.search(t) and not has_role_noun(t):
        return "training"
    if re.match(r"(?:help|support|deliver|give|lend|drive|visit|befriend|mentor|serve|cook|read)\b", t):
        return "volunteer"
    if has_role_noun(t) and not t.startswith("friends of"):
        return "volunteer"
    if t.startswith("friends of") or re.search(r"\b(?:group|club|association|society|network|circle|choir|watch|committee)s?\b", t):
        return "group"
    if re.search(r"\b(?:have\s+your\s+say|give\s+(?:us\s+)?your\s+views|tell\s+us\s+what\s+you\s+think|respond\s+to|"
                 r"consult(?:ation|ed|ing)|questionnaire|survey)\b", text, _I):
        return "have-your-say"
    return "volunteer"
