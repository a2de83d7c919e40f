"""The readability check: reading ease, sentence length and the jargon list, each
reported as a thing to change."""

import subprocess
import sys

import pytest

from actions.easyread.readability import Term, check, jargon_found

TERMS = [Term("placement", "the home where you live"), Term("care plan review", "your care meeting")]


def test_plain_short_text_passes():
    result = check("We will help you stay well. You can see a nurse each year.", terms=TERMS)
    assert result.ok, result.problems
    assert result.reading_ease >= 75
    assert result.average_sentence_words == 6.5


def test_a_long_sentence_is_quoted_with_its_word_count():
    long = (
        "We will make sure that every young person who lives with us has someone to talk to "
        "whenever they need it and wherever they are."
    )
    result = check(f"We care. {long}", terms=TERMS)
    assert any(
        "This sentence has 25 words (at most 15)" in p and "“We will make sure" in p for p in result.problems
    )


def test_hard_words_are_named_when_reading_ease_is_too_low():
    result = check(
        "Comprehensive multidisciplinary interventions facilitate sustainable developmental outcomes.",
        terms=TERMS,
    )
    assert not result.ok
    advice = next(p for p in result.problems if "reading ease" in p)
    assert "needs to be 75 or more" in advice
    assert "“multidisciplinary”" in advice and "“Comprehensive”" in advice


def test_jargon_words_are_found_in_any_case_and_plural_with_what_to_say_instead():
    result = check("Your Placements are safe. We hold a care plan review.", terms=TERMS)
    assert "Change “Placements” to a plain word young people use, such as “the home where you live”." in (
        result.problems
    )
    assert any("“care plan review”" in p and "“your care meeting”" in p for p in result.problems)


def test_jargon_is_matched_on_whole_words_only():
    assert jargon_found("We replaced the old sign.", [Term("placement", "home")]) == []
    assert jargon_found("A co-produced guide.", [Term("co-produce", "made together")])


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_text_has_nothing_to_measure(text):
    assert check(text, terms=TERMS).average_sentence_words == 0


def test_textstat_is_the_offline_release_and_never_loads_nltk():
    """textstat 0.8+ downloads NLTK data at run time; 0.7.3 measures with pyphen only."""
    code = (
        "import sys, textstat; textstat.flesch_reading_ease('We help you. You can talk to us.');"
        "textstat.syllable_count('independent');"
        "print('nltk' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
    from importlib.metadata import version

    assert version("textstat") == "0.7.3"
