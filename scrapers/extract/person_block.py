"""What a part of a page says about the person it is about: title, email, phone, interests (labelled,
tag chips or prose), department, photo, other forms of the name, and the link to their own page. Listings,
staff tables and profiles all read a person's block the same way."""
import re

from scrapers import vocabulary as vocab
from scrapers.extract.document import Block, absolute_http
from scrapers.fields.emails import best_email, block_emails
from scrapers.fields.interests import interests_in_lines, interests_in_prose, label_of, merge_phrases
from scrapers.fields.labels import labelled_value
from scrapers.fields.names import name_in, same_name, slug_matches
from scrapers.fields.phones import block_phone
from scrapers.fields.titles import clean_title, split_title
from scrapers.scope import same_site
from scrapers.text import clean

# Class names that mark a job title: whole class names, or the last part of one ("staff-position");
# not "card-title" or "box-title", which hold names and box headings.
TITLE_CLASS = re.compile(r"(?:^|\s)(?:[\w]+[-_])?(?:position|role|job|jobtitle|job-title|job_title|rank|designation|"
                         r"function|funktion|poste|cargo|qualifica|grade|status|pos|zc|zhicheng|dimmed|minor)(?:$|\s)"
                         r"|(?:^|\s)(?:title|subtitle|jobtitle)(?:$|\s)", re.I)
TITLE_SUFFIX = re.compile(r"(?:^|\s)(?:profile|person|people|staff|member|faculty|directory-card|card|team)"
                          r"(?:__|-|_)(?:job-?)?title(?:$|\s)", re.I)
# Class names and link paths that mark tag chips: whole words of them, not parts ("partage" is not a tag).
TAG_MARK = re.compile(r"(?:^|[-_\s/?=&.])(?:tags?|tag-?list|keywords?|topics?|interests?|chips?|badges?|pills?|"
                      r"subjects?|"
                      r"expertise|research-areas?|thema|themen|schlagw\w*|mots-cles|fingerprints?|concepts?)"
                      r"(?:$|[-_\s/?=&.\d])", re.I)
SOCIAL_HOSTS = ("linkedin.", "twitter.", "x.com", "facebook.", "instagram.", "youtube.", "researchgate.",
                "scholar.google", "orcid.org", "github.com", "mendeley.", "academia.edu", "weibo.", "wechat",
                "mastodon", "bsky.")


def fill_from_block(doc, person, block, name_el, context, title_hint=None):
    """Title, email, phone, interests, department, photo and profile link of the person a block is about."""
    lines = block.lines()
    name_text = clean(doc.text(name_el)) if name_el is not None else person.name
    person.profile_url = profile_link(doc, block, name_el, person.name, context)
    if person.profile_url:
        own = name_el is not None and name_el.tag == "a"
        person.note("profile_url", "link of the name" if own else "link in the block")
    emails = block_emails(block, context.stand_in, context.domain)
    # An address most pages show is the office's, unless it spells this person's name (the secretary's own).
    emails = [e for e in emails if not context.site.is_template_email(e) or best_email([e], person.name, strict=True)]
    person.email = best_email(emails, person.name)
    if person.email:
        person.note("email", "in the block")
    person.phone = block_phone(block, context.country)
    parent = name_el.getparent() if name_el is not None else None
    # the name's own surroundings, not a row that holds the next person too (a grid of names)
    near = Block(doc, [parent]) if parent is not None and block.contains(parent) else block
    person.other_names = merge_names(person.other_names, other_script_names(doc, near if len(near) < 400 else block,
                                                                            person.name))
    title, how = clean_title(labelled_value(lines, "title") or "", labelled=True), "labelled title"
    if title is None:
        # 'profile__title' before 'profile__role': where a block has both, the first is the rank
        for marks in (TITLE_SUFFIX, TITLE_CLASS):
            for el in block.iter():
                classes = (el.get("class") or "").lower()
                if el is not name_el and marks.search(classes) and el.tag not in ("a", "img"):
                    value = clean_title(doc.text(el))
                    if value and not same_name(value, person.name):
                        title, how = value, f"element of class {classes!r}"
                        break
            if title is not None:
                break
    # The name element's whole text is taken off a line unless it goes on after the name with a rank
    # ('<li><a>Julien Roux</a> (doctorant)</li>' carried by the <li>).
    names = [person.name, *person.other_names]
    if not (name_text.startswith(person.name) and clean_title(name_text[len(person.name):])):
        names.insert(0, name_text)
    if title is None:
        for line in lines:
            if line.is_heading and context.site.is_template(line.text):
                continue  # a box every page has ("Colleagues", "同系教师")
            if line.lead is not None and line.lead.tag == "a" and doc.text(line.lead) == line.text:
                continue  # a link ("« Back to the professors") names another page, not a rank
            text = without_names(line.text, names)
            if text != name_text and not same_name(text, person.name):
                value = clean_title(text)
                if value:
                    title, how = value, "title-like line"
                    break
    if title is None and title_hint:
        title, how = title_hint, "words before the name"
    if title:
        person.title, unit = split_title(title)
        person.department = unit
        person.note("title", how)
    department = labelled_value(lines, "department")
    if department and len(department) <= 150:
        person.department = department
    chips = tag_interests(doc, block, name_el)
    person.interests = (chips if len(chips) >= 2 else []) or interests_in_lines(lines) or chips
    if not person.interests:
        person.interests = interests_in_prose(lines)
        if person.interests:
            person.note("interests", "phrases running text introduces")
    elif "interests" not in person.evidence:
        person.note("interests", "interests label or tags")
    image = next((i for i in block.iter("img") if i.get("src") and not _icon(i)), None)
    if image is not None:
        person.photo_url = absolute_http(doc.url, image.get("src"))


