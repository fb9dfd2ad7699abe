"""Exports a person can open safely: CSV without formula injection, vCard."""
import csv

# The CSV columns, in order (README: "Exports"); internal ones such as `source` or `may_have_left` stay out.
CSV_COLUMNS = ("name", "title", "institution", "department", "country", "email", "phone", "profile_url",
               "interests", "source_urls", "first_seen", "last_verified", "id")
# A byte-order mark first: without it a spreadsheet reads UTF-8 as its local code page ("Ãlvarez").
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A CSV cell that a spreadsheet will never run as a formula."""
    text = "; ".join(value) if isinstance(value, list) else ("" if value is None else str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(output, rows):
    """Write export rows to the text stream ``output`` as CSV: the byte-order mark and the header row always
    (an empty list gives a header), then one formula-safe row each."""
    output.write(BOM)
    writer = csv.DictWriter(output, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: csv_cell(row.get(key)) for key in CSV_COLUMNS})


def vcard(expert):
    """A vCard 4.0 for one expert, with its source noted."""
    def esc(text):
        return (text or "").replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")

    lines = ["BEGIN:VCARD", "VERSION:4.0", f"FN:{esc(expert['name'])}"]
    if expert.get("title"):
        lines.append(f"TITLE:{esc(expert['title'])}")
    org = ";".join(esc(p) for p in (expert.get("institution"), expert.get("department")) if p)
    if org:
        lines.append(f"ORG:{org}")
    if expert.get("email"):
        lines.append(f"EMAIL:{esc(expert['email'])}")
    if expert.get("phone"):
        lines.append(f"TEL:{esc(expert['phone'])}")
    if expert.get("profile_url"):
        lines.append(f"URL:{esc(expert['profile_url'])}")
    if expert.get("interests"):
        lines.append("NOTE:" + esc("Research interests: " + ", ".join(expert["interests"])))
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"
