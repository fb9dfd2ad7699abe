"""Staff tables read by their column headers: name (or family and given name apart, in either order),
rank, email, phone, department and interests, in the languages of scrapers/words/labels.toml."""
import re

from scrapers import vocabulary as vocab
from scrapers.extract.document import Block, absolute_http
from scrapers.extract.model import Person
from scrapers.extract.person_block import fill_from_block
from scrapers.fields.emails import USER_NAME, best_email, block_emails, emails_in_text
from scrapers.fields.interests import label_of, merge_phrases, split_phrases
from scrapers.fields.names import entry_name, name_from_columns, names_in, title_and_name
from scrapers.fields.titles import clean_title, group_title, split_title
from scrapers.text import clean

COLUMN_FIELDS = ("given_name", "family_name", "name", "title", "email", "phone", "department", "interests")


def header_fields(doc, row):
    """{column: field} for a header row whose labels name a person's name and other fields."""
    columns, column = {}, 0
    for cell in row:
        if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
            continue
        label = clean(doc.text(cell)).strip(" :：*").casefold()
        span = _span(cell)
        if len(label) <= 40:
            for field_name in COLUMN_FIELDS:
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


def _span(cell, attribute="colspan"):
    try:
        return max(1, min(int(cell.get(attribute) or 1), 50))
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
    below = {}  # column -> rows further down that a cell with a rowspan still covers
    for row in rows[rows.index(header_row) + 1:]:
        cells, column, spans = {}, 0, {}
        for cell in row:
            if isinstance(cell.tag, str) and cell.tag in ("td", "th"):
                while below.get(column):
                    column += 1  # the place of a cell above that reaches down ('Inorganic' over three rows)
                cells[column] = cell
                for covered in range(column, column + _span(cell)):
                    if _span(cell, "rowspan") > 1:
                        spans[covered] = _span(cell, "rowspan") - 1
                column += _span(cell)
        below = {c: left - 1 for c, left in below.items() if left > 1} | spans
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
    raw = name_from_columns(text, context.language)
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


# -- tables written as text ---------------------------------------------------------------

FIELD_BAR = re.compile(r"\s*[|｜¦]\s*|\t+")
MIN_FIELDS = 3


def delimited_people(doc, context, used):
    """People of a table written as lines of text, fields apart by bars or tabs, in a <pre> or one paragraph:
    'Patricia Sepúlveda Rojas | Secretaria de Dirección | Anexo 2201 | psepulveda [arroba] uandina.cl'."""
    people = []
    for el in doc.elements(["pre", "p", "div"]):
        if el in used or (el.tag != "pre" and el.find("br") is None):
            continue
        lines = ([clean(line) for line in el.text_content().split("\n")] if el.tag == "pre"
                 else [line.text for line in Block(doc, [el]).lines()])
        entries = [person for person in (line_person(doc, el, line, context) for line in lines) if person]
        if len(entries) >= 2:
            people.extend(entries)
            used.update(el.iter())
    return people


def line_person(doc, el, line, context):
    fields = [f for f in FIELD_BAR.split(line) if f]
    if len(fields) < MIN_FIELDS:
        return None
    name, others, title = entry_name(fields[0])
    if not name:  # a looser form ('マイケル・ブラウン (Michael BROWN)'), if the line gives a rank or an address
        name, others = names_in(fields[0], loose=True)
        if not name or not (any(map(clean_title, fields[1:])) or emails_in_text(line, context.stand_in)):
            return None
    person = Person(name=name, other_names=others, strategy="listing")
    person.note("name", f"the first of {len(fields)} fields of a line in a <{el.tag}>")
    rank = next((t for t in map(clean_title, fields[1:]) if t), None) or title
    if rank:
        person.title, person.department = split_title(rank)
        person.note("title", "a field of the line")
    person.email = best_email(emails_in_text(line, context.stand_in), person.name)
    link = next((a for a in el.iter("a") if a.get("href") and clean(a.text_content()) == clean(fields[0])), None)
    if link is not None:
        person.profile_url = absolute_http(doc.url, link.get("href"))
    return person
