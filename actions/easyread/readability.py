"""Is a text easy to read? Flesch reading ease, sentence length and a jargon list.

textstat is pinned at 0.7.3: it measures with pyphen's bundled dictionaries and never
downloads anything (later releases fetch NLTK data at run time, which fails offline).
Each problem comes back as a sentence that says what to change, for the form to show.
"""

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

with warnings.catch_warnings():
    # textstat 0.7.3 imports pkg_resources, which setuptools (pinned below 81) warns about.
    warnings.simplefilter("ignore", UserWarning)
    import textstat

textstat.set_lang("en")

SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
LONG_WORD_SYLLABLES = 3  # the words that pull the reading ease down most


@dataclass(frozen=True)
class Term:
    """A word to avoid and what to say instead (``JargonTerm`` rows, or plain pairs in tests)."""

    term: str
    plain_words: str


@dataclass(frozen=True)
class Readability:
    reading_ease: float
    average_sentence_words: float
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def sentences(text: str) -> list[str]:
    return [part.strip() for part in SENTENCE_END.split(text.strip()) if WORD.search(part)]


def words(text: str) -> list[str]:
    return WORD.findall(text)


def _term_pattern(term: str) -> re.Pattern:
    # Whole words, any case, plurals too ("placements"); "co-produce" matches "co-produced".
    parts = [re.escape(part) for part in re.split(r"[\s-]+", term.strip())]
    return re.compile(r"\b" + r"[\s-]+".join(parts) + r"(?:s|es|d|ed|ing)?\b", re.IGNORECASE)


def jargon_found(text: str, terms: Iterable[Term]) -> list[tuple[Term, str]]:
    """Each jargon term in the text, with the words as written there."""
    found = []
    for term in terms:
        match = _term_pattern(term.term).search(text)
        if match:
            found.append((term, match.group(0)))
    return found


def _quote(sentence: str, limit: int = 90) -> str:
    return f"“{sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + '…'}”"


def check(text: str, *, terms: Iterable[Term]) -> Readability:
    """Measure a text and list what to change so that young people can read it."""
    min_ease = settings.EASY_READ_MIN_READING_EASE
    max_words = settings.EASY_READ_MAX_SENTENCE_WORDS
    parts = sentences(text)
    counts = [len(words(sentence)) for sentence in parts]
    average = sum(counts) / len(counts) if counts else 0.0
    ease = textstat.flesch_reading_ease(text) if counts else 100.0
    problems = []
    for term, written in jargon_found(text, terms):
        problems.append(f"Change “{written}” to a plain word young people use, such as “{term.plain_words}”.")
    if average > max_words:
        problems.append(
            f"Sentences have {average:.0f} words on average; keep them to {max_words} or fewer. "
            "Split the long ones into two."
        )
    for sentence, count in zip(parts, counts, strict=True):
        if count > max_words:
            problems.append(f"This sentence has {count} words (at most {max_words}): {_quote(sentence)}")
    if ease < min_ease:
        syllables = {w: textstat.syllable_count(w) for w in set(words(text))}
        long_words = sorted(
            (w for w, n in syllables.items() if n >= LONG_WORD_SYLLABLES), key=lambda w: (-syllables[w], w)
        )
        advice = f"The reading ease score is {ease:.0f}; it needs to be {min_ease} or more."
        if long_words:
            listed = ", ".join(f"“{w}”" for w in long_words[:6])
            advice += f" Use shorter words instead of {listed}."
        else:
            advice += " Use shorter words and shorter sentences."
        problems.append(advice)
    return Readability(reading_ease=ease, average_sentence_words=average, problems=problems)
