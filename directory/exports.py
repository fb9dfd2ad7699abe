"""Exports a person can open safely: CSV without formula injection, vCard."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A CSV cell that a spreadsheet will never run as a formula."""
    text = "; ".join(value) if isinstance(value, list) else ("" if value is None else str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_row(row):
    return {key: csv_cell(value) for key, value in row.items()}


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
