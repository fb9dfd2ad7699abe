"""Run the benchmarks and write their results to docs/BENCHMARKS.md."""
import sys

from bench import crawl, extract, index, recall, web
from bench.report import record

BENCHMARKS = {"crawl": crawl.run, "extract": extract.run, "index": index.run, "recall": recall.run, "web": web.run}


def main(names):
    for name in names or BENCHMARKS:
        if name not in BENCHMARKS:
            sys.exit(f"unknown benchmark {name!r}; known: {', '.join(BENCHMARKS)}")
        title, rows, notes = BENCHMARKS[name]()
        record(title, rows, notes)
        print(f"{title}: written to docs/BENCHMARKS.md")


if __name__ == "__main__":
    main(sys.argv[1:])
