"""Text analysis shared by training and prediction: the exact n-grams scikit-learn's TfidfVectorizer makes.

Prediction re-implements the analyzers here (not by importing scikit-learn) so that one quote can be scored in
microseconds; a parity test pins them to scikit-learn's output.
"""

from __future__ import annotations

import re
from typing import Callable

WORD_TOKEN_PATTERN = r"(?u)\b\w\w+\b"
SOCIAL_TOKEN_PATTERN = r"(?u)[#@]?\b\w\w+\b"
ANALYZERS = ("word", "char", "char_wb")
_WHITE_SPACES = re.compile(r"\s\s+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_REPEATS = re.compile(r"(\w)\1{2,}")
_NEGATOR = re.compile(r"^(?:not|no|never|nothing|nobody|none|neither|nor|cannot|without|hardly)\W*$|n['’]t\W*$")
_SCOPE_END = re.compile(r"[.,;:!?]$")
_WORD_START = re.compile(r"\b(?=\w\w)")


def normalize_social(text: str) -> str:
    """Lower-case, replace URLs by a placeholder and squash letters repeated 3+ times ("sooooo" -> "soo")."""
    return _REPEATS.sub(r"\1\1", _URL.sub(" httpurl ", text.lower()))


def mark_negation(text: str) -> str:
    """Prefix ``neg_`` to the words after a negation up to the next punctuation mark or "but" ("not a betrayal" ->
    "not a neg_betrayal"), so word n-grams tell a rebuttal from a charge: the classic negation scope of sentiment
    analysis."""
    marked, in_scope = [], False
    for token in text.split():
        in_scope = in_scope and token != "but"
        marked.append(_WORD_START.sub("neg_", token) if in_scope else token)
        in_scope = (in_scope or bool(_NEGATOR.search(token))) and not _SCOPE_END.search(token)
    return " ".join(marked)


def lower_negated(text: str) -> str:
    """Lower-case, then :func:`mark_negation`."""
    return mark_negation(text.lower())


def social_negated(text: str) -> str:
    """:func:`normalize_social`, then :func:`mark_negation`."""
    return mark_negation(normalize_social(text))


_PREPROCESSORS: dict[tuple[bool, bool], Callable[[str], str]] = {
    (False, False): str.lower, (True, False): normalize_social, (False, True): lower_negated, (True, True): social_negated,
}


def preprocessor(social: bool = False, negation: bool = False) -> Callable[[str], str]:
    """What TfidfVectorizer does to a text before analysis: lower-case it (or :func:`normalize_social` it), and with
    ``negation`` mark the words in the scope of a negation. Module-level functions, so estimators pickle."""
    return _PREPROCESSORS[social, negation]


def word_ngrams(tokens: list[str], ngram_range: tuple[int, int]) -> list[str]:
    """Join consecutive tokens into n-grams, in scikit-learn's order (all unigrams, then all bigrams, ...)."""
    min_n, max_n = ngram_range
    if max_n == 1:
        return tokens
    grams = list(tokens) if min_n == 1 else []
    for n in range(max(min_n, 2), min(max_n, len(tokens)) + 1):
        grams.extend(map(" ".join, zip(*(tokens[k:] for k in range(n)))))
    return grams


def char_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    """Character n-grams over the whole text, whitespace runs squashed (scikit-learn's ``analyzer="char"``)."""
    text = _WHITE_SPACES.sub(" ", text)
    min_n, max_n = ngram_range
    n_chars = len(text)
    return [text[i : i + n] for n in range(min_n, min(max_n, n_chars) + 1) for i in range(n_chars - n + 1)]


def word_char_ngrams(word: str, ngram_range: tuple[int, int]) -> list[str]:
    """Character n-grams of one space-padded word (scikit-learn's ``analyzer="char_wb"``, one word at a time)."""
    padded = " " + word + " "
    size = len(padded)
    min_n, max_n = ngram_range
    grams = [padded[i : i + n] for n in range(min_n, min(max_n, size - 1) + 1) for i in range(size - n + 1)]
    if max_n >= size:  # scikit-learn counts a padded word shorter than n once, then stops
        grams.append(padded)
    return grams


def split_words(text: str) -> list[str]:
    """The words ``char_wb`` pads: scikit-learn squashes whitespace runs then splits, which equals ``str.split()``."""
    return text.split()


def build_analyzer(analyzer: str, ngram_range: tuple[int, int], social: bool = False,
                   negation: bool = False) -> Callable[[str], list[str]]:
    """Return a function text -> n-grams that matches ``TfidfVectorizer(analyzer=..., ngram_range=...)``.

    ``social`` applies :func:`normalize_social` and keeps ``#hashtags`` and ``@mentions`` as word tokens;
    ``negation`` applies :func:`mark_negation` (the classifier uses it for word n-grams only).
    """
    preprocess = preprocessor(social, negation)
    ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
    if analyzer == "word":
        find_tokens = re.compile(SOCIAL_TOKEN_PATTERN if social else WORD_TOKEN_PATTERN).findall
        return lambda text: word_ngrams(find_tokens(preprocess(text)), ngram_range)
    if analyzer == "char":
        return lambda text: char_ngrams(preprocess(text), ngram_range)
    if analyzer == "char_wb":
        return lambda text: [g for w in split_words(preprocess(text)) for g in word_char_ngrams(w, ngram_range)]
    raise ValueError(f"unknown analyzer {analyzer!r}; expected one of {', '.join(ANALYZERS)}")
