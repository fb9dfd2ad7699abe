"""Reading labelled fields ('Titel: Professorin', 'Department' above 'Food Engineering', '职称：教授')."""
from scrapers import vocabulary as vocab
from scrapers.text import clean, squeeze_cjk

LEAD = "•·-–*☑✉☎►▶ \u00a0"


def labelled(text, field):
    """The value after a label of ``field`` at the start of a line ('E-mail: jsmith' -> 'jsmith')."""
    bare = squeeze_cjk(text.lstrip(LEAD))
    match = vocab.LABELS[field].match(bare)
    if not match:
        return None
    rest = bare[match.end():]
    if rest[:1] not in (":", "：", " ", ""):
        return None
    if rest[:1] == " " and rest.lstrip()[:1] not in (":", "："):
        return None  # "Title of the thesis": a phrase that starts with the label's word, not a label
    return clean(rest.lstrip(" :：")) or None


def is_label(text, field):
    """Whether a whole line is just a label of ``field`` ('Department', 'Research interests:')."""
    bare = squeeze_cjk(clean(text).strip(LEAD + ":："))
    return bool(bare) and bool(vocab.LABELS[field].fullmatch(bare))


def after_lead_label(line, field):
    """The value after a label in an element of its own at the start of the line, with no colon
    ('<span class="label">Title</span> Professor')."""
    if line.lead is None:
        return None
    label = clean(line.lead.text_content())
    if not label or not line.text.startswith(label) or not is_label(label, field):
        return None
    return clean(line.text[len(label):].lstrip(" :：")) or None


def labelled_value(lines, field):
    """The value of ``field`` among a block's lines: after the label on its line, or on the next line."""
    for number, line in enumerate(lines):
        value = labelled(line.text, field) or after_lead_label(line, field)
        if value:
            return value
        if is_label(line.text, field) and number + 1 < len(lines):
            following = lines[number + 1].text
            if not any(is_label(following, other) for other in vocab.LABELS):
                return following
    return None
