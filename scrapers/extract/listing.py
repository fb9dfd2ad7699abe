"""People in listings: staff tables (tables.py), and repeated person-like blocks (cards, rows, list items,
paragraphs, definition lists) found by grouping the elements that carry names by their place in the page;
what each block says of its person is read in person_block.py. Every step is linear in the page's size."""
import re
from collections import Counter, defaultdict

from scrapers import vocabulary as vocab
from scrapers.extract.document import HEADING_TAGS, Block, absolute_http
from scrapers.extract.links import is_tab_link
from scrapers.extract.model import Person
from scrapers.extract.person_block import fill_from_block
from scrapers.extract.tables import delimited_people, table_people
from scrapers.fields.names import entry_name, name_in, names_in, slug_matches, strip_honorifics, title_and_name
from scrapers.fields.titles import clean_title, group_title
from scrapers.text import clean

NAME_CARRIERS = ("a", "h2", "h3", "h4", "h5", "h6", "strong", "b", "td", "th", "dt", "dd", "span", "div", "p", "li",
                 "figcaption", "em", "label", "font", "caption", "summary")
MAX_NAME_TEXT = 90
MAX_BLOCK_TEXT = 2500


def listing_people(doc, context):
    """(people, profile links) of the listing parts of a page."""
    people, used = [], set()
    for table in doc.elements(["table"]):
        people.extend(table_people(doc, table, context, used))
    people.extend(delimited_people(doc, context, used))
    groups = candidate_groups(doc, context)
    # Every group's linked names bound the others' blocks (a list mixing two markups of its people).
    carriers = {el: found[0] for _members, named in groups for el, found in named if el.tag == "a"}
    for members, named in groups:
        people.extend(group_people(doc, members, named, context, used, carriers))
    drop_shared_links(people)
    return people, [p.profile_url for p in people if p.profile_url]


# -- repeated blocks ---------------------------------------------------------------------

def signature(el, depth=4, classes=4, columns=True):
    """An element's place in the page: tags and classes of itself and a few ancestors (table columns apart,
    unless not ``columns``: a grid of names, a person in every cell). Only the ``classes`` nearest levels
    keep their classes (cards that differ in a class, 'filter-char-P' beside 'filter-char-D', share the
    coarser place)."""
    parts = []
    node = el
    for level in range(depth):
        if node is None or not isinstance(node.tag, str) or node.tag in ("body", "html"):
            break
        kept = sorted((node.get("class") or "").split())[:2] if level < classes else []
        part = node.tag + "." + ".".join(kept)
        if columns and node.tag in ("td", "th") and node.getparent() is not None:
            part += f":{node.getparent().index(node)}"
        parts.append(part)
        node = node.getparent()
    return "/".join(parts)


def candidate_groups(doc, context):
    """Groups of innermost name-carrying elements that share a place in the page, largest first."""
    carriers = [el for el in doc.elements(NAME_CARRIERS) if 0 < len(doc.text(el)) <= MAX_NAME_TEXT]
    outer = set()
    for el in carriers:
        text = doc.text(el)
        parent = el.getparent()
        while parent is not None and doc.text(parent) == text:
            outer.add(parent)
            parent = parent.getparent()
    fine, coarse = defaultdict(list), defaultdict(list)
    # On a profile page, a name every page repeats is a contact box, not a person of this page.
    template = context.site.is_template if context.hints else (lambda _text: False)
    for el in carriers:
        if el not in outer and not template(doc.text(el)) and not (el.tag == "a" and is_tab_link(el)):
            fine[signature(el)].append(el)
            if el.tag in ("td", "th") or next(el.iterancestors("td", "th"), None) is not None:
                fine["grid:" + signature(el, columns=False)].append(el)
            coarse[signature(el, classes=1)].append(el)
    return ranked_groups(doc, fine, context) + ranked_groups(doc, coarse, context)


def ranked_groups(doc, groups, context):
    ranked = []
    for members in groups.values():
        texts = [doc.text(el) for el in members]
        if len(set(texts)) < 0.5 * len(texts):
            continue  # people have different names: six "Currículo Lattes" links are buttons
        if sum(context.site.is_template(t) for t in texts) * 2 >= len(texts):
            continue  # a menu every page repeats (a secretary every page names stays, among her colleagues)
        named = [(el, carried_name(doc, el)) for el in members]
        named = [(el, found) for el, found in named if found[0]]
        if named:
            # Groups whose elements hold the name and little else come first: the <a> before its <li>.
            tightness = sum(len(found[0]) / len(doc.text(el)) for el, found in named) / len(named)
            # On a Chinese, Japanese or Korean page the names in its own script come before their romanised forms.
            own_script = (doc.lang in ("zh", "ja", "ko")) == bool(vocab.CJK.search(named[0][1][0]))
            ranked.append((len(named), own_script, tightness, members, named))
    ranked.sort(key=lambda g: g[:3], reverse=True)
    return [(members, named) for *_rank, members, named in ranked]


