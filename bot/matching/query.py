"""What a resident means: their words turned into weighted features, plus age and free time.

A parsed `Query` is independent of any one opportunity, so the same query can rank a whole
catalogue (search) or be held against one new opportunity after another (broadcasts, alerts).
Weights, strongest first: the resident's own words and the concepts they name (1.0), a concept
reached through a misspelling (0.8), concepts suggested by what they named (the lexicon's
`related`, below 1), and broader concepts (0.35): literal meaning always outranks expansion.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.matching.lexicon import Hit, Lexicon
from bot.matching.schedule import DAYS, ONE_OFF, TIME_BUCKETS, When, age_from_text, resident_when
from bot.matching.spelling import Speller
from bot.matching.text import GLUE, Token, tokens
from bot.matching.stemmer import stem

MAX_QUERY_CHARS = 1000
CORRECTED = 0.8        # a word we had to guess from a misspelling
INSIDE_PHRASE = 0.3    # "car" inside "car park", "fly" in "fly-tipping": the phrase means more than its words
COVERED = 0.75         # a word that is itself a concept's term ("dogs"): the concept carries most of it
BROADER = 0.35         # a resident asking about dogs is a little interested in animals
NEGATED = -0.6         # "not sport": opportunities about sport count against
TIME_WEIGHT = 0.15
NEGATORS = frozenset("not no dont never hate hates without nothing isnt arent wont avoid except nor".split())
# Small words a "not" reaches across ("nothing to do with the police", "not really into sport").
NEGATION_FILLER = frozenset("to do with of in into for about any anything really at all more too much very so "
                            "be want wanna involving".split())
NEGATION_REACH = 2     # content words a "not" covers, after the filler
NEGATION_STOP = frozenset("but except apart".split())  # "not dogs but cats": the "not" ends at "but"
# "my 10 year old", "our 6-year-old", "a 2 year old": a child's age, not the resident's; read as "my child".
CHILD_AGE = re.compile(r"\b(a|my|our|his|her|their)\s+\d{1,2}\s*-?\s*(?:years?|yrs?|months?)\s*-?\s*olds?\b", re.I)
# A negator that says what someone lacks ("people with no food", "there's nothing for teenagers",
# "families who've got nothing"): that is what the resident wants to help with, not what they don't want.
_LACK_BEFORE = frozenset("there theres with wiv without have has got had having".split())
_LACK_FILLER = frozenset("literally just really absolutely totally is are was were".split())
_STILL_NEGATED = frozenset("interest interested time desire wish patience".split())  # "I have no interest in sport"
# Text-speak and dialect words read as the words they stand for ("help ppl wiv no food", "nowt for kids").
_TEXT_SPEAK = {"ppl": "people", "ppls": "people", "wiv": "with", "wivout": "without", "wnt": "want", "luv": "love",
              "skool": "school", "kidz": "kids", "gud": "good", "fone": "phone", "pls": "please", "plz": "please",
              "u": "you", "ur": "your", "nuffin": "nothing", "nuthin": "nothing", "nothin": "nothing",
              "nowt": "nothing", "owt": "anything", "summat": "something", "sumthin": "something"}
# "behind the shops", "outside the shops": where, not a charity shop.
_AT_THE_SHOPS = re.compile(r"\b(behind|outside|near|by|round|around|opposite|at|past|from)\s+the\s+(?:local\s+)?shops?\b")
_CLOCK_WORD = re.compile(r"\d{1,2}(?:am|pm)")  # "3am" says when, and is read as a time, not a topic


@dataclass
class Query:
    """A resident's words, understood.

    features: feature -> weight ("w:<stem>" words, "c:<concept>" concepts, "t:saturday"... times,
    "a:youth"/"a:older" age groups, "f:once" one-offs); negative weights count against.
    labels: feature -> the human words shown in "matches: ...".
    """
    text: str
    features: dict[str, float] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    age: int | None = None
    when: When = field(default_factory=When)
    concepts: list[str] = field(default_factory=list)
    wants_remote: bool = False


def parse_query(text: str, lexicon: Lexicon, speller: Speller | None = None) -> Query:
    """Understand a resident's words: concepts, plain words, age, and when they are free."""
    text = str(text or "")[:MAX_QUERY_CHARS]
    words_text = _AT_THE_SHOPS.sub(r"\1 there", CHILD_AGE.sub(r"\1 child", text.lower()))
    query = Query(text=text, age=age_from_text(words_text), when=resident_when(text))
    toks, corrected = _spell([_plain(t) for t in tokens(words_text)], speller)
    words = [(t, c) for t, c in zip(toks, corrected) if t.surface not in GLUE]
    content = [t for t, _ in words]
    hits = lexicon.match([t.surface for t in content], [t.stem for t in content])
    negated = _negated_spans(content, hits)
    _add_concepts(query, lexicon, hits, [c for _, c in words], negated)
    _add_words(query, lexicon, words, hits, negated)
    _add_age(query)
    _add_time(query)
    return query


def _plain(tok: Token) -> Token:
    word = _TEXT_SPEAK.get(tok.surface)
    return tok if word is None else Token(word, stem(word))


def _spell(toks: list[Token], speller: Speller | None) -> tuple[list[Token], list[bool]]:
    if speller is None:
        return toks, [False] * len(toks)
    out, flags = [], []
    for t in toks:
        fixed = speller.correct(t.surface)
        if fixed:
            out.extend(Token(w, stem(w)) for w in fixed)
            flags.extend([len(fixed) == 1] * len(fixed))
        else:
            out.append(t)
            flags.append(False)
    return out, flags


