"""The languages the directory holds, and telling which one a text is in."""
import re
from functools import cache

from scrapers.text import HAN_CHARS, HANGUL_CHARS, HIRAGANA_CHARS, KATAKANA_CHARS

LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "zh", "ja", "ko")
CJK_RUN = re.compile(f"[{HIRAGANA_CHARS}{KATAKANA_CHARS}{HAN_CHARS}{HANGUL_CHARS}]+")
PROFILE_SAMPLE = 240  # characters of a profile's own words enough to tell their language
PROFILE_SURE = 0.8  # a profile's language is kept in the store when told at least this surely


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(text, sure=0.0):
    """The language of ``text`` among LANGUAGES (by script for CJK, else py3langid), or None when it has no
    letters or the guess is less likely than ``sure``."""
    if re.search(f"[{HANGUL_CHARS}]", text):
        return "ko"
    if re.search(f"[{HIRAGANA_CHARS}{KATAKANA_CHARS}]", text):
        return "ja"
    if CJK_RUN.search(text):
        return "zh"
    if not re.search(r"[^\W\d_]", text):
        return None
    language, probability = _identifier().classify(text)
    return language if probability >= sure else None


def likely_languages(text, least=0.1):
    """The languages among LANGUAGES that ``text`` may be in, by py3langid, the likeliest first: those at least
    ``least`` likely. (A word or two is often told wrongly alone: "tenants" as French, "madera" as
    Portuguese.)"""
    if not re.search(r"[^\W\d_]", text):
        return []
    return [language for language, probability in _identifier().rank(text) if probability >= least]


def own_words(expert):
    """An expert's own words: their title, interests and department (not names or universities)."""
    interests = " ; ".join(expert.get("interests") or [])
    return " ; ".join(filter(None, [expert.get("title"), interests, expert.get("department")]))


def stored_language(expert):
    """The language the store keeps for an expert: their source's, else the one their words are surely in
    (kept, so that an index rebuild need not tell it again), else None."""
    return expert.get("language") or profile_language(expert, PROFILE_SURE)


def profile_language(expert, sure=0.0):
    """The language of an expert's own words, told from their first PROFILE_SAMPLE characters; None as
    ``detect_language``."""
    return detect_language(own_words(expert)[:PROFILE_SAMPLE], sure=sure)
