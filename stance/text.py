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


def normalize_social(text: str) -> str:
    """Lower-case, replace URLs by a placeholder and squash letters repeated 3+ times ("sooooo" -> "soo")."""
    return _REPEATS.sub(r"\1\1", _URL.sub(" httpurl ", text.lower()))


def preprocessor(social: bool = False) -> Callable[[str], str]:
    """What TfidfVectorizer does to a text before analysis: lower-case it, or :func:`normalize_social` it."""
    return normalize_social if social else str.lower


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


def build_analyzer(analyzer: str, ngram_range: tuple[int, int], social: bool = False) -> Callable[[str], list[str]]:
    """Return a function text -> n-grams that matches ``TfidfVectorizer(analyzer=..., ngram_range=...)``.

    ``social`` applies :func:`normalize_social` and keeps ``#hashtags`` and ``@mentions`` as word tokens.
    """
    preprocess = preprocessor(social)
    ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
    if analyzer == "word":
        find_tokens = re.compile(SOCIAL_TOKEN_PATTERN if social else WORD_TOKEN_PATTERN).findall
        return lambda text: word_ngrams(find_tokens(preprocess(text)), ngram_range)
    if analyzer == "char":
        return lambda text: char_ngrams(preprocess(text), ngram_range)
    if analyzer == "char_wb":
        return lambda text: [g for w in split_words(preprocess(text)) for g in word_char_ngrams(w, ngram_range)]
    raise ValueError(f"unknown analyzer {analyzer!r}; expected one of {', '.join(ANALYZERS)}")
