"""Import and summarise a 30,000-row LinkedIn export (target: under 2 s and 200 MB).

    python benchmarks/bench_contacts.py [--rows 30000] [--repeats 3] [--vcards 5000]

Each measurement runs in a fresh process, so that the time includes importing the readers and
the peak RSS (ru_maxrss) is that of reading one file. Printed: the time to read the file, to
select and summarise the relevant contacts (`digest_contacts`), the first name lookup (which
builds the known-names index), the total, and the peak RSS and Python allocations. A vCard
file is measured too, for information. Python allocations are measured in one more run under
tracemalloc (which slows everything down several times).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SITUATION = (
    "I'm Priya, a data analyst at Contoso Retail for four years, moving into product "
    "management. My former manager Dana Okafor is now a group PM at Fabrikam."
)
TIME_TARGET_S = 2.0
MEMORY_TARGET_MIB = 200.0


def child(path: str, trace: bool) -> None:
    import resource
    import time
    import tracemalloc
    from datetime import date

    started = time.perf_counter()
    if trace:
        tracemalloc.start()
    from net_skill.contacts import digest_contacts, read_contacts

    imported = time.perf_counter()
    found = read_contacts(path)
    read = time.perf_counter()
    digest = digest_contacts([found], SITUATION, today=date(2026, 11, 25))
    digested = time.perf_counter()
    known = "Dana Okafor" in digest.known_names
    looked_up = time.perf_counter()
    _, peak = tracemalloc.get_traced_memory() if trace else (0, 0)
    result = {
        "rows": len(found.contacts) + found.skipped,
        "read": digest.read,
        "considered": digest.considered,
        "listed": len(digest.listed),
        "text_chars": len(digest.text),
        "known": known,
        "import_s": imported - started,
        "read_s": read - imported,
        "digest_s": digested - read,
        "lookup_s": looked_up - digested,
        "total_s": looked_up - started,
        "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "python_peak_mib": peak / 2**20,
    }
    sys.stdout.write(json.dumps(result) + "\n")


def measure(path: Path, *, trace: bool = False) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path), *(["--trace"] if trace else [])],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    data: dict[str, float] = json.loads(out.stdout)
    return data


def report(
    label: str, runs: list[dict[str, float]], traced: dict[str, float], *, targets: bool
) -> bool:
    median = {k: statistics.median(r[k] for r in runs) for k in runs[0] if k != "known"}
    first = runs[0]
    print(
        f"{label}: {int(first['rows']):,} rows -> {int(first['read']):,} people read, "
        f"{int(first['considered']):,} considered, {int(first['listed'])} listed "
        f"({int(first['text_chars']):,} characters)"
    )
    print(
        f"  median of {len(runs)}: read {median['read_s']:.3f} s, select and summarise "
        f"{median['digest_s']:.3f} s, first name lookup {median['lookup_s']:.3f} s, "
        f"imports {median['import_s']:.3f} s; total {median['total_s']:.3f} s"
    )
    print(
        f"  peak RSS {median['rss_mib']:.1f} MiB (interpreter included); Python allocations "
        f"peak {traced['python_peak_mib']:.1f} MiB (a separate run under tracemalloc)"
    )
    ok = median["total_s"] < TIME_TARGET_S and median["rss_mib"] < MEMORY_TARGET_MIB
    if targets:
        verdict = "OK" if ok else "MISSED"
        print(f"  target: < {TIME_TARGET_S} s and < {MEMORY_TARGET_MIB:.0f} MiB: {verdict}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--vcards", type=int, default=5_000)
    parser.add_argument("--child")
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.trace)
        return
    from tests.contacts_factory import linkedin_csv, vcards

    with tempfile.TemporaryDirectory(prefix="bench-contacts-") as folder:
        csv_path = Path(folder) / "Connections.csv"
        csv_path.write_text(linkedin_csv(args.rows), encoding="utf-8")
        size = csv_path.stat().st_size / 2**20
        ok = report(
            f"LinkedIn Connections.csv ({size:.1f} MiB)",
            [measure(csv_path) for _ in range(args.repeats)],
            measure(csv_path, trace=True),
            targets=True,
        )
        if args.vcards:
            vcf = Path(folder) / "contacts.vcf"
            vcf.write_text(vcards(args.vcards), encoding="utf-8")
            label = f"vCard 3.0 ({args.vcards:,} cards)"
            report(label, [measure(vcf)], measure(vcf, trace=True), targets=False)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
