"""People in listings: staff tables read by their column headers, and repeated person-like blocks (cards,
rows, list items, paragraphs, definition lists) found by grouping the elements that carry names by their
place in the page. Every step is linear in the page's size."""
import re
from collections import Counter, defaultdict

from scrapers import vocabulary as vocab
from scrapers.extract.document import HEADING_TAGS, Block, absolute_http
from scrapers.extract.model import Person
from scrapers.fields.emails import USER_NAME, best_email, block_emails
from scrapers.fields.labels import labelled_value
from scrapers.fields.interests import interests_in_lines, interests_in_prose, label_of, merge_phrases, split_phrases
from scrapers.fields.names import name_in, names_in, same_name, slug_matches, strip_honorifics, title_and_name
from scrapers.fields.phones import block_phone
from scrapers.fields.titles import clean_title, group_title, split_title
from scrapers.scope import same_site
from scrapers.text import clean

NAME_CARRIERS = ("a", "h2", "h3", "h4", "h5", "h6", "strong", "b", "td", "th", "dt", "dd", "span", "div", "p", "li",
                 "figcaption", "em", "label", "font", "caption")
MAX_NAME_TEXT = 90
MAX_BLOCK_TEXT = 2500
# Class names that mark a job title: whole class names, or the last part of one ("staff-position");
# not "card-title" or "box-title", which hold names and box headings.
TITLE_CLASS = re.compile(r"(?:^|\s)(?:[\w]+[-_])?(?:position|role|job|jobtitle|job-title|job_title|rank|designation|"
                         r"function|funktion|poste|cargo|qualifica|grade|status|pos|zc|zhicheng|dimmed|minor)(?:$|\s)"
                         r"|(?:^|\s)(?:title|subtitle|jobtitle)(?:$|\s)", re.I)
# Class names and link paths that mark tag chips: whole words of them, not parts ("partage" is not a tag).
TAG_MARK = re.compile(r"(?:^|[-_\s/?=&.])(?:tags?|tag-?list|keywords?|topics?|interests?|chips?|badges?|pills?|subjects?|"
                      r"expertise|research-areas?|thema|themen|schlagw\w*|mots-cles|fingerprints?|concepts?)"
                      r"(?:$|[-_\s/?=&.\d])", re.I)
SOCIAL_HOSTS = ("linkedin.", "twitter.", "x.com", "facebook.", "instagram.", "youtube.", "researchgate.", "scholar.google",
                "orcid.org", "github.com", "mendeley.", "academia.edu", "weibo.", "wechat", "mastodon", "bsky.")


def listing_people(doc, context):
    """(people, profile links) of the listing parts of a page."""
    people, used = [], set()
    for table in doc.elements(["table"]):
        people.extend(table_people(doc, table, context, used))
    for members, named in candidate_groups(doc, context):
        people.extend(group_people(doc, members, named, context, used))
    drop_shared_links(people)
    return people, [p.profile_url for p in people if p.profile_url]


# -- staff tables ------------------------------------------------------------------------

def header_fields(doc, row):
    """{column: field} for a header row whose labels name a person's name and other fields."""
    columns, column = {}, 0
    for cell in row:
        if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
            continue
        label = clean(doc.text(cell)).strip(" :：*").casefold()
        span = _span(cell)
        if len(label) <= 40:
            for field_name in ("given_name", "family_name", "name", "title", "email", "phone", "department", "interests"):
                if vocab.LABELS[field_name].fullmatch(label):
                    columns.setdefault(column, []).append(field_name)
            words = [w for w in re.split(r"[\s,/&+-]+", label) if w]
            family = [i for i, w in enumerate(words) if vocab.LABELS["family_name"].fullmatch(w)]
            given = [i for i, w in enumerate(words) if vocab.LABELS["given_name"].fullmatch(w)]
            if column not in columns and family and given and set(family) != set(given):
                # "Cognome Nome", "Name, Vorname" over one column: the header says which part comes first
                columns[column] = ["family_first" if min(family) < max(given) and min(family) not in given else "name"]
        column += span
    labels = [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]
    if (any(clean(doc.text(c)).endswith((":", "：")) for c in labels)
            or (len(columns) < 2 and not all(c.tag == "th" for c in labels) and row.getparent().tag != "thead")):
        return None  # a profile's own field table ("Name: Jan Kowalski"), not the header of a staff table
    kinds = {k for v in columns.values() for k in v}
    resolved = {}
    for column, options in columns.items():
        if "given_name" in options and ("family_name" in kinds - set(options) or "name" in kinds - set(options)):
            resolved[column] = "given_name"  # "Nombre" beside "Apellidos", "Vorname" beside "Name"
        elif ("family_name" in options or "name" in options) and "given_name" in kinds - set(options):
            resolved[column] = "family_name"
        elif "name" in options or "family_first" in options:
            resolved[column] = options[0] if options[0] in ("name", "family_first") else "name"
        else:
            resolved[column] = options[0] if options[0] not in ("given_name", "family_name") else "name"
    if not {"name", "family_name", "family_first"} & set(resolved.values()):
        return None
    return resolved


