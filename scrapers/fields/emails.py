"""Reading email addresses, however a page hides them: mailto links (entities, %40, TYPO3's shifted
letters, Cloudflare's protection), "name [at] uni [dot] edu" and its kin in many languages, a full-width ＠,
a '#' with a note to replace it, and a bare user name beside a note that gives the domain."""
import re
from urllib.parse import unquote

from scrapers import vocabulary as vocab
from scrapers.fields.labels import labelled
from scrapers.fields.names import fold


def _in_brackets(table):
    """A word of the emails.toml ``table`` in brackets, with the spaces around it: ' [at] ', '( punkt )'."""
    return re.compile(r"\s*[\[\(\{<«]\s*(?:" + vocab.alternatives("emails", table) + r")\s*[\]\)\}>»]\s*", re.I)


EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24}")
# "@" and "." as people write them out, in many languages: the lists of scrapers/words/emails.toml.
BRACKETED_AT = _in_brackets("bracketed_at")
BRACKETED_DOT = _in_brackets("bracketed_dot")
SPELLED_DOT_WORDS = vocab.alternatives("emails", "spelled_dot")
SPELLED_AT = re.compile(r"(?<=[\w.])\s+(?:" + vocab.alternatives("emails", "spelled_at") + r")\s+"
                        r"(?=[\w-]+(?:\s*(?:\.|\s(?:" + SPELLED_DOT_WORDS + r")\s)\s*)\w)")
SPELLED_DOT = re.compile(r"(?<=\w)\s+(?:" + SPELLED_DOT_WORDS + r")\s+(?=\w)")
# "请将#替换为@", "replace # with @", "(#→@)": a page telling readers which character stands for @.
REPLACE_NOTE = re.compile(r"([#＃*※★☆◎○●■□◆◇▲△]|\(at\)|\[at\])\s*"
                          r"(?:替换为|替換為|换成|換成|改为|改為|に変換|を|→|->|with|by|par|por|durch|mit)\s*[@＠]"
                          r"|[@＠]\s*(?:代替|を)\s*([#＃*※★☆◎○●■□◆◇▲△])", re.I)
DOMAIN_NOTE = re.compile(r"(?:^|[\s(（\"'“:：])[@＠]\s?((?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,24})\b")
SPACED_AT = re.compile(r"(?<=[\w.-])\s+@\s+(?=[\w-]+\.[\w.-]*[A-Za-z])")  # 'wsjung @ ee.hanbit.ac.kr'
# An image standing for the @ of an address ('amgarcia<img src="arroba.gif">uvaldemar.es'), by its file or text.
AT_IMAGE = re.compile(r"(?:^|[/_\-.])(?:" + vocab.alternatives("emails", "at_image") + r")(?:[_\-.]|$)|@", re.I)
USER_BEFORE = re.compile(r"[\w.+-]$")
DOMAIN_AFTER = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.I)
USER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9._\-]{1,40}$")
CLOUDFLARE = re.compile(r"/cdn-cgi/l/email-protection#([0-9a-f]+)", re.I)


def at_image(before, hint, after):
    """Whether an image whose file name, alt or title is ``hint``, between text ending ``before`` and text
    starting ``after``, is an address's @ (a user name before it, a domain after it)."""
    return bool(AT_IMAGE.search(hint) and USER_BEFORE.search(before) and DOMAIN_AFTER.match(after))


def deobfuscate(text, stand_in=None):
    """Undo the common ways pages hide email addresses from harvesters."""
    text = text.replace("＠", "@").replace("．", ".")
    text = BRACKETED_AT.sub("@", text)
    text = BRACKETED_DOT.sub(".", text)
    text = SPELLED_AT.sub("@", text)
    text = SPACED_AT.sub("@", text)
    if "@" in text:
        text = SPELLED_DOT.sub(".", text)
    if stand_in:
        text = re.sub(r"(?<=[\w.])\s*" + re.escape(stand_in) + r"\s*(?=[\w-]+\.\w)", "@", text)
    return text


