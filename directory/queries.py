"""A search as the site and the API see it: validated parameters in, display rows out."""
from dataclasses import dataclass
from functools import cache

from flask import current_app

from directory import countries, thesaurus
from directory.db import get_index, get_store
from directory.languages import detect_language
from directory.search import IndexUnavailable, QueryError, sentences, terms_of
from directory.search import highlight as matched_parts
from directory.search.analysis import initialisms

QUERY_LANGUAGE_SURE = 0.8  # a query's language is guessed from few words: below this, English labels


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    country: str = None
    region: str = None
    page: int = 1
    per_page: int = 20
    sort: str = "relevance"
    topic: str = None
    institution: str = None
    expand: bool = True

    @classmethod
    def from_args(cls, args):
        """Validate request arguments; raises QueryError with a message for the person searching."""
        config = current_app.config
        q = (args.get("q") or "").strip()
        if len(q) > config["MAX_QUERY_LENGTH"]:
            raise QueryError(f"The search is too long: use at most {config['MAX_QUERY_LENGTH']} characters.")
        country = (args.get("country") or "").strip().upper() or None
        if country and not countries.is_country(country):
            raise QueryError(f"Unknown country code {country!r}: use a two-letter ISO code such as GB or DE.")
        region = (args.get("region") or "").strip().lower() or None
        if region and region not in countries.region_labels():
            raise QueryError(f"Unknown region {region!r}: use one of {', '.join(countries.region_labels())}.")
        page = whole_number(args.get("page"), "page", 1, config["MAX_PAGE"], 1)
        per_page = whole_number(args.get("per_page"), "per_page", 1, config["MAX_PER_PAGE"], config["PER_PAGE"])
        sort = args.get("sort") or "relevance"
        if sort not in ("relevance", "recent", "changed"):
            raise QueryError("sort must be 'relevance', 'recent' (last checked) or 'changed' (last changed).")
        topic = (args.get("topic") or "").strip() or None
        if topic and topic not in {c.id for c in thesaurus.concepts()}:
            raise QueryError(f"Unknown topic {topic!r}.")
        institution = (args.get("institution") or "").strip() or None
        if institution and len(institution) > config["MAX_QUERY_LENGTH"]:
            raise QueryError(f"The institution name is too long: use at most {config['MAX_QUERY_LENGTH']} characters.")
        expand = (args.get("expand") or "1") not in ("0", "false", "off", "no")
        return cls(q=q, country=country, region=region, page=page, per_page=per_page, sort=sort, topic=topic,
                   institution=institution, expand=expand)

    def args(self, **changes):
        """URL arguments for this search with some changed (for links); empty ones left out."""
        values = {"q": self.q, "country": self.country, "region": self.region, "topic": self.topic,
                  "institution": self.institution, "page": self.page, "sort": self.sort,
                  "expand": None if self.expand else "0", **changes}
        if values.get("page") == 1:
            values.pop("page")
        if values.get("sort") == "relevance":
            values.pop("sort")
        return {k: v for k, v in values.items() if v not in (None, "")}


def whole_number(value, name, low, high, default):
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise QueryError(f"{name} must be a whole number.") from None
    if not low <= number <= high:
        raise QueryError(f"{name} must be between {low} and {high}.")
    return number


def perform(request, highlight=True):
    """Run a search: ids and scores from the index, rows for display from the store, and with ``highlight``
    each interest in its (text, matched) parts, which templates/_marks.html marks up. The answer is remembered
    until the index changes (every change to a displayed row reaches the index), so a popular search costs a
    look-up; callers must not change it."""
    hide = current_app.config["HIDE_MAY_HAVE_LEFT"]
    return get_index().remembered(("search", request, hide, highlight), lambda: _perform(request, hide, highlight))


