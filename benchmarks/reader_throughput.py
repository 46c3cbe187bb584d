"""Reader throughput: MB of text per second on one core, and milliseconds per seed plan (not a test).

    .venv/bin/python benchmarks/reader_throughput.py [--runs 5]

Each figure is the median of several runs. The large-input row reads all seeds concatenated many times
over, so anything quadratic in text length shows up as a falling MB/s.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from duikou.reader import extract_text

SEEDS = Path(__file__).resolve().parents[1] / "examples" / "plans"


def median_seconds(text: str, runs: int) -> float:
    """Median wall time of extract_text over several runs."""
    times = []
    for _ in range(runs):
        start = time.process_time()  # CPU time: the figure stays fair on a busy machine
        extract_text(text)
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Reader throughput benchmark. Example: python benchmarks/reader_throughput.py --runs 5"
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (the median is reported)")
    args = parser.parse_args()
    seeds = {path.stem[:3]: path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))}

    table = Table(title=f"duikou reader throughput (median of {args.runs} runs, one core)")
    for column in ("input", "size (KB)", "ms", "MB/s"):
        table.add_column(column, justify="right" if column != "input" else "left")
    for name, text in seeds.items():
        size = len(text.encode("utf-8"))
        seconds = median_seconds(text, args.runs)
        table.add_row(
            f"seed {name}", f"{size / 1024:.1f}", f"{seconds * 1000:.1f}", f"{size / seconds / 1e6:.2f}"
        )
    corpus = "\n".join(seeds.values())
    for copies in (1, 8, 32):
        # every copy's lines carry their own mark so that repeated-page removal cannot shrink the input
        text = "\n".join(
            f"{line}（{i}）" for i in range(copies) for line in corpus.splitlines() if line.strip()
        )
        size = len(text.encode("utf-8"))
        seconds = median_seconds(text, max(1, args.runs // (2 if copies > 8 else 1)))
        table.add_row(
            f"all seeds ×{copies}",
            f"{size / 1024:.1f}",
            f"{seconds * 1000:.1f}",
            f"{size / seconds / 1e6:.2f}",
        )
    Console().print(table)


if __name__ == "__main__":
    main()
