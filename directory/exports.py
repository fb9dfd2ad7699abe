"""Exports: the export shape of an expert (also the API's, and what `directory import` reads), files a person
can open safely (CSV without formula injection, vCard), and the kept pages as WARC."""
import csv
import io

# The CSV columns, in order (README: "Exports"); internal ones such as `source` or `may_have_left` stay out.
CSV_COLUMNS = ("name", "title", "institution", "department", "country", "email", "phone", "profile_url",
               "interests", "source_urls", "first_seen", "last_verified", "id")
# A byte-order mark first: without it a spreadsheet reads UTF-8 as its local code page ("Ãlvarez").
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_row(expert: dict) -> dict:
    """The stable export / API shape of one expert."""
    return {
        "id": expert["id"], "name": expert["name"], "other_names": expert.get("other_names") or [],
        "title": expert.get("title"), "email": expert.get("email"),
        "phone": expert.get("phone"), "profile_url": expert.get("profile_url"),
        "photo_url": expert.get("photo_url"), "institution": expert.get("institution"),
        "country": expert.get("country"), "department": expert.get("department"),
        "interests": expert.get("interests", []), "source": (expert.get("sources") or [None])[0],
        "sources": expert.get("sources", []), "source_urls": expert.get("source_urls", []),
        "first_seen": expert.get("first_seen"), "last_verified": expert.get("last_verified"),
        "may_have_left": bool(expert.get("may_have_left")),
    }


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


def write_warc(output, pages):
    """The kept pages as a WARC file (ISO 28500, gzipped records), the web archives' own format: one response
    record a page, at the address it was read from and the time it was fetched. Bodies are the decoded text
    as extraction read it, so each is given as UTF-8."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    writer = WARCWriter(output, gzip=True)
    count = 0
    for url, final_url, fetched_at, headers, text in pages:
        content_type = (headers.get("content-type") or "text/html").split(";")[0]
        http_headers = StatusAndHeaders("200 OK", [("Content-Type", f"{content_type}; charset=utf-8")],
                                        protocol="HTTP/1.1")
        record = writer.create_warc_record(final_url, "response", payload=io.BytesIO(text.encode("utf-8")),
                                           http_headers=http_headers,
                                           warc_headers_dict={"WARC-Date": fetched_at.replace("+00:00", "Z")})
        writer.write_record(record)
        count += 1
    return count
