"""Reader throughput: MB of text per second on one core, and milliseconds per seed plan (not a test).

    .venv/bin/python benchmarks/reader_throughput.py [--runs 5] [--pdf] [--scan]

--pdf adds a 30-page text PDF (seeds 000+002+004 typed into Word with automatic numbering, exported by
LibreOffice; target < 10 s); --scan a 10-page scan of it read through OCR on one core (DUIKOU_OCR_THREADS=1;
target < 60 s), and scores the seed scans against the gold.

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
    parser.add_argument("--pdf", action="store_true", help="also time a 30-page text PDF")
    parser.add_argument("--scan", action="store_true", help="also time a 10-page scan through OCR (slow)")
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
    if args.pdf or args.scan:
        layout_cases(args.scan)


def layout_cases(scan: bool) -> None:
    """Seconds (CPU, one core) for a 30-page text PDF and, with scan, a 10-page scan through OCR."""
    import os
    import sys
    import tempfile

    os.environ.setdefault("DUIKOU_OCR_THREADS", "1")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "reader"))
    import renditions as make

    from duikou.reader.loaders import read_file

    table = Table(title="layout formats (CPU seconds, one core)")
    for column in ("input", "pages", "seconds", "target"):
        table.add_column(column)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        text = "\n".join(
            p.read_text(encoding="utf-8")
            for p in sorted(SEEDS.glob("*.txt"))
            if p.stem[:3] in ("000", "002", "004")
        )
        pdf = make.soffice_convert(make.make_docx(text, root / "long.docx"), "pdf", root)
        start = time.process_time()
        document = read_file(pdf)
        table.add_row("text PDF", str(document.pages), f"{time.process_time() - start:.1f}", "< 10")
        if scan:
            import pypdf

            reader, writer = pypdf.PdfReader(pdf), pypdf.PdfWriter()
            for page in reader.pages[:10]:
                writer.add_page(page)
            ten = root / "ten.pdf"
            with ten.open("wb") as handle:
                writer.write(handle)
            scanned = make.make_scan(ten, root / "scan.pdf", dpi=150, noise=True)
            start = time.process_time()
            document = read_file(
                scanned, progress=lambda done, total, what: print(f"{what} {done}/{total}", file=sys.stderr)
            )
            seconds = time.process_time() - start
            table.add_row(
                f"scan, OCR ({seconds / document.pages:.1f} s/page)",
                str(document.pages),
                f"{seconds:.1f}",
                "< 60",
            )
    Console().print(table)


if __name__ == "__main__":
    main()
