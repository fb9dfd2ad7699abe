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


CJK_LETTER = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"
CJK_GAP = re.compile(f"(?<=[{CJK_LETTER}])[\\s\u3000]+(?=[{CJK_LETTER}])")


def squeeze_cjk(text):
    """'职　　称' -> '职称': pages space out short Chinese, Japanese and Korean labels to line them up."""
    return CJK_GAP.sub("", text)