def without_names(text, names):
    """A line with the person's names taken out ('Dr Jane Smith, Lecturer' -> ', Lecturer'; 'YAMADA Taro'
    for Taro Yamada too), or the line itself when it is only a name."""
    forms = set()
    for name in filter(None, names):
        forms.add(name)
        words = name.split()
        if len(words) == 2 and not vocab.CJK.search(name):
            forms.update((f"{words[1]} {words[0]}", f"{words[1]}, {words[0]}"))
        elif len(name) == 2 and vocab.HAN.match(name):
            forms.add(f"{name[0]} {name[1]}")  # '陈　静' as the page pads it
    rest = text
    for form in sorted(forms, key=len, reverse=True):
        at = rest.casefold().find(form.casefold())
        if at >= 0 and len(rest.casefold()) == len(rest):
            rest = rest[:at] + " " + rest[at + len(form):]
    return clean(rest) if clean(rest) else text


def other_script_names(doc, block, name):
    """Forms of the person's name in another script beside it ('YAMADA Taro' beside '山田 太郎')."""
    native = bool(vocab.CJK.search(name))
    found = []
    for el in block.iter("span", "p", "div", "a", "h1", "h2", "h3", "h4", "em", "small", "td"):
        text = doc.text(el)
        if 2 < len(text) <= 60 and bool(vocab.CJK.search(text)) != native:
            other = name_in(text)
            if other and other not in found:
                found.append(other)
    return found[:2]


def merge_names(first, second):
    return list(dict.fromkeys(list(first) + list(second)))


def _icon(image):
    try:
        return int(image.get("width") or 99) < 30
    except ValueError:
        return False


def profile_link(doc, block, name_el, name, context):
    """The block's link to the person's own page on this site."""
    candidates = []
    if name_el is not None:
        own = name_el if name_el.tag == "a" else next(name_el.iter("a"), None)
        if own is None:
            own = next(name_el.iterancestors("a"), None)
        if own is not None:
            candidates.append(own)
    anchors = block.anchors()
    candidates += [a for a in anchors if vocab.PROFILE_LINK_WORDS.fullmatch(clean(doc.text(a)) or "-")]
    candidates += [a for a in anchors if slug_matches(name, a.get("href") or "")
                   or same_name(a.get("title") or "", name) or same_name(a.get("aria-label") or "", name)]
    candidates += anchors
    for anchor in candidates:
        href = anchor.get("href") or ""
        if href.lower().startswith(("mailto:", "tel:", "javascript:", "#")) or vocab.looks_like_file(href):
            continue
        target = absolute_http(doc.url, href)
        if not target or target == doc.url or any(h in target for h in SOCIAL_HOSTS):
            continue
        if _is_tag_link(anchor):
            continue
        if same_site(target, doc.url):
            return target
    return None


def _is_tag_link(anchor):
    return bool(TAG_MARK.search(anchor.get("href") or "") or TAG_MARK.search(anchor.get("class") or ""))


def tag_interests(doc, block, name_el):
    """Interests shown as tag chips: several short items whose class or link says tag, keyword or topic."""
    chips = []
    for el in block.iter("a", "span", "li"):
        if el is name_el:
            continue
        classes = el.get("class") or ""
        parent_classes = (el.getparent().get("class") or "") if el.getparent() is not None else ""
        if TAG_MARK.search(classes) or TAG_MARK.search(parent_classes) or (el.tag == "a" and _is_tag_link(el)):
            text = clean(doc.text(el))
            if (1 < len(text) <= 80 and not name_in(text) and el.find(".//a") is None and not label_of(text)
                    and not text.endswith((":", "：")) and "@" not in text):
                chips.append(text)
    return merge_phrases([], chips) if len(chips) >= 1 else []


