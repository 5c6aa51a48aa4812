"""The re-implemented analyzers make exactly the n-grams scikit-learn's TfidfVectorizer makes."""

from __future__ import annotations

import string
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from stance.text import SOCIAL_TOKEN_PATTERN, build_analyzer, mark_negation, normalize_social, preprocessor, split_words

ALL_WHITESPACE = "".join(chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace())
AWKWARD_TEXTS = [
    "",
    " ",
    "a",
    "ab",
    "a b c d",
    "I",
    "  Leading and trailing  ",
    "Tabs\tand\nnewlines\r\nand\x0bvertical\x0cfeeds\n\n\n",
    "Unit\x1fseparators\x1eand\x1cfile\x1dseparators and\x85next line\u2028line\u2029para",
    "no\u00a0break\u2009thin\u3000ideographic\u200bzero-width",
    "".join(f"w{c}x" for c in ALL_WHITESPACE),
    "Control \x00 chars \x07 bell \x1b[31m escape \x7f delete",
    "Зеленский заявил: «Нет мира без Украины!»",
    "ΕΛΛΗΝΙΚΑ και ελληνικά",
    "مفاوضات السلام في الرياض لم تحقق شيئا",
    "שיחות השלום נכשלו \u200fשוב\u200e",
    "İstanbul ǅemal straße ÆØÅ ﬁnal",
    "Cafe\u0301 vs Café, naïve coöperation",
    "和平谈判 在利雅得 举行",
    "Peace 🕊️ now 🇺🇦🇺🇸 👩🏽‍⚖️ said 😡😡😡!!!",
    "@POTUS and #Ukraine #NoDealWithoutUkraine @ZelenskyyUa",
    "See https://example.org/talks?id=3 and www.example.com/x now",
    "Soooooo baaaaad, nooooo!!! yesss",
    "under_score snake_case __dunder__ 2025 3.14 1,000",
    "don't won't it's Trump's U.S.-Russia talks — a 'deal'?",
    "x" * 300,
    "Putin " * 50,
]
CONFIGS = [
    ("word", (1, 1)),
    ("word", (1, 2)),
    ("word", (1, 3)),
    ("word", (2, 3)),
    ("char", (1, 4)),
    ("char", (2, 5)),
    ("char_wb", (2, 5)),
    ("char_wb", (3, 5)),
]
TEXTS = st.text(alphabet=st.sampled_from(string.ascii_letters[:8] + " \t\n#@é🇺_.-" + ALL_WHITESPACE[:8]), max_size=40)


def sklearn_analyzer(analyzer: str, ngram_range: tuple[int, int], social: bool, negation: bool = False):
    """scikit-learn's analyzer, configured as StanceClassifier configures it."""
    options = {"preprocessor": preprocessor(social, negation)}
    if social and analyzer == "word":
        options["token_pattern"] = SOCIAL_TOKEN_PATTERN
    return TfidfVectorizer(analyzer=analyzer, ngram_range=ngram_range, **options).build_analyzer()


@pytest.mark.parametrize("social", [False, True], ids=["plain", "social"])
@pytest.mark.parametrize("analyzer, ngram_range", CONFIGS, ids=[f"{a}{r}" for a, r in CONFIGS])
def test_analyzers_match_scikit_learn_on_awkward_texts(analyzer, ngram_range, social):
    ours = build_analyzer(analyzer, ngram_range, social)
    theirs = sklearn_analyzer(analyzer, ngram_range, social)
    for text in AWKWARD_TEXTS:
        assert ours(text) == theirs(text), repr(text)


@pytest.mark.parametrize("analyzer, ngram_range", [("word", (1, 3)), ("char", (1, 4)), ("char_wb", (2, 5))])
@settings(max_examples=150, deadline=None)
@given(text=TEXTS, social=st.booleans())
def test_analyzers_match_scikit_learn_on_random_texts(analyzer, ngram_range, text, social):
    assert build_analyzer(analyzer, ngram_range, social)(text) == sklearn_analyzer(analyzer, ngram_range, social)(text)


@pytest.mark.parametrize("social", [False, True], ids=["plain", "social"])
def test_word_analyzer_with_negation_matches_scikit_learn(social):
    ours = build_analyzer("word", (1, 2), social, negation=True)
    theirs = sklearn_analyzer("word", (1, 2), social, negation=True)
    for text in [*AWKWARD_TEXTS, "This is NOT a betrayal of Ukraine. We don't trust him, but #peace matters"]:
        assert ours(text) == theirs(text), repr(text)


def test_mark_negation_scopes_end_at_punctuation_or_but():
    assert mark_negation("this is not a betrayal of ukraine. we welcome it") == \
        "this is not a neg_betrayal neg_of neg_ukraine. we welcome it"
    assert mark_negation("we don't trust him, frankly") == "we don't neg_trust neg_him, frankly"
    assert mark_negation("nothing but a surrender") == "nothing but a surrender"
    assert mark_negation("it isn’t over") == "it isn’t neg_over"
    assert mark_negation("a welcome step") == "a welcome step"


def test_split_words_equals_scikit_learns_whitespace_squashing_then_split():
    squash = TfidfVectorizer._white_spaces.sub
    for c in ALL_WHITESPACE + "\x00\u200b\u180e\ufeff":
        text = f"{c}a{c}b{c}{c}c {c}"
        assert split_words(text) == squash(" ", text).split(), repr(c)


def test_normalize_social():
    assert normalize_social("Sooooo GOOD https://x.y/z") == "soo good  httpurl "


def test_unknown_analyzer_is_refused():
    with pytest.raises(ValueError, match="unknown analyzer 'chars'"):
        build_analyzer("chars", (1, 2))


@pytest.mark.parametrize("analyzer", ["char", "char_wb"])
def test_every_ngram_range_on_words_shorter_and_longer_than_n(analyzer):
    texts = ["", "a", "ab", "abc", "a b", "ab cde fghijkl m", "x" * 9]
    for min_n in range(1, 8):
        for max_n in range(min_n, 8):
            theirs = TfidfVectorizer(analyzer=analyzer, ngram_range=(min_n, max_n)).build_analyzer()
            ours = build_analyzer(analyzer, (min_n, max_n))
            assert [ours(t) for t in texts] == [theirs(t) for t in texts], (min_n, max_n)