def _perform(request, hide, highlight):
    expansions = thesaurus.expand(request.q) if request.expand and request.q else []
    extra = thesaurus.expansion_groups(request.q) if request.expand and request.q else ()
    # (A dictionary's concept is no topic of the firm's: it is searched only where their words find few profiles.)
    topics = tuple(e.concept.id for e in expansions if e.concept.field not in thesaurus.VOCABULARIES and not e.fallback)
    results = get_index().search(request.q, country=request.country, region=request.region, topic=request.topic,
                                 institution=request.institution, page=request.page, per_page=request.per_page,
                                 sort=request.sort, hide=hide, expansions=extra, known=thesaurus.knows, concepts=topics,
                                 by_meaning=request.expand)
    experts = get_store().experts([i for i, _score in results.hits])
    scores = dict(results.hits)
    for expert in experts:
        expert["score"] = round(scores[expert["id"]], 4) if scores.get(expert["id"]) is not None else None
    # A dictionary's meanings are highlighted only where the search used them (they are then among its terms).
    terms = set(results.terms).union(*(terms_of(label.text) for _named, labels in extra for label in labels
                                       if not label.meaning))
    # "Also searched" names a dictionary's concept only where the search used it: the firm's words there found
    # few profiles, so their meanings were searched, and some profile holds one of its labels.
    expansions = [e for e in expansions if not e.fallback or e.matched in results.meant
                  and any(terms_of(term) & results.terms for term in e.concept.terms())]
    language = query_language(request.q, expansions) if request.q else None
    for expert in experts:
        topic = concepts_by_id().get(results.alike.get(expert["id"]))  # (none if the thesaurus lost it since)
        expert["alike"] = topic.label_in(language or "en") if topic else None
        expert["why"] = (shared_topic(expert, topic, expert["alike"]) if topic
                         else why(expert, terms, expansions, language, results.near, results.initials) if request.q
                         else [])
        if highlight:
            expert["highlighted"] = [matched_parts(phrase, terms) for phrase in expert["interests"]]
            expert["concept_of"] = {reason["interest"]: reason.get("concept") or reason["initials"]
                                    for reason in expert["why"] if reason.get("concept") or reason.get("initials")}
            expert["near"] = {reason["interest"] for reason in expert["why"] if reason.get("near")}
            # The interests that say why it matched, then the others: for views that show only a few of them.
            telling = {reason["interest"] for reason in expert["why"] if reason.get("interest")}
            expert["telling_first"] = sorted(range(len(expert["interests"])),
                                             key=lambda n: expert["interests"][n] not in telling)
    related = thesaurus.related(request.q, topic_counts()) if not results.matched and request.q else []
    return {"total": results.total, "experts": experts, "facets": results.facets, "expansions": expansions,
            "suggestion": results.suggestion, "related": related, "matched": results.matched,
            "alike_total": results.alike_total}


def query_language(q, expansions):
    """The firm's language: told from its words when they say it clearly, else that of the label its words
    matched ("Batterien" is German), else None."""
    told = detect_language(q, sure=QUERY_LANGUAGE_SURE)
    labelled = [e.concept.language_of(e.matched) for e in expansions]
    return told or next((language for language in labelled if language), None)


def why(expert, terms, expansions, language, near=frozenset(), initials=frozenset()):
    """Why ``expert`` matched: [{"interest": an interest that matched, "concept": the concept of the query it
    is about, in the firm's ``language`` where the vocabulary has it (None when the interest already says
    it so), "near": whether it is one of the interests ``near`` the words in meaning that matched for no word
    of them, "initials": the initialism of it that the firm wrote, one of ``initials``, where it did}], or,
    when no interest matched, [{"field": the other field that did, "text": its text}]."""
    named = {e.concept.id: e.concept for e in expansions}
    reasons = []
    for interest in expert["interests"]:
        concepts = [c for c in thesaurus.concepts_in(interest) if c.id in named] if named else []
        label = concepts[0].label_in(language or "en") if concepts else None
        if label and label.casefold() in interest.casefold():
            label = None  # the interest says it in the firm's words already
        written = sorted(initialisms(interest) & initials)  # the firm wrote its initials
        if label or written or any(hit for _text, hit in matched_parts(interest, terms)):
            reasons.append({"interest": interest, "concept": label, **({"initials": written[0].upper()} if written
                                                                           else {})})
        elif sentences.kept_as(interest) in near:
            reasons.append({"interest": interest, "concept": None, "near": True})
    if not reasons:
        reasons = [{"field": field, "text": expert[field]} for field in ("title", "department", "name", "institution")
                   if expert.get(field) and any(hit for _text, hit in matched_parts(expert[field], terms))][:1]
    return reasons


def shared_topic(expert, topic, label):
    """Why ``expert`` follows the few profiles that hold the firm's words, as ``why`` says it: its interest on the
    concept ``topic`` they share (``label``: in the firm's language), or its title, which names it."""
    for interest in expert["interests"]:
        if topic.id in thesaurus.topics_of([interest]):
            return [{"interest": interest, "concept": label}]
    title = expert.get("title") or ""
    return [{"field": "title", "text": title}] if topic.id in thesaurus.topics_of([title]) else []


@cache
def concepts_by_id():
    """{topic id: its concept} for every topic of the thesaurus."""
    return {c.id: c for c in thesaurus.concepts()}


def country_counts():
    """{country code: experts a search finds}, largest first: every page that counts by country shows these
    numbers, so that a country's count is what choosing it finds. From the index (counted once per index
    version); from the store while the index is unavailable."""
    try:
        return get_index().coverage(hide=current_app.config["HIDE_MAY_HAVE_LEFT"])
    except IndexUnavailable:
        return get_store().country_counts()


@cache
def topic_names():
    """{topic id: its name} for every topic of the thesaurus."""
    return {topic: concept.name for topic, concept in concepts_by_id().items()}


def topic_counts():
    """{topic id: experts a search finds}, largest first (a search for everything, so remembered like one)."""
    return perform(SearchRequest(per_page=1), highlight=False)["facets"].get("topic", {})


def institution_counts(country=None, limit=100, offset=0):
    """[(institution, country, experts a search finds)], most first (from the store: it knows each one's country)."""
    return get_store().institution_counts(country, limit, offset, hide=current_app.config["HIDE_MAY_HAVE_LEFT"])