def _span(cell):
    try:
        return max(1, min(int(cell.get("colspan") or 1), 50))
    except ValueError:
        return 1


def table_people(doc, table, context, used):
    """One person per data row of a table whose header names its columns."""
    rows = [r for r in table.iter("tr") if r not in doc.chrome]
    header_row, fields_of = None, None
    for row in rows[:3]:
        fields_of = header_fields(doc, row)
        if fields_of:
            header_row = row
            break
    if not fields_of:
        return []
    heading = doc.heading_before(table)
    found = []
    for row in rows[rows.index(header_row) + 1:]:
        cells, column = {}, 0
        for cell in row:
            if isinstance(cell.tag, str) and cell.tag in ("td", "th"):
                cells[column] = cell
                column += _span(cell)
        values = {field_name: cells[c] for c, field_name in fields_of.items() if c in cells}
        person = row_person(doc, row, values, context)
        if person is None:
            continue
        if not person.title and heading is not None and group_title(doc.text(heading)):
            person.title = group_title(doc.text(heading))
            person.note("title", f"heading above the table: {heading.tag}")
        used.update(row.iter())
        used.update(row.iterancestors())
        found.append(person)
    return found


def row_person(doc, row, cells, context):
    text = {k: clean(doc.text(v)) for k, v in cells.items()}
    if "name" in text:
        raw = text["name"]
    elif "family_first" in text:
        raw = given_name_first(text["family_first"])
    else:
        given, family = text.get("given_name", ""), text.get("family_name", "")
        cjk = vocab.CJK.search(family + given)
        raw = f"{family}{given}" if cjk and (context.language or "") != "ja" else (
            f"{family} {given}" if cjk else f"{given} {family}")
    title_in_name, name = title_and_name(raw)
    native, others = names_in(raw, loose=True)
    name = name or native
    if not name:
        return None
    person = Person(name=name, other_names=others, strategy="listing")
    person.note("name", "table column " + ", ".join(k for k in cells if k.endswith("name")))
    block = Block(doc, [row])
    name_cell = next((cells[k] for k in ("name", "family_first", "family_name", "given_name") if k in cells), None)
    fill_from_block(doc, person, block, name_cell, context, title_hint=title_in_name)
    if "title" in cells and text["title"]:
        person.title, unit = split_title(text["title"])
        person.department = person.department or unit
        person.note("title", "table column")
    if "department" in cells and text["department"]:
        person.department = text["department"]
    if "interests" in cells and text["interests"]:
        labelled_cell = label_of(text["interests"])  # a cell that repeats its column's label
        cell = labelled_cell[1] if labelled_cell else text["interests"]
        person.interests = merge_phrases(split_phrases(cell), [] if labelled_cell else person.interests)
        person.note("interests", "table column")
    if "email" in cells:
        person.email = best_email(block_emails(Block(doc, [cells["email"]]), context.stand_in, context.domain),
                                  name) or person.email
        if not person.email and context.domain and USER_NAME.match(text["email"]):
            person.email = f"{text['email'].lower()}@{context.domain}"  # a user name; the page gives the domain
            person.note("email", "user name in the email column, domain from the page's note")
    return person


def given_name_first(text):
    """'De Luca Anna Maria' under a 'Cognome Nome' header -> 'Anna Maria De Luca' (particles stay with
    the family name)."""
    words = clean(text).split()
    if vocab.CJK.search(text) or len(words) < 2 or "," in text:
        return text
    cut = 1
    while cut < len(words) - 1 and words[cut - 1].casefold() in vocab.NAME_PARTICLES:
        cut += 1
    return " ".join(words[cut:] + words[:cut])


# -- repeated blocks ---------------------------------------------------------------------

def signature(el, depth=4, classes=4):
    """An element's place in the page: tags and classes of itself and a few ancestors (table columns apart).
    Only the ``classes`` nearest levels keep their classes (cards that differ in a class, 'filter-char-P'
    beside 'filter-char-D', share the coarser place)."""
    parts = []
    node = el
    for level in range(depth):
        if node is None or not isinstance(node.tag, str) or node.tag in ("body", "html"):
            break
        kept = sorted((node.get("class") or "").split())[:2] if level < classes else []
        part = node.tag + "." + ".".join(kept)
        if node.tag in ("td", "th") and node.getparent() is not None:
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
        if el not in outer and not template(doc.text(el)):
            fine[signature(el)].append(el)
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
        named = [(el, names_in(doc.text(el))) for el in members]
        named = [(el, found) for el, found in named if found[0]]
        if named:
            # Groups whose elements hold the name and little else come first: the <a> before its <li>.
            tightness = sum(len(found[0]) / len(doc.text(el)) for el, found in named) / len(named)
            # On a Chinese, Japanese or Korean page the names in its own script come before their romanised forms.
            own_script = (doc.lang in ("zh", "ja", "ko")) == bool(vocab.CJK.search(named[0][1][0]))
            ranked.append((len(named), own_script, tightness, members, named))
    ranked.sort(key=lambda g: g[:3], reverse=True)
    return [(members, named) for *_rank, members, named in ranked]


