"""Who is who: the identity keys of a record, which records are one person, and the keys an opt-out holds.

Pure functions over plain data; the store (the only writer of the database) calls them.

A record's *join keys* say which other records may be the same person:

- ``email:E`` an email in the domain of the site that states it (or of the same institution): joins anywhere;
- ``email:E<SEP>SOURCE`` any other email: joins within its source only (one site cannot vouch for another's);
- ``url:U`` a profile URL (cleaning, scrapers/clean.py, keeps only those on the stating page's own site): joins
  anywhere;
- ``name:N<SEP>SOURCE<SEP>INSTITUTION`` each form of the name: joins within the source, unless the two sides
  have different addresses of one kind (two people who share a name but not an email or profile stay two).

An address joins two sides only if their names could be one person's (``scrapers.record.could_be_one``):
differently named people who give one address (a department's email, a contact page) stay apart.

Which records are one person is recomputed from the records themselves (``group``), so a merge lasts only as
long as the records that make it, and a curator's "not the same person" (a split) is never joined over.
"""
import hashlib
from collections import defaultdict
from urllib.parse import urlsplit

from scrapers.record import any_could_be_one, normalise_email, normalise_name, urls_of

SEP = "\x1f"  # between a key's value and its scope; never in a normalised value
ADDRESS_KINDS = ("email", "url")


def digest(*parts):
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def host_of(url):
    try:
        return urlsplit(url or "").hostname
    except ValueError:
        return None


def names_of(person):
    """The person's name and its other forms, normalised, each once, the name first."""
    names = [normalise_name(n) for n in [person.get("name"), *(person.get("other_names") or [])]]
    return list(dict.fromkeys(n for n in names if n))


def join_keys(person, source_name, institution, trusted_email):
    """The join keys of one cleaned record (see the module docstring); ``trusted_email(email)`` says whether
    the stating site can vouch for the email."""
    keys, source_name = [], source_name.replace(SEP, " ")
    email = normalise_email(person.get("email"))
    if email:
        keys.append(f"email:{email}" if trusted_email(email) else f"email:{email}{SEP}{source_name}")
    keys += [f"url:{url}" for url in urls_of(person)]
    keys += [f"name:{name}{SEP}{source_name}{SEP}{normalise_name(institution)}" for name in names_of(person)]
    return list(dict.fromkeys(keys))


def mint_keys(person, source_name):
    """Keys an expert id can be made from (``digest(key)[:16]``), as ids have always been made: the record's
    email, else its profile URL, else its name in its source. The first is the record's own key."""
    keys = []
    if normalise_email(person.get("email")):
        keys.append("email:" + normalise_email(person["email"]))
    keys += ["url:" + url for url in urls_of(person)]
    keys += [f"name:{source_name}:{name}" for name in names_of(person)]
    return keys


def mint(key):
    return digest(key)[:16]


def suppression_keys(people):
    """{hashed key: kind} an opt-out of these records (one person) holds: every email, every profile and alias
    URL, and every form of the name at every institution they were listed at. No personal data is kept."""
    keys = {}
    institutions = {normalise_name(p.get("institution")) for p in people if p.get("institution")}
    for person in people:
        if normalise_email(person.get("email")):
            keys[digest("email", normalise_email(person["email"]))] = "email"
        for url in urls_of(person):
            keys[digest("profile_url", url)] = "profile_url"
    for name in {n for p in people for n in names_of(p)}:
        for institution in institutions:
            keys[digest("name", name, institution)] = "name"
    return keys


def key_kind(key):
    return key.partition(":")[0]


def key_value(key):
    return key.partition(":")[2].partition(SEP)[0]


def group(records, apart=None):
    """Which records are one person: [[record id, ...], ...], each list one person, in a fixed order.

    ``records`` maps a record id to (sort key, join keys), names among them; ``apart`` maps a record id to its
    split tags
    {(split id, side)}: records on the two sides of one split are never joined. Joins are tried key by key in
    a fixed order (addresses first, then names), so the answer depends on the records only, never on the
    order they arrived in.
    """
    apart = apart or {}
    order = sorted(records, key=lambda rid: records[rid][0])
    parent = {rid: rid for rid in order}
    tags = {rid: set(apart.get(rid, ())) for rid in order}
    addresses = {rid: {kind: {key_value(k) for k in records[rid][1] if key_kind(k) == kind}
                       for kind in (*ADDRESS_KINDS, "name")} for rid in order}

    def find(rid):
        while parent[rid] != rid:
            parent[rid] = parent[parent[rid]]
            rid = parent[rid]
        return rid

    def join(a, b, by_name):
        a, b = find(a), find(b)
        if a == b:
            return True
        if any((split, 1 - side) in tags[b] for split, side in tags[a]):
            return False
        if by_name and any(addresses[a][kind] and addresses[b][kind] and not addresses[a][kind] & addresses[b][kind]
                           for kind in ADDRESS_KINDS):
            return False  # namesakes with different emails (or profiles) are different people
        if not by_name and not any_could_be_one(addresses[a]["name"], addresses[b]["name"]):
            return False  # differently named people who give one address (a department's) are not one person
        parent[b] = a
        tags[a] |= tags[b]
        for kind in addresses[a]:
            addresses[a][kind] |= addresses[b][kind]
        return True

    holders = defaultdict(list)
    for rid in order:
        for key in records[rid][1]:
            holders[key].append(rid)
    for key in sorted(holders, key=lambda k: (key_kind(k) == "name", k)):
        by_name, heads = key_kind(key) == "name", []
        for rid in holders[key]:
            if not any(join(head, rid, by_name) for head in heads):
                heads.append(rid)
    groups = defaultdict(list)
    for rid in order:
        groups[find(rid)].append(rid)
    return list(groups.values())
