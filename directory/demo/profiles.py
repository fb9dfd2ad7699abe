"""A deterministic generator of realistic expert profiles (no real people), for the benchmarks and the tests of the
fast query path."""
import random

from directory import thesaurus

FIRST = ("Ana Ben Chen Dara Elif Femi Gita Hana Ivan Jana Kofi Lena Malik Nora Omar Priya Quinn Rosa Sven Tara "
         "Umar Vera Wei Xin Yuki Zara Aiko Bram Carla Diego").split()
LAST = ("Smith Müller García Wang Kumar Okafor Rossi Novak Silva Tanaka Kim Nguyen Cohen Larsen Dubois Ivanova "
        "Haddad Moreau Fischer Santos Jensen Lopez Sato Yilmaz Mensah Patel Kowalski Andersson Byrne Costa").split()
TITLES = ["Professor", "Associate Professor", "Senior Lecturer", "Lecturer", "Reader", "Research Fellow",
          "Postdoctoral Researcher", "Assistant Professor"]
COUNTRIES = ["GB"] * 6 + ["DE"] * 4 + ["US"] * 5 + ["CN"] * 4 + ["FR", "IT", "ES", "NL", "JP", "IN", "BR", "KR",
                                                                    "AU", "CA", "SE", "CH", "PL", "ZA", "MX", "CL"]
BIO = ("works with industry partners on applied projects, leads a research group, supervises doctoral students "
       "and has published widely on these topics in international journals")


def profiles(count, seed=2010, specific=0.0):
    """``count`` profiles as the store gives them: name, title, department, institution, country, 3-8 interests
    (a ``specific`` share of them made specific by another label), a bio on 40%, and their language (English:
    the store keeps the language it tells from their words)."""
    rng = random.Random(seed)
    labels = [term for concept in thesaurus.concepts() for term in concept.labels["en"]]
    for n in range(count):
        country = rng.choice(COUNTRIES)
        interests = rng.sample(labels, rng.randint(3, 8))
        if specific:
            interests = [f"{interest} in {rng.choice(labels).lower()}" if rng.random() < specific else interest
                         for interest in interests]
        yield {
            "id": f"b{n:07d}", "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "title": rng.choice(TITLES),
            "department": f"Department of {rng.choice(labels).title()}", "institution": f"University {n % 4000}",
            "country": country, "interests": interests + ([f"{rng.choice(FIRST)} {BIO}"] if rng.random() < 0.4 else []),
            "language": "en", "last_verified": "2026-11-01T00:00:00+00:00", "last_changed": "2026-11-01T00:00:00+00:00",
        }


def generated_queries(count=48, seed=5):
    """Topic words from the thesaurus, each with a country (deterministic)."""
    rng = random.Random(seed)
    labels = [term for concept in thesaurus.concepts() for term in concept.labels["en"]]
    return [(rng.choice(labels), rng.choice(COUNTRIES)) for _ in range(count)]


QUERIES = [("enzymes", "GB"), ("injection moulding", "DE"), ("batteries", "CN"), ("food preservation", "US"),
           ("machine learning", "GB"), ("corrosion", "JP"), ("water treatment", "IN"), ("solar energy", "ES"),
           ("robotics", "KR"), ("composites", "FR"), ("wind energy", "NL"),
           ("fermentation", "IT")] + generated_queries()
