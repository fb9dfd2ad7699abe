"""Plain text from untrusted pages: one line, no invalid code points or control characters."""
import re

# Code points no text we keep should carry: C0/C1 controls (tab and newlines aside), lone surrogates,
# non-characters, zero-width characters and byte-order marks.
UNCLEAN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                     "\u200b-\u200d\u2060\ufeff]")


def clean(text):
    """Text on one line, with runs of white space made one space and unclean code points removed."""
    if not text:
        return ""
    if UNCLEAN.search(text) is not None:
        text = UNCLEAN.sub("", text)
    return " ".join(text.split())  # str.split's white space is the regex \s, and faster


# The scripts of Chinese, Japanese and Korean as ranges for a character class, defined once for extraction
# (scrapers/vocabulary.py) and the index (directory/search/analysis.py).
HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ideographs: extension A, unified, compatibility
HAN_MARK_CHARS = "\u3005-\u3007"  # 々 〆 〇, written among Han characters (佐々木)
HIRAGANA_CHARS = "\u3040-\u309f"
KATAKANA_CHARS = "\u30a0-\u30ff"
HANGUL_CHARS = "\uac00-\ud7af"  # syllables
HANGUL_JAMO_CHARS = "\u1100-\u11ff\u3130-\u318f"
# Squeezing takes Han as one range, U+3400-9FFF (the Yijing hexagrams between the two ideograph blocks too,
# the compatibility ideographs not), as it always has.
CJK_LETTER = f"{HIRAGANA_CHARS}{KATAKANA_CHARS}\u3400-\u9fff{HANGUL_CHARS}"
CJK_GAP = re.compile(f"(?<=[{CJK_LETTER}])[\\s\u3000]+(?=[{CJK_LETTER}])")


def squeeze_cjk(text):
    """'职　　称' -> '职称': pages space out short Chinese, Japanese and Korean labels to line them up."""
    return CJK_GAP.sub("", text)