def carried_name(doc, el):
    """(name, other forms) an element carries: its text, a rank and a name ('Scientia Professor Rajesh
    Kumar'), or the first line of an entry written as plain text."""
    if el.find("br") is not None:
        return lead_line_name(el)
    name, others, _rank = entry_name(doc.text(el))
    return name, others


def untitled(text):
    """A name's text without the rank before or after it ('Associate Professor Ben Walker' -> 'Ben Walker')."""
    title, name = title_and_name(text)
    return text.replace(title, "", 1).strip() if title and name else text


def lead_line_name(el):
    """The name an entry's first line starts with, where the entry writes it as plain text before a <br>:
    '<td>陈　静（办公室主任）<br>电话：…</td>', '<li>Jane Roe, Reader<br>…</li>'."""
    lead = LEADING_NAME.split(clean(el.text or ""), maxsplit=1)[0]
    return names_in(lead) if lead else (None, [])


def group_people(doc, members, named, context, used, carriers=None):
    lone = (len(named) == 1 and len(named[0][1][0]) >= 0.6 * len(untitled(doc.text(named[0][0])))
            and lone_person_link(doc, named[0][0], context))
    if not lone and (len(named) < 2 or len(named) < 0.6 * len(members)):
        return []
    if under_heading_of_others(doc, named[0][0]) and under_heading_of_others(doc, named[-1][0]):
        return []
    # Neighbours vouch for names that fail the strict test ("Srijith P K", a single-word name).
    strict = dict(named)
    named = [(el, strict.get(el) or vouched_name(doc.text(el))) for el in members]
    named = [(el, found) for el, found in named if found[0] and not under_heading_of_others(doc, el)]
    blocks = person_blocks(doc, {el: found[0] for el, found in named}, carriers)
    candidates = []
    for el, (name, others) in named:
        block = blocks[el]
        if any(top in used for top in block.elements):
            continue
        title_in_name, clean_name = title_and_name(doc.text(el))
        person = Person(name=clean_name or name, other_names=others, strategy="listing")
        person.note("name", f"listing: {len(named)} <{el.tag}> in one place ({signature(el, 2)})")
        fill_from_block(doc, person, block, el, context, title_hint=title_in_name)
        if not person.title:
            heading = doc.heading_before(el)
            if (heading is not None and heading.tag != "h1" and not block.contains(heading)
                    and group_title(doc.text(heading))):
                person.title = group_title(doc.text(heading))
                person.note("title", f"heading the group sits under: {heading.tag}")
        if lone and not person.profile_url:
            continue
        candidates.append((person, block, has_evidence(doc, person, block)))
    # A bare capitalised phrase (a German noun phrase, a menu item) is not enough; in a group where most
    # entries have a link, an email or a title beside the name, the neighbours vouch for the rest.
    vouched = sum(evidence for _p, _b, evidence in candidates) >= max(2, 0.75 * len(candidates))
    people = []
    for person, block, evidence in candidates:
        if not (evidence or vouched):
            continue
        for top in block.elements:  # a block taken, and everything around and inside it, is not another's
            used.update(top.iter())
            used.update(top.iterancestors())
        people.append(person)
    if len(people) >= 2:
        people += neighbour_entries(doc, people, candidates, context, used)
    return people


INLINE_NAME = ("strong", "b", "a", "span", "em")
LEADING_NAME = re.compile(r"\s+[-–—|]\s+|\s*[,;:(，；：（]\s*")


def neighbour_entries(doc, people, candidates, context, used):
    """Entries beside a listing's people that write the name as the start of a line of text, with no
    element of its own: '<li>mgr Anna Kaczmarek - specjalista, tel. ..., e-mail: ...</li>'."""
    parents = {b.first.getparent() for _p, b, _e in candidates if len(b.elements) == 1}
    tags = {b.first.tag for _p, b, _e in candidates}
    found = []
    for parent in parents:
        for el in parent if parent is not None else ():
            if not isinstance(el.tag, str) or el.tag not in tags or el in used:
                continue
            text = doc.text(el)
            lead = LEADING_NAME.split(text, maxsplit=1)[0]
            # '<p><strong>Ana Lopes</strong><br>Técnica<br>...</p>' beside entries whose names are links
            name_el = el[0] if len(el) and not (el.text or "").strip() and el[0].tag in INLINE_NAME else None
            if name_el is not None:
                lead = doc.text(name_el)
            name = name_in(lead) if 3 < len(lead) < len(text) else None
            if not name:
                continue
            person = Person(name=name, strategy="listing")
            person.note("name", "the start of an entry beside the listing's people")
            fill_from_block(doc, person, Block(doc, [el]), name_el, context)
            title = next((t for t in map(clean_title, LEADING_NAME.split(text)[1:3]) if t), None)
            if title:
                person.title = title
                person.note("title", "the words after the name")
            if person.email or person.title or person.phone:
                used.update(el.iter())
                found.append(person)
    return found