def _negated_spans(content: list[Token], hits: list[Hit]) -> set[int]:
    """Positions the resident said they do not want ("not into sport", "nothing to do with the police").

    A negator covers the next NEGATION_REACH content words, reaching across small filler words,
    and stops at "but". Concepts starting there count against; plain words there are dropped."""
    out: set[int] = set()
    for i, tok in enumerate(content):
        if tok.surface in NEGATORS and not _says_lack(content, i):
            out.update(_negation_scope(content, i, hits))
    return out


def _says_lack(content: list[Token], at: int) -> bool:
    """Whether the negator at `at` says what someone lacks (see _LACK_BEFORE)."""
    after = content[at + 1].surface if at + 1 < len(content) else ""
    if after in _STILL_NEGATED:
        return False
    if content[at].surface == "nothing" and after == "for":
        return True
    before = at - 1
    while before >= 0 and content[before].surface in _LACK_FILLER:
        before -= 1
    return before >= 0 and content[before].surface in _LACK_BEFORE


def _negation_scope(content: list[Token], at: int, hits: list[Hit]) -> list[int]:
    """The positions one negator covers; a phrase that starts with the negator ("never sees a soul") is its own."""
    if any(h.start == at and h.end > at + 1 and h.concept for h in hits):
        return []
    scope, reached = [], 0
    for j in range(at + 1, min(len(content), at + 1 + NEGATION_REACH + 4)):
        word = content[j].surface
        if word in NEGATION_STOP or reached >= NEGATION_REACH:
            break
        scope.append(j)
        reached += word not in NEGATION_FILLER
    return scope


def _add_concepts(query: Query, lexicon: Lexicon, hits: list[Hit], corrected: list[bool], negated: set[int]) -> None:
    direct: dict[str, float] = {}
    for hit in hits:
        if hit.concept is None:
            continue
        weight = hit.weight * (CORRECTED if any(corrected[hit.start:hit.end]) else 1.0)
        if hit.start in negated:
            _put(query, "c:" + hit.concept, NEGATED * weight, lexicon.label(hit.concept))
            continue
        direct[hit.concept] = max(direct.get(hit.concept, 0.0), weight)
    for concept, weight in direct.items():
        _add_concept(query, lexicon, concept, weight)
    query.concepts = sorted(direct, key=lambda c: -direct[c])
    query.wants_remote = any(c in lexicon.remote_concepts and w >= 0.8 for c, w in direct.items())


def _add_concept(query: Query, lexicon: Lexicon, concept: str, weight: float) -> None:
    """A concept the resident named, with the broader ones it belongs to and those it suggests."""
    _put(query, "c:" + concept, weight, lexicon.label(concept))
    for parent, share in lexicon.ancestors(concept).items():
        _put(query, "c:" + parent, weight * BROADER * share / 0.7, lexicon.label(parent))
    for other, strength in lexicon.concepts[concept].related.items():
        _put(query, "c:" + other, weight * strength, lexicon.label(other))


def _add_words(query: Query, lexicon: Lexicon, words: list[tuple[Token, bool]], hits: list[Hit],
               negated: set[int]) -> None:
    in_phrase, covered, dropped = set(), set(), set()
    for hit in hits:
        span = range(hit.start, hit.end)
        if hit.concept is None or hit.start in negated:
            dropped.update(span)
        else:
            (in_phrase if hit.end - hit.start > 1 else covered).update(span)
    dropped.update(negated)
    for i, (tok, corrected) in enumerate(words):
        if (i in dropped or tok.surface in lexicon.chatter or tok.stem in lexicon.chatter_stems
                or tok.surface.isdigit() or len(tok.surface) < 2 or tok.surface in NEGATORS
                or _CLOCK_WORD.fullmatch(tok.surface)):
            continue
        weight = (CORRECTED if corrected else 1.0) * (
            INSIDE_PHRASE if i in in_phrase else COVERED if i in covered else 1.0)
        _put(query, "w:" + tok.stem, weight, tok.surface)


def _add_age(query: Query) -> None:
    """A young resident is shown what is for young people; an older one, what is for them."""
    age = query.age
    if age is None:
        return
    if age < 18:
        _put(query, "a:youth", 1.0, "your age group")
        _put(query, "c:young_people", 0.5, "young people")
    elif age <= 25:
        _put(query, "a:youth", 0.4, "your age group")
    elif age >= 55:
        _put(query, "a:older", 0.8, "your age group")


def _add_time(query: Query) -> None:
    when = query.when
    label = _time_label(query.text)
    if when.mask is not None:
        for name, slots in TIME_BUCKETS.items():
            if when.mask & slots:
                _put(query, name, TIME_WEIGHT, label)
    if when.frequency == ONE_OFF:
        _put(query, "f:once", TIME_WEIGHT * 2, "one-off")


_TIME_WORDS = re.compile(r"\b(" + "|".join(DAYS) + r"|weekends?|weekdays?|evenings?|mornings?|afternoons?)s?\b")


def _time_label(text: str) -> str:
    m = _TIME_WORDS.search(text.lower())
    if not m:
        return "your free time"
    word = m.group(1)
    return word.capitalize() + ("s" if not word.endswith("s") and word in DAYS else "") if word in DAYS else (
        word if word.endswith("s") else word + "s")


def _put(query: Query, feature: str, weight: float, label: str) -> None:
    """Keep the strongest reading of a feature; a 'not' outweighs a suggestion."""
    current = query.features.get(feature)
    if current is None or (weight < 0 < current and abs(weight) >= current / 2) or (
            current >= 0 and weight > current):
        query.features[feature] = weight
        query.labels.setdefault(feature, label)
