"""Reading telephone numbers: tel: links, then a number after a phone label, checked with phonenumbers."""
import re

import phonenumbers

from scrapers import vocabulary as vocab
from scrapers.text import clean

NUMBER = re.compile(r"(?:\+|\b00)?\(?\d[\d\s().\-/]{5,20}\d")


def plausible(number, country=None):
    """Whether ``number`` could be a phone number (in ``country`` when it has no +prefix)."""
    try:
        parsed = phonenumbers.parse(number, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        return sum(ch.isdigit() for ch in number) >= 7
    return phonenumbers.is_possible_number(parsed)


def block_phone(block, country=None):
    """The first phone number of a block: a tel: link, or a number just after a phone label."""
    for anchor in block.iter("a"):
        href = anchor.get("href") or ""
        if href.lower().startswith("tel:"):
            number = clean(href[4:])
            if sum(ch.isdigit() for ch in number) >= 6:
                return number
    for line in block.lines():
        label = vocab.LABELS["phone"].search(line.text)
        if label is None:
            continue
        match = NUMBER.search(line.text, label.end())
        if match and match.start() - label.end() < 6 and plausible(match.group(0), country):
            return clean(match.group(0))
    return None