def vouched_name(text):
    """The name in a text its neighbours vouch for: looser forms, or a name after a rank."""
    # Not entry_name: this element's strict reading (carried_name) has failed, so the looser one comes first.
    found = names_in(text, loose=True)
    if found[0]:
        return found
    return title_and_name(text)[1], []


def has_evidence(doc, person, block):
    """Something beside the name that only a person's entry has: their page (here or elsewhere), an
    email, a title, interests, a phone number."""
    if person.profile_url or person.email or person.title or person.interests or person.phone:
        return True
    for anchor in block.anchors():
        target = absolute_http(doc.url, anchor.get("href"))
        if target and target != doc.url and not vocab.looks_like_file(target):
            return True
    return False


def lone_person_link(doc, el, context):
    """A single name linking to a profile: the one person of an A–Z letter page."""
    link = el if el.tag == "a" else next(el.iter("a"), None)
    if link is None or not link.get("href"):
        return False
    target = absolute_http(doc.url, link.get("href"))
    if not target:
        return False
    in_list = any(a.tag in ("li", "tr", "dd", "dl", "ul", "table") for a in el.iterancestors())
    return in_list or context.site.is_person_link(target) or slug_matches(doc.text(el), target, words_needed=1)


def under_heading_of_others(doc, el):
    """Under a heading of news or of former members ('Anciens membres', a folded 'Ex académicos'): not the
    department's people."""
    folded = next((d.find("summary") for d in el.iterancestors("details")), None)
    for heading in (folded, doc.heading_before(el)):
        if heading is not None and heading is not el and heading not in el.iterancestors():  # not its own summary
            text = doc.text(heading)
            if vocab.NEWS_HEADING.match(text) or vocab.FORMER_HEADING.match(text):
                return True
    return False


def person_blocks(doc, members, carriers=None):
    """For each member (element -> the name it carries), the largest part of the page around it that holds
    no other member nor another person's name that another group carries (a list mixing two markups of a
    person). Where that part is the name alone (a <dt>, a <strong> before <br>s), the siblings up to the next
    member join it."""
    counts, member_set, names_within = Counter(), set(members), defaultdict(set)
    stop = {doc.content, doc.body}
    for el in members:
        for ancestor in el.iterancestors():
            counts[ancestor] += 1
            if ancestor in stop:
                break
    for el, name in (carriers or {}).items():
        if el not in member_set:
            for ancestor in el.iterancestors():
                names_within[ancestor].add(name)
                if ancestor in stop:
                    break
    blocks = {}
    for el in members:
        top = el
        for ancestor in el.iterancestors():
            if (counts[ancestor] > 1 or ancestor in stop or len(doc.text(ancestor)) > MAX_BLOCK_TEXT
                    or names_within[ancestor] - {members[el]}):
                break
            top = ancestor
        if len(strip_honorifics(doc.text(top))) <= len(members[el]) + 3 and top.getparent() is not None:
            run = [top]
            for sibling in top.itersiblings():
                if not isinstance(sibling.tag, str):
                    continue
                others = names_within[sibling] | ({carriers[sibling]} if carriers and sibling in carriers else set())
                if (sibling in member_set or counts[sibling] or sibling.tag in HEADING_TAGS or len(run) > 12
                        or others - {members[el]}):
                    break
                run.append(sibling)
            blocks[el] = Block(doc, run, tails=True)
        else:
            blocks[el] = Block(doc, [top])
    return blocks


def drop_shared_links(people):
    """A link that several differently named people share (all linking to /contact.html) is no one's profile."""
    owners = defaultdict(set)
    for person in people:
        if person.profile_url:
            owners[person.profile_url].add(person.name.casefold())
    for person in people:
        if person.profile_url and len(owners[person.profile_url]) > 1:
            person.profile_url = None
            person.note("profile_url", "dropped: shared by several people")