def stand_in_for_at(text):
    """The character a page asks readers to replace with @, if it says so."""
    match = REPLACE_NOTE.search(text)
    if not match:
        return None
    found = match.group(1) or match.group(2)
    return found.replace("＃", "#")


def domain_note(text):
    """A domain given on its own ('add @xyz.ac.kr', '(@uni.example)'), for user names written without it."""
    match = DOMAIN_NOTE.search(text)
    return match.group(1).lower() if match else None


def from_mailto(href):
    """The address of a mailto: link, or of a link protected by TYPO3 or Cloudflare."""
    href = (href or "").strip()
    lower = href.lower()
    if lower.startswith("mailto:"):
        address = unquote(href[7:].split("?")[0]).strip()
        return address.lower() if EMAIL.fullmatch(address) else None
    if "uncryptmailto" in lower:  # TYPO3: the letters of "mailto:..." shifted by a fixed amount
        coded = unquote(re.search(r"\(\s*['\"]?([^'\")]+)", href).group(1)) if "(" in href else ""
        for shift in range(-26, 27):
            plain = "".join(_shift(ch, shift) for ch in coded)
            if plain.lower().startswith("mailto:"):
                return from_mailto(plain)
        return None
    match = CLOUDFLARE.search(href)
    return cloudflare(match.group(1)) if match else None


def cloudflare(hexed):
    """Cloudflare's email protection: hex bytes XORed with the first byte."""
    try:
        data = bytes.fromhex(hexed)
        address = bytes(b ^ data[0] for b in data[1:]).decode("utf-8")
    except (ValueError, IndexError, UnicodeDecodeError):
        return None
    return address.lower() if EMAIL.fullmatch(address) else None


TYPO3_RANGES = ((0x2B, 0x3A), (0x40, 0x5A), (0x61, 0x7A))  # "+,-./0-9:", "@A-Z", "a-z", as TYPO3 shifts them


def _shift(ch, shift):
    code = ord(ch)
    for start, end in TYPO3_RANGES:
        if start <= code <= end:
            return chr(start + (code - start + shift) % (end - start + 1))
    return ch


def emails_in_text(text, stand_in=None):
    """Every address written in ``text``, in order."""
    found = []
    for match in EMAIL.finditer(deobfuscate(text, stand_in)):
        address = match.group(0).lower().rstrip(".")
        if address not in found:
            found.append(address)
    return found


def block_emails(block, stand_in=None, domain=None):
    """Addresses in a block: its mailto and protected links, its text, and labelled bare user names."""
    found = []
    for anchor in block.iter("a"):
        address = from_mailto(anchor.get("href")) or (cloudflare(anchor.get("data-cfemail"))
                                                      if anchor.get("data-cfemail") else None)
        if address and address not in found:
            found.append(address)
    for el in block.iter("span"):
        if el.get("data-cfemail"):
            address = cloudflare(el.get("data-cfemail"))
            if address and address not in found:
                found.append(address)
    for line in block.lines():
        for address in emails_in_text(line.text, stand_in):
            if address not in found:
                found.append(address)
        if domain and not found:
            value = labelled(line.text, "email") or labelled(line.text, "user_name")
            if value and USER_NAME.match(value):
                found.append(f"{value.lower()}@{domain}")
    return found


def best_email(candidates, name, excluded=(), strict=False):
    """The address that belongs to the person: one that spells their name, else (unless ``strict``) the first."""
    candidates = [c for c in candidates if c not in excluded]
    if not candidates:
        return None
    words = [w for w in re.split(r"[\s\-'’.]+", fold(name or "")) if len(w) > 1]
    initials = "".join(w[0] for w in words)

    def spells(address):
        local = fold(address.split("@")[0])
        return any(w in local for w in words) or (len(initials) >= 2 and local.startswith(initials))

    return next((c for c in candidates if spells(c)), None if strict else candidates[0])