def group_people(doc, members, named, context, used):
    lone = (len(named) == 1 and len(named[0][1][0]) >= 0.6 * len(doc.text(named[0][0]))
            and lone_person_link(doc, named[0][0], context))
    if not lone and (len(named) < 2 or len(named) < 0.6 * len(members)):
        return []
    if under_news_heading(doc, named[0][0]) and under_news_heading(doc, named[-1][0]):
        return []
    # Neighbours vouch for names that fail the strict test ("Srijith P K", a single-word name).
    strict = dict(named)
    named = [(el, strict.get(el) or vouched_name(doc.text(el))) for el in members]
    named = [(el, found) for el, found in named if found[0] and not under_news_heading(doc, el)]
    blocks = person_blocks(doc, {el: found[0] for el, found in named})
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


LEADING_NAME = re.compile(r"\s+[-–—|]\s+|\s*[,;:(]\s*")


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
            name = name_in(lead) if 3 < len(lead) < len(text) else None
            if not name:
                continue
            person = Person(name=name, strategy="listing")
            person.note("name", "the start of an entry beside the listing's people")
            fill_from_block(doc, person, Block(doc, [el]), None, context)
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


def under_news_heading(doc, el):
    heading = doc.heading_before(el)
    return heading is not None and bool(vocab.NEWS_HEADING.match(doc.text(heading)))


def person_blocks(doc, members):
    """For each member (element -> the name it carries), the largest part of the page around it that holds
    no other member. Where that part is the name alone (a <dt>, a <strong> before <br>s), the siblings up
    to the next member join it."""
    counts, member_set = Counter(), set(members)
    stop = {doc.content, doc.body}
    for el in members:
        for ancestor in el.iterancestors():
            counts[ancestor] += 1
            if ancestor in stop:
                break
    blocks = {}
    for el in members:
        top = el
        for ancestor in el.iterancestors():
            if counts[ancestor] > 1 or ancestor in stop or len(doc.text(ancestor)) > MAX_BLOCK_TEXT:
                break
            top = ancestor
        if len(strip_honorifics(doc.text(top))) <= len(members[el]) + 3 and top.getparent() is not None:
            run = [top]
            for sibling in top.itersiblings():
                if not isinstance(sibling.tag, str):
                    continue
                if sibling in member_set or counts[sibling] or sibling.tag in HEADING_TAGS or len(run) > 12:
                    break
                run.append(sibling)
            blocks[el] = Block(doc, run, tails=True)
        else:
            blocks[el] = Block(doc, [top])
    return blocks


# -- what a block says about its person -----------------------------------------------------

def fill_from_block(doc, person, block, name_el, context, title_hint=None):
    """Title, email, phone, interests, department, photo and profile link of the person a block is about."""
    lines = block.lines()
    name_text = clean(doc.text(name_el)) if name_el is not None else person.name
    person.profile_url = profile_link(doc, block, name_el, person.name, context)
    if person.profile_url:
        person.note("profile_url", "link of the name" if name_el is not None and name_el.tag == "a" else "link in the block")
    emails = block_emails(block, context.stand_in, context.domain)
    # An address most pages show is the office's, unless it spells this person's name (the secretary's own).
    emails = [e for e in emails if not context.site.is_template_email(e) or best_email([e], person.name, strict=True)]
    person.email = best_email(emails, person.name)
    if person.email:
        person.note("email", "in the block")
    person.phone = block_phone(block, context.country)
    near = Block(doc, [name_el.getparent()]) if name_el is not None and name_el.getparent() is not None else block
    person.other_names = merge_names(person.other_names, other_script_names(doc, near if len(near) < 400 else block,
                                                                            person.name))
    title, how = clean_title(labelled_value(lines, "title") or ""), "labelled title"
    if title is None:
        for el in block.iter():
            classes = (el.get("class") or "").lower()
            if el is not name_el and TITLE_CLASS.search(classes) and el.tag not in ("a", "img"):
                value = clean_title(doc.text(el))
                if value and not same_name(value, person.name):
                    title, how = value, f"element of class {classes!r}"
                    break
    if title is None:
        for line in lines:
            if line.is_heading and context.site.is_template(line.text):
                continue  # a box every page has ("Colleagues", "同系教师")
            if line.lead is not None and line.lead.tag == "a" and doc.text(line.lead) == line.text:
                continue  # a link ("« Back to the professors") names another page, not a rank
            text = without_names(line.text, [name_text, person.name, *person.other_names])
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
