"""Benchmark: import a generated 1,000,000-row clock CSV (FORMATS §3); rows/s and peak RSS."""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from attendance.importers import import_clock_events

KINDS = ("in", "break_out", "break_in", "out")


def write_clock_file(path: Path, rows: int) -> None:
    """Write `rows` valid clock events for 2,000 agents on 20 kiosks."""
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as out:
        out.write("event_id,employee_code,timestamp,kind,device\n")
        for n in range(rows):
            at = (start + timedelta(seconds=7 * n)).isoformat()
            out.write(f"ev-{n:09d},A{n % 2000:04d},{at},{KINDS[n % 4]},kiosk-{n % 20}\n")


def write_shift_file(path: Path, rows: int, agents: int = 2000) -> int:
    """Write `rows` events of day shifts (08:00–17:00 UTC from 2026-11-01): an in and an out
    per agent and day, the in from 20 min early to 48 min late (about half the shifts get a
    D-1 or D-2 line), the out up to 24 min after the end; ten agents per kiosk, 61 s apart,
    so no proxy-punching pairs (A-6). Returns the number of days."""
    first = datetime(2026, 11, 1, tzinfo=UTC)
    days = -(-rows // (2 * agents))
    written = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("event_id,employee_code,timestamp,kind,device\n")
        for day in range(days):
            for n in range(agents):
                queue = timedelta(seconds=61 * (n % 10))
                group = n // 10  # the ten agents at one kiosk arrive and leave together
                late = (group * 7 + day * 11) % 60 - 20
                start = first + timedelta(days=day, hours=8, minutes=late) + queue
                end = first + timedelta(days=day, hours=17, minutes=(group + day) % 15) + queue
                for kind, at in (("in", start), ("out", end)):
                    if written < rows:
                        out.write(f"sh-{written:09d},A{n:04d},{at.isoformat()},{kind},"
                                  f"kiosk-{group}\n")  # fmt: skip
                        written += 1
    return days


def main() -> None:
    """Generate the file in a temp dir, import it, print rows/s and peak RSS."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.csv"
        write_clock_file(path, rows)
        began = time.perf_counter()
        events = import_clock_events(str(path))
        seconds = time.perf_counter() - began
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(events):,} rows in {seconds:.1f} s = {len(events) / seconds:,.0f} rows/s; "
          f"peak RSS {peak_mib:,.0f} MiB")  # fmt: skip
    sys.exit(0 if len(events) == rows else 1)


if __name__ == "__main__":
    main()
