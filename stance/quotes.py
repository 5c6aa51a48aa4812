"""Find the quotations in a news text and who said them, with nothing but the standard library.

:func:`extract_quotes` returns one :class:`Quote` per quotation, in order of appearance. Conventions:

* ``start``/``end`` are offsets into the text passed in: ``text[start:end]`` runs from the first quoted character to
  the last, without the quotation marks and without the comma that American typography puts before a closing mark.
* ``Quote.text`` is that span with Markdown links reduced to their labels and whitespace collapsed.
* A quotation that runs across paragraphs (an opening mark at each paragraph, a closing mark only at the last one)
  is one ``Quote``: its span covers every paragraph, and its text joins them with one space, leaving out the marks
  that reopen each paragraph. Paragraphs are separated by a blank line.
* Quotation marks are straight or curly double quotes, paired in any way. Single quotes nest inside them, except in
  a text that quotes with single marks (British style), where they are the outer marks and doubles nest inside.
* Spans that are not speech are left out: a slogan on a placard, sign or banner, the title of a book, show or
  exhibition, a nickname or call sign ("so-called", "dubbed", "calling the"), a scare-quoted term in a clause of its
  own, and, when no one is said to speak, one- or two-word scare quotes and titles.
* Speakers are named as the text names them, completed to the full name the text gave ("Stanovaya" -> "Tatiana
  Stanovaya") and without titles ("Defense Minister Boris Pistorius" -> "Boris Pistorius"). Pronouns and
  descriptions such as "the former diplomat" refer back to the last person named as speaking, or to the unnamed
  speaker they repeat ("the official" -> "a senior EU official"); institutions and unnamed people are kept as written
  ("the Kremlin", "a senior EU official"), "it" refers to the institution last named, and an unnamed speaker gets the
  name the text reveals next ("The official, Ivan Fedorov, said …"). Unattributed words go to the speaker of the
  paragraph's previous quotation, else to the last person named, unless they address that person by name
  ("…, Mr. Kerwin.").

How well this works on news text nobody tuned it to is measured by ``benchmarks/quote_extraction.py`` on the
independent gold files in ``tests/data/quotes/`` (see the README).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Quote:
    """One quotation: the quoted words, who said them, and where they stand in the text."""

    text: str
    speaker: str | None
    start: int
    end: int


@dataclass(frozen=True)
class _Span:
    """A quotation as the scanner finds it: its opening mark, its pieces (one per paragraph), its closing mark."""

    opening: int
    pieces: tuple[tuple[int, int], ...]
    closing: int | None

    @property
    def interior_end(self) -> int:
        """Offset of the closing mark, or of the end of the last piece when the quotation is never closed."""
        return self.pieces[-1][1] if self.closing is None else self.closing

    @property
    def after(self) -> int:
        """Offset just past the quotation, closing mark included."""
        return self.interior_end if self.closing is None else self.closing + 1


@dataclass(frozen=True)
class _Mention:
    """A person named in the prose (outside quotations), with the titles and roles written around the name."""

    start: int
    name: str
    titles: frozenset[str]


_UPPER = "A-ZÀ-ÖØ-ÞĆČĐŁŃŚŠŹŻŽ"
_HONORIFICS = ("Mr", "Mrs", "Ms", "Dr", "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "Prof", "St", "Jr", "Sr")
_HONORIFIC = rf"(?:{'|'.join(_HONORIFICS)})\."
_TOKEN = rf"{_HONORIFIC}|(?:[{_UPPER}]\.)+(?![\w'’-])|[{_UPPER}][\w'’-]*"
_PARTICLES = ("von", "van", "der", "den", "de", "da", "du", "dos", "bin", "ibn", "al", "el", "la", "le", "del", "della",
              "di", "ter", "zu", "ap", "af", "mac", "ó", "ní", "nic", "ua")
_NAME_RUN = rf"(?:{_TOKEN})(?:[^\S\n]+(?:(?:of|{'|'.join(_PARTICLES)})[^\S\n]+)*(?:{_TOKEN}))*"
_NAME = re.compile(_NAME_RUN)
_NAME_AT_END = re.compile(rf"(?:\b(?:{'|'.join(_PARTICLES)})[^\S\n]+)*(?:{_NAME_RUN})$")
_PRONOUN_AT_END = re.compile(r"\b(?:[Hh]e|[Ss]he|[Tt]hey)$")
_IT_AT_END = re.compile(r"\b[Ii]t$")
_DETERMINER = r"[Tt]he|[Aa]n?|[Oo]ne|[Ss]ome|[Tt]wo|[Tt]hree|[Ss]everal|[Mm]any|[Aa]nother|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir"
_DETERMINERS = re.compile(_DETERMINER)
_DESCRIPTION_AT_END = re.compile(rf"\b(?:{_DETERMINER}|{_TOKEN}['’]s)\s+(?:\S+\s+){{0,8}}?\S+$")
_POSSESSIVE = re.compile(r"['’]s$")
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\s]*\)")
_MARK = re.compile(r"[\"”]|\n[^\S\n]*\n\s*(?P<reopen>[\"“])?")
_SINGLE_MARK = re.compile(r"(?<=\S)[’'](?![\w’'])|\n[^\S\n]*\n\s*(?P<reopen>[‘'])?")
_DOUBLE_OPENING = re.compile(r"[\"“]")
_SINGLE_OPENING = re.compile(r"(?<![\w’'‘])[‘'](?=[^\W\d_])")
_EITHER_OPENING = re.compile(f"{_DOUBLE_OPENING.pattern}|{_SINGLE_OPENING.pattern}")
_POSSESSIVE_AFTER = re.compile(
    r"\s+(?!(?:and|or|but|nor|he|she|they|it|we|i|you|said|says|added|told|in|on|at|to|for|with|as|was|were|is|are|"
    r"the|a|an|which|that|who|while|before|after|from|by|of|than|then|so|if|because|when|until|since|although|"
    r"though|where|whose|whom|unless|despite|during|into|onto|over|under|about|against|between)\b)[a-z]"
)
_SENTENCE_BREAK = re.compile(rf"(?<=[.!?])[\"”’']?\s+(?=[\"“‘'{_UPPER}])|\n[^\S\n]*\n\s*")
_ABBREVIATION = re.compile(rf"(?:\b(?:[A-Z]\.)+[A-Z]\.|\b{_HONORIFIC}|(?:^|\b[{_UPPER}][\w'’-]*\.?\s+)[A-Z]\.|\b[a-z]+\s+[A-WYZ]\.)$")
_ABBREVIATION_DOT = "(?:" + "|".join(rf"(?<=\b{word})" for word in (f"[{_UPPER}]", *_HONORIFICS)) + r")\."
_SPEECH_VERB = (
    "said|says|saying|told|tells|telling|added|adds|adding|noted|notes|noting|wrote|writes|writing|stated|declared|"
    "insisted|insists|insisting|argued|argues|arguing|warned|warns|warning|stressed|stresses|stressing|explained|"
    "explains|asked|replied|responded|claimed|denied|denies|denying|acknowledged|admitted|remarked|commented|posted|"
    "tweeted|announced|urged|urging|called|calling|described|describes|describing|suggested|emphasi[sz]ed|conceded|"
    "concluded|predicted|cautioned|complained|vowed|pledged|promised|retorted|quipped|lamented|asserted|reiterated|"
    "confirmed|joked|countered|shouted|shouting|yelled|exclaimed|answered|answers|answering|accused|accuses|accusing|"
    "fumed|hailed|praised|slammed|blasted|mocked|scoffed|snapped|recalled|recalls|observed|testified|alleged|boasted|"
    "demanded|pleaded|recounted|mused|whispered|sighed|texted|messaged|emailed|put it|sneered|bellowed|roared|cried|"
    "heckled|interjected|barked|thundered|screamed|muttered|murmured|began|begins|"
    "asks|admits|concedes|wondered|wonders"
)
_CUE = re.compile(rf"(?<![\w-])(?:(?P<verb>{_SPEECH_VERB})|(?P<source>[Aa]ccording to))(?![\w-])")
_ATTRIBUTION_AFTER = re.compile(
    rf"[^\S\n]*+,?+[^\S\n]*+(?!(?:but|and|or|while|as|because|so|then|yet)\b)"
    rf"(?:[^.!?;:\"“”‘█\n]|{_ABBREVIATION_DOT}){{0,200}}?(?P<cue>(?<![\w-])(?:{_SPEECH_VERB}|according to)(?![\w-]))"
)
_NEW_CLAUSE = re.compile(r",\s*(?:but|as|while|because|since|although|though|when|after|before|whereas)\b")
_CLAUSE_BEFORE_COMMA = re.compile(r"\w\s*,")
_CLAUSE_BREAK = re.compile(
    r"[,;:()\"“”‘█—]|\s–\s|[’'](?!\w)|\b(?P<word>that|and(?!\s+[A-Z])|but|while|as|when|after|before|because|whereas|although|though|so|who|whose|"
    r"whom|which|where|if|since)\b"
)
_TRAILING_ADVERBS = re.compile(
    r"(?:\s+(?:also|later|then|again|once|earlier|previously|repeatedly|reportedly|separately|recently|publicly|"
    r"privately|bluntly|flatly|openly|firmly|simply|only|still|even|already|often|has|have|had|would|will|could|did|"
    r"not|on|last|this|night|morning|evening|week|weekend|yesterday|today|tonight|is|was|were|are|been|being|"
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day))+\s*$"
)
_NP_STOP = re.compile(
    rf"[,;:!?()\"“”‘█\n]|(?!{_ABBREVIATION_DOT})\.|\s(?:in|on|at|who|which|during|after|before|from|when|while|as|to|for|"
    r"about|that|this|last)\b"
)
_ADDRESSEE = re.compile(rf"[^\S\n]+(?:[a-z][\w-]*[^\S\n]+){{0,2}}(?P<name>{_NAME_RUN})")
_INSTITUTION_OPENING = re.compile(rf"The[^\S\n]+(?P<name>[{_UPPER}][\w-]*(?:[^\S\n]+[{_UPPER}][\w-]*)*)")
_ACTING_SUBJECT = re.compile(
    rf"(?:(?:[^,.;:\n█]|{_ABBREVIATION_DOT}){{1,60}}?,[^\S\n]+)?(?P<name>{_NAME_RUN})[^\S\n]+[a-z]"
    rf"|[^,.;:\n█]{{1,60}}?,[^\S\n]+(?P<apposed>{_NAME_RUN}),[^\S\n]+[a-z]")
"""A sentence that opens on a person doing something ("The Foreign Secretary, Yvette Cooper, rose …", "Mr. Putin
also addressed …"), not on words about them ("Putin "is bluffing," she said"): that person is remembered first."""
_FIRST_CLAUSE = re.compile(r"[^,;:\n█]{1,120}")
_OPENING_ASKED = re.compile(r"(?:\w+,\s*)?[Aa]sked")
"""A sentence opening "Asked about …, X said" (or "Finally, asked …"): the asking is a reporter's, not a speech cue."""
_NAMED_DESCRIPTION = re.compile(rf"\b[Tt]he(?:[^\S\n]+[a-z][\w-]*)*?[^\S\n]+(?P<head>[a-z][\w-]*),[^\S\n]+(?P<name>{_NAME_RUN}),")
_NAME_OF = re.compile(rf"(?P<name>{_NAME_RUN})[^\S\n]+of[^\S\n]+the\b")
_PARTICIPLE_AT_END = re.compile(r"\b[a-z]{2,}ed$")
_APPOSITIVE_NAME = re.compile(rf",\s*(?P<name>{_NAME_RUN})\s*[,.]")
_OPENING_APPOSITIVE = re.compile(rf"[^,.;:\n]{{1,80}}?{_APPOSITIVE_NAME.pattern}")
_ROLE_THEN_NAME = re.compile(rf"(?:[a-z][\w-]*\s+){{0,2}}(?P<role>[a-z][\w-]*)\s+{_NAME_RUN}")
_NAMING = re.compile(rf"call(?:ed|s)[^\S\n]+(?:{_TOKEN})[^\S\n]+[a-z]")
"""Not speech: "a nurse called Olena says" names her."""
_PREPOSITION_FIRST = re.compile(r"\s*(?:in|on|at|after|during|from|with|without|for|by|via|through|under|over)\b")
_APPOSED_AT_END = re.compile(rf",[^\S\n]+(?P<name>{_NAME_RUN}),[^\S\n]*$")
_INDEFINITE = re.compile(r"(?:[Aa]n?|[Oo]ne)\s")
_QUOTE_THEN_COMMA = re.compile(r"[\"”’']\s*,$")
_PLACE_BEFORE_COMMA = re.compile(rf"\b(?:in|at|from|near|outside)[^\S\n]+[{_UPPER}][\w'’-]*,[^\S\n]*$")
_LED_BY_ROLE = re.compile(rf"{_NAME_RUN}[^\S\n]+(?P<role>[a-z][\w-]*)[^\S\n]+(?P<name>{_NAME_RUN})")
_ROLE_WORDS_BEFORE = re.compile(r"(?:[a-z][\w-]*[^\S\n]+){1,3}$")
_NOT_SPEECH_BEFORE = re.compile(
    r"(?:\bso-called|\bdubbed|\btitled|\bentitled|\bnicknamed|\bknown as|\bheadlined|\bheaded|\bbranded|\bcall[- ]?sign"
    r"|\bcode-?named|\bnom de guerre|\balias|\bgoes by|\bauthor of|\bcall(?:s|ed|ing)?\s+(?:themselves|itself|himself|herself)"
    r"|\b(?:the|an?|his|her|its|their|our|my|your|this|that|new|latest|\w+['’]s)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:book|memoir|novel|film|movie|documentary|show|series|programme|program|podcast|play|song|album|"
    r"exhibition|essay|slogan|motto|hashtag|headline|tagline|title|poem|painting|musical|single|track)s?"
    r"(?:\s+(?:called|named))?\s*,?"
    r"|\b(?:the|an?|his|her|its|their|\w+['’]s)\s+(?:[\w-]+\s+){0,2}?(?:paper|study|report|article|column|op-ed)\s*,"
    r"|\b(?:placard|banner|sign|poster|billboard|t-shirt|shirt|graffiti|sticker|flag|mural)s?\b[^.;]{0,40}?"
    r"(?:\b(?:read|reads|reading|saying|bearing|proclaiming)\s*:?|:))\s*$",
    re.IGNORECASE,
)
_NICKNAMED = re.compile(
    rf"(?P<first>[{_UPPER}][\w'’-]*)[^\S\n]+[\"“]█*[^\s█\"”]?[\"”][^\S\n]+(?P<last>[{_UPPER}][\w'’-]*)")
_PARENTHETICAL = re.compile(r"\([^()\n█]{1,20}\)|,[^\S\n]+[DRI]-[A-Z][\w.]{1,12}(?=,|\s|$)|[^\S\n][–—][^–—\n█\"“”‘’]{1,100}[–—](?=[^\S\n])")
"""A short aside (a party tag, "(Lab)", "(R-Texas)" or ", D-Md.,", or words between dashes with no quotation in them):
blanked out of the prose the speaker is read from."""
_DASH_ASIDE = re.compile(r"\s*—[^—\n]{1,80}—")
_TITLE_BEFORE = re.compile(r"(?:\bon|\w['’]s?)\s*$")
_NICKNAME_BEFORE = re.compile(r"\bcall(?:s|ed|ing)?\s+(?:\w+\s+)?the\s*$|\b(?:by|of|for|from|with|to|in|on|at)\s+the\s*$",
                              re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
_ASKED_BY_BEFORE = re.compile(rf"\b[Aa]sked by (?P<asker>(?:{_DETERMINER})(?:\s+[\w-]+){{1,2}}|{_NAME_RUN}),\s*$")
_RELATIVE_AT_END = re.compile(r"\s+who(?:\s+[a-z][\w-]*){1,6}$")
_AGE_APPOSITIVE = re.compile(r",\s+(?:\d{1,3},|an?\s+\d{1,3}-year-old\b)")
_ROLE_APPOSITIVE = re.compile(r",\s+an?\s+[a-z]")
_CHAINED = re.compile(r"\s*(?:,|,?\s*(?:and|or)|\()\s*")
_SHORT_LINE = re.compile(r"(?:^|(?<=\n))[^\S\n]*[^\s█][^\n█]{0,58}\n(?=[^\S\n]*\S)")
_PRONOUN_SUBJECT = re.compile(r"(?:[^.;:\n█]{0,80}?,[^\S\n]+)?(?:[Hh]e|[Ss]he|[Tt]hey)[^\S\n]+[a-z]")
"""A sentence about the person already in view ("Since 2022, she has interpreted … in Abu Dhabi."): no one new."""
_MAIN_CLAUSE_BEFORE_COLON = re.compile(r",(?P<clause>[^,:;\n]+):\s*$")
_TITLE_NOUN_AFTER = re.compile(r"[\"”’']?\s+(?:banner|brand|label|campaign|slogan|programme|program|scheme|initiative|hashtag)\b")

_FUNCTION_WORDS = frozenset(
    "The A An Yet But And Or So In On At As By For From With Without After Before During Since While When Meanwhile "
    "However Still Now Then Also Even Only This That These Those Some Many Most Both Several Asked Speaking "
    "According If Although Though Back Along Like Unlike Under Over Its His Her Their Our My Your We They He She It "
    "I Former Veteran Opposition Would Could Should Will Can Did Does Do Is Are Was Were Has Have Had Why What How "
    "Where Who Toward Towards Throughout Across Around Amid Despite Later Earlier Today Yesterday Elsewhere Here "
    "There Inside Outside Nearby Among".split()
)
_TITLE_WORDS = frozenset(
    "president vice minister prime secretary chancellor ambassador senator sen representative rep congressman "
    "congresswoman director spokesman spokeswoman spokesperson envoy chief head general gen commissioner chair "
    "chairman chairwoman leader premier governor mayor speaker deputy adviser advisor professor prof dr mr mrs ms "
    "king queen prince pope patriarch colonel col lt lieutenant admiral commander marshal foreign defense defence "
    "state affairs security interior finance treasury justice staff office economics national analyst expert "
    "economist historian lawmaker diplomat official activist journalist commentator researcher fellow curator founder "
    "mp mep sir dame lord lady baroness baron cllr councillor councilman councilwoman alderman rev reverend father "
    "rabbi imam bishop archbishop cardinal sheikh sgt sergeant capt captain maj major cpl corporal pte private "
    "judge justice coach manager owner proprietor pensioner retiree resident farmer teacher nurse doctor student "
    "pharmacist shopkeeper lawyer attorney author writer novelist poet artist chef engineer scientist volunteer "
    "medic paramedic soldier veteran officer detective inspector constable sheriff superintendent principal "
    "headteacher headmaster pastor priest worker businessman businesswoman entrepreneur survivor witness executive "
    "screenwriter playwright filmmaker producer actor actress singer musician composer photographer reporter editor "
    "columnist broadcaster presenter anchor host strategist pollster campaigner protester organiser organizer "
    "ceo cfo coo investor banker trader biologist ecologist physicist chemist geologist epidemiologist surgeon "
    "physician dentist vet legislator politician candidate delegate negotiator mediator consul prosecutor "
    "defendant plaintiff juror barrister solicitor counsel clerk landlord tenant homeowner villager neighbour "
    "neighbor parent mother grandmother grandfather widow widower commuter passenger shopper customer fan voter "
    "refugee evacuee serviceman servicewoman marine sniper pilot firefighter rescuer policeman policewoman guard "
    "miner steelworker fisherman baker butcher barber waiter waitress bartender cleaner driver mechanic electrician "
    "plumber builder carpenter lecturer pupil graduate intern blogger academic scholar sociologist psychologist "
    "striker midfielder defender goalkeeper winger forward player referee umpire skipper aide holder det garda supt "
    "insp debutant newcomer rookie teenager youngster boss gaffer tánaiste taoiseach alder alderwoman cr fr".split()
)
_INSTITUTIONS = frozenset(
    "kremlin house pentagon department ministry office commission council parliament government embassy union nations "
    "alliance nato cabinet senate congress duma rada court agency bank service committee party times post news "
    "institute center centre university school foundation army forces command palace élysée elysee administration "
    "presidency delegation mission team secretariat campaign company group reuters afp tass interfax oblast region "
    "province street avenue road square meadows stadium airport station cathedral hospital prison bureau authority "
    "board club association society federation league network channel assembly chamber fund laboratory exchange "
    "museum gallery library theatre theater orchestra opera zoo trust charity brigade battalion regiment division corps "
    "squadron fleet one".split()
)
_OFFICES = frozenset(
    "president minister chancellor premier king queen pope secretary spokesman spokeswoman spokesperson ambassador "
    "envoy mayor governor".split()
)
_DOCUMENTS = frozenset("statement text readout communique communiqué release letter declaration".split())
_KIN_WORDS = frozenset(
    "son daughter grandson granddaughter wife husband brother sister nephew niece cousin uncle aunt friend neighbour "
    "neighbor fiancé fiancée girlfriend boyfriend mum mom dad".split()
)
_SOURCE_NOUNS = _TITLE_WORDS | {"source", "insider"}
"""Heads of a description that is a person ("a senior government source", "a spokeswoman for …")."""
_ROLES_BEFORE_NAME = _TITLE_WORDS | _KIN_WORDS
"""Lower-case words before a name in an appositive ("presidential aide X", "his mum Maureen")."""
_NAMING_WORDS = _KIN_WORDS | {"called", "named"}
"""Words after which a lone first name names a person ("his grandson Jack", "a nurse called Olena")."""
_MINOR_WORDS = frozenset("of the a an and in on for to with at by".split())
_FUNCTION_WORD = "|".join(sorted(_FUNCTION_WORDS))
_AFTER_OPENING_CLAUSE = re.compile(
    rf"(?:[^.;:\n]|{_ABBREVIATION_DOT}){{1,160}}?(?:,[\"”’']?|[^\S\n][–—])[^\S\n]+(?!(?:{_FUNCTION_WORD})\b)(?P<name>{_NAME_RUN})[^\S\n]+[a-z]")
_UNNAMED_SUBJECT = re.compile(
    r"(?:An?|One)(?:[^\S\n]+[\w.-]+){0,4}?[^\S\n]+(?:" + "|".join(sorted(_SOURCE_NOUNS)) + r")\b")
"""A sentence opening on an unnamed person ("A senior government source was blunter."), whom "the source" repeats."""


def extract_quotes(text: str) -> list[Quote]:
    """The quotations of a news text, in order, each with its speaker (or None when the text names no one)."""
    return _Article(text).quotes()


def sentence_around(text: str, quote: Quote) -> str:
    """The sentence of ``text`` that holds ``quote`` (links reduced to labels, whitespace collapsed): what a quoted
    fragment of a few words ("regrettable") means in context. Dots of abbreviations such as "U.S." do not end it."""
    clean = _strip_links(text)
    starts = _sentence_starts(_mask(clean, _scan(clean)))
    start = max(offset for offset in starts if offset <= quote.start)
    end = next((offset for offset in starts if offset > quote.start), len(clean))
    return " ".join(clean[start:end].split())


class _Article:
    """One text read for quotations: the quotations found, the prose around them, and who has spoken so far."""

    def __init__(self, text: str) -> None:
        self.clean = _strip_links(text)
        self.spans = _scan(self.clean)
        self.prose = _PARENTHETICAL.sub(lambda aside: " " * len(aside[0]), _mask(self.clean, self.spans))
        self.sentence_starts = _sentence_starts(self.prose)
        self.cues = [cue for cue in _CUE.finditer(self.prose) if not _NAMING.match(self.prose, cue.start())]
        self.cue_at = {cue.start(): cue for cue in self.cues}
        self.mentions = _mentions(self.prose)
        self.surnames: dict[str, str] = {}
        for mention in self.mentions:
            self.surnames.setdefault(_surname(mention.name.split()), mention.name)
        self.first_names = _unique_first_names({mention.name for mention in self.mentions})
        self.people = {mention.name for mention in self.mentions}
        self.last_person: str | None = None
        self.cue_speakers: dict[int, str | None] = {}
        self.skipped_after: int | None = None
        self.described: list[str] = []
        self.history: list[str] = []
        self.previous: tuple[Quote, str | None] | None = None
        self.found: list[Quote] = []
        self.last_institution: str | None = None
        self.unnamed_turn: tuple[str, int] | None = None
        self.turns = 0
        self.aliases: dict[str, str] = {}

    def quotes(self) -> list[Quote]:
        """Read the text sentence by sentence, keeping track of who speaks, and collect the quotations."""
        bounds = [*self.sentence_starts, len(self.prose)]
        for start, end in zip(bounds, bounds[1:]):
            cues = [cue for cue in self.cues if start <= cue.start() < end and not _OPENING_ASKED.fullmatch(self.prose, start, cue.end())]
            if (named := _NAMED_DESCRIPTION.search(self.prose, start, end)) and named.end("head") - start < 60:
                self._reveal(self._person(named["name"], bare=True), None if named.start() == start else named["head"])
            if institution := _INSTITUTION_OPENING.match(self.prose, start):
                self._remember_institution(f"the {institution['name']}")
            if cues and (acting := _ACTING_SUBJECT.match(self.prose, start)):  # "The Foreign Secretary, X, rose …"
                self._remember(self._led_by_role(acting.start("name")) if acting["name"] else None
                               or self._person(acting["name"] or acting["apposed"], bare=bool(acting["apposed"])))
            question = self.prose[start:end].rstrip().endswith("?")  # a reporter's question names no speaker
            if not cues and not question and not _PRONOUN_SUBJECT.match(self.prose, start):
                self._remember(self._subject(start) or self._first_person(start, end, bare=False))
                if unnamed := _UNNAMED_SUBJECT.match(self.prose, start):
                    self.described.append(unnamed.group().lower())
                    self.unnamed_turn = (unnamed.group().lower(), self.turns)
            spans = [span for span in self.spans if start <= span.opening < end]
            items: list[re.Match[str] | _Span] = sorted([*cues, *spans], key=_position)
            for item in items:
                if not isinstance(item, _Span):
                    self._cue_speaker(item)
                elif quote := self._quote(item, start):
                    self.found.append(quote)
        return self.found

    def _quote(self, span: _Span, sentence_start: int) -> Quote | None:
        """The quotation of a span, or None when the span is not speech."""
        pieces = _trim(self.clean, span.pieces)
        text = " ".join(" ".join(self.clean[start:end].split()) for start, end in pieces)
        if self._is_not_speech(span, sentence_start, text):
            self.skipped_after = span.after
            return None
        if not text:
            return None
        label = _looks_like_label(text)
        cue = self._cue_before(span, sentence_start, label) or self._cue_after(span, label)
        introduced = self.prose[sentence_start:span.opening].rstrip().endswith(":")
        asked = text.endswith("?") and _ASKED_BY_BEFORE.search(self.prose, sentence_start, span.opening)
        main_clause = _MAIN_CLAUSE_BEFORE_COLON.search(self.prose, cue.end(), span.opening) if introduced and cue else None
        if asked:
            speaker = self._speaker(asked["asker"], span.opening)
        elif main_clause and (named := self._first_person(main_clause.start("clause"), span.opening)):
            speaker = named  # "When Ashby said she would not …, Van Hollen shot back: "…""
        elif cue:
            speaker = self._cue_speaker(cue)
        elif introduced and (named := self._first_person(sentence_start, span.opening, introducing=True)):
            speaker = named
        elif _looks_like_label(text):
            return None
        else:
            speaker = self._continued(span, text)
        speaker = self.aliases.get(speaker, speaker) if speaker else speaker
        self._remember(speaker)
        quote = Quote(text, speaker, pieces[0][0], pieces[-1][1])
        self.previous = (quote, self.last_person)
        return quote

    def _continued(self, span: _Span, text: str) -> str | None:
        """Who speaks unattributed words: the paragraph's last speaker, else the last person, unless addressed."""
        speaker = self.last_person
        if self.previous:
            quote, last_person = self.previous
            same_paragraph = not _PARAGRAPH_BREAK.search(self.prose, quote.end, span.opening)
            speaker = quote.speaker if same_paragraph and last_person == self.last_person else speaker
        if speaker and _addresses(text, speaker):
            return next((person for person in reversed(self.history) if person != speaker), None)
        return speaker

    def _is_not_speech(self, span: _Span, sentence_start: int, text: str) -> bool:
        """Whether the words before the span mark it as a title, a nickname or a slogan (or it lists on from one).

        "calling the" or a preposition and "the" mark a name of up to four words ("the "special military operation"",
        "by the "coalition of the willing""), not speech, and
        "on" or a possessive the title of a show ("on CNN's "State of the Union"").
        """
        if _NOT_SPEECH_BEFORE.search(self.prose, sentence_start, span.opening):
            return True
        if len(text.split()) <= 4 and _NICKNAME_BEFORE.search(self.prose, sentence_start, span.opening):
            return True
        if _is_title(text) and (_TITLE_BEFORE.search(self.prose, sentence_start, span.opening)
                                or _TITLE_NOUN_AFTER.match(self.prose, span.after)):  # "the "Mopani Makes Sense" banner"
            return True
        after = self.skipped_after
        chained = after is not None and after >= sentence_start and _CHAINED.fullmatch(self.prose, after, span.opening)
        return bool(chained)

    def _cue_before(self, span: _Span, sentence_start: int, label: bool) -> re.Match[str] | None:
        """The nearest speech verb or "according to" before the span in its sentence.

        A ``label`` (a scare-quoted term) does not take one from before a new clause (", as the Government …").
        """
        before = [cue for cue in self.cues if sentence_start <= cue.start() < span.opening]
        if not before or (label and _NEW_CLAUSE.search(self.prose, before[-1].end(), span.opening)):
            return None
        return before[-1]

    def _cue_after(self, span: _Span, label: bool) -> re.Match[str] | None:
        """The attribution that follows the span ("…," X said / said X / according to X), if any.

        A ``label`` (a scare-quoted term) takes only an attribution that follows at once, not one a clause later.
        """
        match = _ATTRIBUTION_AFTER.match(self.prose, span.after)
        if not match or (label and _CLAUSE_BEFORE_COMMA.search(self.prose, span.after, match.start("cue"))):
            return None
        return self.cue_at.get(match.start("cue"))

    def _cue_speaker(self, cue: re.Match[str]) -> str | None:
        """Who a speech verb or "according to" attributes words to; remembered, so it is worked out once.

        After "X asked Y whether …", Y is the person later pronouns refer to: the one who answers.
        """
        if cue.start() not in self.cue_speakers:
            if cue["source"]:
                speaker = self._named_after(cue.end())
            elif cue["verb"].endswith("ing"):
                named = _NAME_AT_END.search(self.prose, self._sentence_start(cue.start()), cue.start() - 1)
                right_before = named and named.end() == cue.start() - 1
                institution = right_before and self.prose[:named.start()].endswith("the ") and f"the {named.group()}"
                speaker = (right_before and (self._person(named.group(), bare=True) or institution)
                           or self._inherited(cue))  # "with X saying", "with the White House insisting"
            else:
                speaker = self._subject_of(cue)
                if cue["verb"] in ("added", "adds"):
                    self._reveal(speaker)
            self.cue_speakers[cue.start()] = speaker
            if speaker and speaker not in self.people and _DETERMINERS.match(speaker):
                self.described.append(speaker)
                if {word.lower() for word in speaker.split()[:5]} & _SOURCE_NOUNS:  # a person, not "a video address"
                    self.unnamed_turn = (speaker, self.turns)
            self._remember(speaker)
            self._remember_institution(speaker)
            if cue["verb"] in ("asked", "asks") and (addressee := _ADDRESSEE.match(self.prose, cue.end())):
                self._remember(self._person(addressee["name"], bare=True))
        return self.cue_speakers[cue.start()]

    def _reveal(self, person: str | None, head: str | None = None) -> None:
        """Give the unnamed speaker of the last quotation the name the text reveals next, if they had none.

        As in "…," the head of the region wrote. The official, Ivan Fedorov, said … or "…," Russia's chief
        negotiator said. Vladimir Medinsky, a Kremlin aide, added …: "added" and "The official, X," say who it was.
        Later in a sentence ("…," the aide, Yuri Ushakov, said) the description's ``head`` must repeat the speaker's.
        """
        if not self.previous or person not in self.people or any(quote.speaker == person for quote in self.found):
            return
        unnamed = self.previous[0].speaker
        if unnamed is None or unnamed in self.people or (head and head not in unnamed.lower().split()):
            return
        self.aliases[unnamed] = person
        for index in range(len(self.found) - 1, -1, -1):
            if self.found[index].speaker != unnamed:
                break
            self.found[index] = replace(self.found[index], speaker=person)

    def _subject_of(self, cue: re.Match[str]) -> str | None:
        """The subject of a finite speech verb: the noun phrase before it, or after it ("…," said X)."""
        before = _TRAILING_ADVERBS.sub("", self.prose[self._sentence_start(cue.start()):cue.start()]).rstrip()
        before = _DASH_ASIDE.sub("", _RELATIVE_AT_END.sub("", before))  # "Zelensky — dubbed … by fans — vowed"
        quote_then_comma = before.count(",") == 1 and _QUOTE_THEN_COMMA.search(before)  # "… was "…", said X"
        if before.endswith(",") and not quote_then_comma:  # "X, a senior fellow at …, said" or "X, D-Md., said"
            return self._subject_before_appositives(before, cue.start())
        breaks = list(_CLAUSE_BREAK.finditer(before))
        tail = before[breaks[-1].end():] if breaks else before
        if tail.strip():
            return self._speaker(tail.strip(), cue.start())
        if breaks and breaks[-1]["word"] == "who" and (antecedent := _APPOSED_AT_END.search(before, 0, breaks[-1].start())):
            return self._speaker(antecedent["name"], cue.start())  # "… his counterpart, Andrii Sybiha, who called …"
        if breaks and breaks[-1]["word"]:
            return self._inherited(cue)
        return self._named_after(cue.end())

    def _subject_before_appositives(self, before: str, position: int) -> str | None:
        """The subject of "Oksana Melnyk, 54, a teacher from …, said" or "The head of the delegation, presidential aide
        Vladimir Medinsky, said".

        It is the nearest phrase between commas that names a person, else the nearest capitalised phrase or
        description ("a senior official, who spoke on condition of anonymity, said").
        """
        fallback = None
        for segment in reversed(before[:-1].split(",")):
            breaks = list(_CLAUSE_BREAK.finditer(segment))
            phrase = (segment[breaks[-1].end():] if breaks else segment).strip()
            if not _INDEFINITE.match(phrase):  # "Graham from Leeds" -> "Graham"; "A spokesperson for X" stays
                phrase = _NP_STOP.split(phrase, maxsplit=1)[0].strip()
            if _PREPOSITION_FIRST.match(segment):  # "The Kremlin, in a readout of a call with X, said"
                continue
            role = _ROLE_THEN_NAME.fullmatch(phrase)
            named_role = role and role["role"] in _ROLES_BEFORE_NAME  # "presidential aide X", "his mum Maureen"
            if not named_role and not breaks and _DETERMINERS.fullmatch(phrase.split(" ", 1)[0]) and phrase[:1].islower():
                fallback = fallback or self._description(phrase, position)  # "a senior official"
                continue
            if phrase[:1].isupper() or named_role:
                speaker = self._speaker(phrase, position)
                if speaker in self.people:
                    return speaker
                opening_description = _DETERMINERS.match(phrase)  # "A spokesperson for X, an industry group, said"
                fallback = speaker if opening_description and speaker else fallback or speaker
        return fallback

    def _inherited(self, cue: re.Match[str]) -> str | None:
        """The speaker of a verb with no subject of its own ("and added", "describing"): the sentence's speaker."""
        start = self._sentence_start(cue.start())
        earlier = [other for other in self.cues if start <= other.start() < cue.start()]
        if earlier:
            return self._cue_speaker(earlier[-1])
        return self._subject(start) or self.last_person

    def _named_after(self, position: int) -> str | None:
        """The speaker named right after a position ("said Tatiana Stanovaya, …", "according to the prefect, X,").

        A participle carries the phrase on: "said a senior EU diplomat involved in the preparations".
        """
        rest = self.prose[position:position + 200]
        stop = _NP_STOP.search(rest)
        while stop and stop.group()[0].isspace() and _PARTICIPLE_AT_END.search(rest, 0, stop.start()):
            stop = _NP_STOP.search(rest, stop.end())
        phrase = rest[:stop.start()] if stop else rest
        appositive = _APPOSITIVE_NAME.match(rest, len(phrase))
        if appositive and (name := self._person(appositive["name"], bare=True)):
            return name
        affiliated = _NAME_OF.match(rest.lstrip())  # "said Karolina Wiśniewska of the Centre for …"
        if affiliated and len(affiliated["name"].split()) >= 2 and (name := self._person(affiliated["name"], bare=True)):
            return name
        return self._speaker(phrase.strip(), position)

    def _speaker(self, phrase: str, position: int) -> str | None:
        """The speaker a noun phrase names: a pronoun, a person's name, or a description."""
        if _PRONOUN_AT_END.search(phrase):
            if self.unnamed_turn and self.unnamed_turn[1] == self.turns:  # no one named since "a spokeswoman said"
                return self.unnamed_turn[0]
            return self.last_person or self._subject(self._sentence_start(position))
        if _IT_AT_END.search(phrase):
            return self.last_institution
        name = _NAME_AT_END.search(phrase)
        before = phrase[:name.start()].split() if name else []
        kin = bool(before) and before[-1] in _NAMING_WORDS  # "his grandson Jack"
        if name and (person := self._person(name.group(), bare=not before or kin)):
            return person
        description = _DESCRIPTION_AT_END.search(phrase)
        if description:
            return self._description(description.group(), position)
        return phrase if 0 < len(phrase.split()) <= 3 else None

    def _person(self, run: str, bare: bool) -> str | None:
        """The full name of the person a run of capitalised words names, or None if it names no person.

        A single word is completed from a surname, else from the first name of the one person who has it ("Kim" for
        "Kim Seo-yeon"); one known as neither counts only when ``bare``: the whole phrase, as in "Smith said".
        """
        name = _split_name(run)[1]
        bare = bare and run.split()[0] not in _FUNCTION_WORDS
        if not _names_a_person(name):
            return None
        if len(name) == 1 or _surname(name) == " ".join(name).lower():
            key = _surname(name)
            full = self.surnames.get(key) or self.first_names.get(key) or (" ".join(name) if bare or len(name) > 1 else None)
        else:
            full = " ".join(name)
        if full:
            self.people.add(full)
        return full

    def _description(self, description: str, position: int) -> str:
        """Who "the Ukrainian president" or "the former diplomat" is, or the description itself if it says no more
        (or names an institution: "the Office of Public Works").

        A bare office ("the prime minister") with no one named in that office is the last person, if their office
        was never given; a qualified one ("the Ukrainian president") stays as written.
        """
        words = description.split()
        text = " ".join([words[0].lower() if _DETERMINERS.fullmatch(words[0]) else words[0], *words[1:]])
        head = words[-1].lower()
        proper_name = words[-1][:1].isupper() and head not in _TITLE_WORDS
        if head in _INSTITUTIONS or proper_name or words[0].lower() != "the":
            return text
        required = {head} | {word.lower() for word in words[1:-1] if word[:1].isupper()}
        earlier = [mention for mention in self.mentions if mention.start < position]
        match = (next((mention.name for mention in reversed(earlier) if required <= mention.titles), None)
                 or next((mention.name for mention in reversed(earlier) if head in mention.titles), None))
        antecedent = next((phrase for phrase in reversed(self.described) if head in phrase.lower().split()), None)
        if match or antecedent:
            return match or antecedent
        if any(_POSSESSIVE.search(word) for word in words):  # "the prime minister's spokesperson" is someone else
            return text
        if head in _DOCUMENTS:  # "the statement said": whoever issued it
            return self.last_institution or self.last_person or text
        if head in _OFFICES and (required != {head} or len(words) > 3 or self._offices(self.last_person)):
            return text
        return self.last_person or text

    def _offices(self, person: str | None) -> set[str]:
        """The offices the text gives a person anywhere ("president" for "President Volodymyr Zelensky")."""
        return {title for mention in self.mentions if mention.name == person for title in mention.titles} & _OFFICES

    def _subject(self, sentence_start: int) -> str | None:
        """The person a sentence opens with, if any.

        As in "Danish Defense Minister Jens Holm was blunter.", "Szalai's foreign minister, Bence Horváth, said …",
        "Speaking in Minsk, Mr. Putin began …" or, failing those, "Hawthorn coach Brendan O'Loughlin refused …" (the
        first person named in the first clause).
        """
        if led := self._led_by_role(sentence_start):
            return led
        run = _NAME.match(self.prose, sentence_start)
        if run and (person := self._person(run.group(), bare=False)):
            return person
        apposed = _OPENING_APPOSITIVE.match(self.prose, sentence_start)
        if apposed and _PLACE_BEFORE_COMMA.search(self.prose, sentence_start, apposed.start("name")):
            apposed = None  # "Speaking in Bishkek, Kyrgyzstan, …" names a place
        for opening in (apposed, _AFTER_OPENING_CLAUSE.match(self.prose, sentence_start)):
            if opening and (person := self._led_by_role(opening.start("name")) or self._person(opening["name"], bare=True)):
                return person
        clause = _FIRST_CLAUSE.match(self.prose, sentence_start)
        return self._first_person(sentence_start, clause.end(), bare=False) if clause else None

    def _led_by_role(self, position: int) -> str | None:
        """The person in "Victory captain Jason Tran" or "Hawthorn coach Brendan O'Loughlin": a team or a place, a
        lower-case role, then the name."""
        led = _LED_BY_ROLE.match(self.prose, position)
        return self._person(led["name"], bare=True) if led and led["role"] in _TITLE_WORDS else None

    def _first_person(self, start: int, end: int, bare: bool = True, introducing: bool = False) -> str | None:
        """The first person named between two offsets ("Her Democratic colleague Tom Bright agreed: …").

        ``introducing`` words before a colon also name their speaker by a possessive ("Abdulayeva's answer is blunt:")
        or a lone name between commas ("A reader in Dnipro, Serhii, writes:").
        """
        runs = _NAME.finditer(self.prose, start, end)
        people = (self._person(_POSSESSIVE.sub("", self._aged(run)) if introducing else self._aged(run),
                               bare=self._bare(run, start, bare) or (introducing and self._apposed(run)))
                  for run in runs)
        return next(filter(None, people), None)

    def _apposed(self, run: re.Match[str]) -> bool:
        """Whether a run of capitalised words stands between commas (", Serhii,")."""
        return self.prose[:run.start()].endswith(", ") and self.prose.startswith(",", run.end())

    def _aged(self, run: re.Match[str]) -> str:
        """A run of capitalised words, without the sentence words before a name given an age ("For Ihor, 45," -> Ihor)."""
        return _without_function_words(run.group()) if _AGE_APPOSITIVE.match(self.prose, run.end()) else run.group()

    def _bare(self, run: re.Match[str], start: int, bare: bool) -> bool:
        """Whether a lone word may name a person: it opens a stretch that allows it, an age follows ("Olga, 27,"), or
        it opens the stretch and a role follows ("Oksana, a nurse, stops …")."""
        opens = run.start() == start
        return ((bare or bool(_ROLE_APPOSITIVE.match(self.prose, run.end()))) and opens
                or bool(_AGE_APPOSITIVE.match(self.prose, run.end())))

    def _sentence_start(self, position: int) -> int:
        """Offset where the sentence holding a position starts."""
        return next(start for start in reversed(self.sentence_starts) if start <= position)

    def _remember_institution(self, name: str | None) -> None:
        """Make an institution ("the Kremlin") the one a later "it" refers back to."""
        words = (name or "").split()
        if len(words) >= 2 and words[0] == "the" and words[-1][:1].isupper() and words[-1].lower() not in _TITLE_WORDS:
            self.last_institution = name

    def _remember(self, speaker: str | None) -> None:
        """Make a person the one that later pronouns and descriptions refer back to."""
        self.turns += speaker in self.people
        if speaker in self.people and speaker != self.last_person:
            self.history.append(speaker)
            self.last_person = speaker


def _position(item: re.Match[str] | _Span) -> int:
    """Where a speech cue or a quotation starts, for reading them in order."""
    return item.opening if isinstance(item, _Span) else item.start()


def _strip_links(text: str) -> str:
    """Reduce Markdown links to their labels, padding with spaces so that every offset stays the same."""
    return _LINK.sub(lambda link: " " + link[1] + " " * (len(link[0]) - len(link[1]) - 1), text)


def _scan(text: str) -> list[_Span]:
    """Every quotation span in the text, in order.

    Single marks open quotations only in a text that quotes with them (more single openings than double
    quotations, as in British style); elsewhere they nest inside double quotes and are apostrophes.
    """
    doubles = len(_DOUBLE_OPENING.findall(text)) / 2
    opening_mark = _EITHER_OPENING if len(_SINGLE_OPENING.findall(text)) > doubles else _DOUBLE_OPENING
    spans: list[_Span] = []
    position = 0
    while opening := opening_mark.search(text, position):
        spans.append(_read_span(text, opening.start()))
        position = spans[-1].after
    return spans


def _read_span(text: str, opening: int) -> _Span:
    """Read one quotation from its opening mark: to its closing mark, on across paragraphs that reopen it."""
    single = text[opening] in "‘'"
    marks = _SINGLE_MARK if single else _MARK
    pieces: list[tuple[int, int]] = []
    start = search = opening + 1
    while mark := marks.search(text, search):
        search = mark.end()
        if single and mark.group() in "’'" and _is_apostrophe(text, mark.start()):
            continue
        pieces.append((start, mark.start()))
        if not mark.group().startswith("\n"):
            return _Span(opening, tuple(pieces), mark.start())
        if not mark["reopen"]:
            return _Span(opening, tuple(pieces), None)
        start = search
    return _Span(opening, (*pieces, (start, len(text))), None)


def _is_apostrophe(text: str, index: int) -> bool:
    """Whether a closing single mark is the apostrophe of a plural possessive ("the farmers’ union")."""
    return text[index - 1] in "sS" and bool(_POSSESSIVE_AFTER.match(text, index + 1))



def _mask(text: str, spans: list[_Span]) -> str:
    """The prose around the quotations: each quotation's words hidden, except its last character."""
    chars = list(text)
    for span in spans:
        chars[span.opening + 1:span.interior_end - 1] = "█" * max(0, span.interior_end - span.opening - 2)
    return "".join(chars)


def _sentence_starts(prose: str) -> list[int]:
    """Offsets where sentences start, not counting the dots of abbreviations such as "U.S." or "Gen." or of
    initials ("Donald J. Trump", "the S. Rajaratnam School"; but "posted on X." ends a sentence). A short line on its
    own (a live blog's time stamp or heading) is a sentence too."""
    starts = [0]
    for boundary in _SENTENCE_BREAK.finditer(prose):
        if not _ABBREVIATION.search(prose[max(0, boundary.start() - 40):boundary.start()]):
            starts.append(boundary.end())
    starts += [line.end() for line in _SHORT_LINE.finditer(prose)]  # a heading or time stamp on a line of its own
    return sorted(set(starts))


def _trim(text: str, pieces: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    """The pieces without surrounding blanks, and without the comma that ends a quotation before its attribution."""
    trimmed = []
    for index, (start, end) in enumerate(pieces):
        while start < end and text[start].isspace():
            start += 1
        while end > start and (text[end - 1].isspace() or (index == len(pieces) - 1 and text[end - 1] == ",")):
            end -= 1
        trimmed.append((start, end))
    return trimmed


def _mentions(prose: str) -> list[_Mention]:
    """Every person named in the prose with two or more names, with the titles and roles written before the name
    (a possessive counts: "Donald Trump's envoy" names Donald Trump; "Rosalind "Ros" MacLeod" is Rosalind MacLeod)."""
    found = []
    for run in _NAME.finditer(prose):
        titles, name = _split_name(_POSSESSIVE.sub("", run.group()))
        if len(name) >= 2 and _names_a_person(name):
            roles = _ROLE_WORDS_BEFORE.search(prose[max(0, run.start() - 60):run.start()])
            titles += roles.group().split() if roles else []
            found.append(_Mention(run.start(), " ".join(name), frozenset(titles)))
    for named in _NICKNAMED.finditer(prose):
        found.append(_Mention(named.start(), f"{named['first']} {named['last']}", frozenset()))
    return sorted(found, key=lambda mention: mention.start)


def _without_function_words(run: str) -> str:
    """A run of capitalised words without the sentence words it starts with ("For Ihor" -> "Ihor")."""
    words = run.split()
    while len(words) > 1 and words[0] in _FUNCTION_WORDS:
        words.pop(0)
    return " ".join(words)


def _unique_first_names(people: set[str]) -> dict[str, str]:
    """Each first name (lower case) borne by exactly one of the people, mapped to that person."""
    bearers: dict[str, list[str]] = {}
    for person in people:
        bearers.setdefault(person.split()[0].lower(), []).append(person)
    return {first: names[0] for first, names in bearers.items() if len(names) == 1}


def _split_name(run: str) -> tuple[list[str], list[str]]:
    """Split "Kyiv School of Economics President Tymofiy Mylovanov" into its titles (lower case) and the name.

    A place after the name is dropped: "Sen. Richard Blumenthal of Connecticut" -> Richard Blumenthal.
    """
    tokens = run.split()
    if "of" in tokens:
        place = len(tokens) - 1 - tokens[::-1].index("of")
        named = _split_name(" ".join(tokens[:place]))
        if len(named[1]) >= 2 and _names_a_person(named[1]):
            return named
    cut = 0
    for index, token in enumerate(tokens):
        if token == "of":
            cut = index + 2
        elif token in _FUNCTION_WORDS or token.rstrip(".").lower().split("-")[-1] in _TITLE_WORDS or "-of-" in token:
            cut = index + 1
        elif index < len(tokens) - 1 and (_POSSESSIVE.search(token) or token.endswith(("s'", "s’"))):
            cut = index + 1  # "Russia's", "the Liberal Democrats'"
    name = tokens[cut:]
    if len(name) > 1 and name[0].isupper() and len(name[0]) > 2 and not name[1].isupper():
        name[0] = name[0].capitalize()  # tabloid capitals: "DONALD Trump"
    while len(name) > 2 and name[-1].isupper() and len(name[-1]) <= 4:  # letters after a name: KC, MP, OBE
        name.pop()
    return [token.lower() for token in tokens[:cut]], name


def _surname(name: list[str]) -> str:
    """The lower-cased surname of a name, with its particles: "Henrik de Vries" -> "de vries"."""
    cut = len(name) - 1
    while cut > 0 and name[cut - 1].lower() in _PARTICLES:
        cut -= 1
    return " ".join(name[cut:]).lower()


def _names_a_person(name: list[str]) -> bool:
    """Whether the words left once titles are split off name a person, not "White House", "NATO" or "Zelensky's"."""
    last = name[-1] if name else ""
    return bool(last) and last.lower() not in _INSTITUTIONS and not last.isupper() and not _POSSESSIVE.search(last)


def _addresses(text: str, person: str) -> bool:
    """Whether quoted words speak to a person by surname, as in "That is not what I asked, Mr. Kerwin."."""
    surname = re.escape(person.split()[-1])
    return bool(re.search(rf"(?:^|,\s)(?:\S+\s)?{surname}(?:,|[.!?]?$)", text))


def _is_title(text: str) -> bool:
    """Whether quoted words are capitalised like a title ("Face the Nation", "Fox News Sunday.")."""
    words = text.rstrip(".").split()
    return len(words) >= 2 and words[0][:1].isupper() and all(w[:1].isupper() or w in _MINOR_WORDS for w in words)


def _looks_like_label(text: str) -> bool:
    """Whether unattributed quoted words read as scare quotes or a title rather than speech."""
    words = text.split()
    return len(words) <= 2 or all(not word[:1].islower() or word in _MINOR_WORDS for word in words)
