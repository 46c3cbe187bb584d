"""`make bench`: generate (or reuse) benchmark data on SQLite and PostgreSQL, time pages, API, import and
the reader on each, and write docs/performance.md with the machine the figures came from.

    .venv/bin/python benchmarks/run.py [--scale national|province|city] [--regenerate] [--databases sqlite,postgresql]

Generated data is kept (SQLite under data/bench/, PostgreSQL database duikou_bench for national scale,
duikou_bench_<scale> otherwise) and reused by the next run unless --regenerate is given.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import bounds  # benchmarks/bounds.py

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PG_SERVER = os.environ.get("DUIKOU_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")


def database_url(vendor: str, scale: str) -> str:
    if vendor == "sqlite":
        return f"sqlite:///{REPO / 'data' / 'bench' / f'{scale}.sqlite3'}"
    prefix = os.environ.get("DUIKOU_BENCH_DATABASE", "duikou_bench")
    return f"{PG_SERVER}/{prefix if scale == 'national' else f'{prefix}_{scale}'}"


def env_for(url: str) -> dict:
    env = {**os.environ, "DUIKOU_DATABASE_URL": url, "DUIKOU_DATA_DIR": str(REPO / "data" / "bench")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def run(args, env, *, check=True) -> subprocess.CompletedProcess:
    proc = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True)
    if check and proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"failed: {' '.join(map(str, args))}")
    return proc


def generated(url: str, scale: str) -> dict | None:
    """The GenerationRun of this scale in the database, if one completed."""
    code = (
        "import json, os, django\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'duikou.settings')\ndjango.setup()\n"
        "from duikou.scale.models import GenerationRun\n"
        f"r = GenerationRun.objects.filter(scale={scale!r}).order_by('-id').first()\n"
        "print(json.dumps(r and {'seconds': r.seconds, 'counts': r.counts}))"
    )
    proc = run([PYTHON, "-c", code], env_for(url), check=False)
    if proc.returncode != 0:
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def prepare(vendor: str, scale: str, regenerate: bool) -> dict:
    """Make sure the database holds generated data of this scale; returns its generation record."""
    url = database_url(vendor, scale)
    if not regenerate:
        found = generated(url, scale)
        if found:
            print(f"{vendor}: reusing {scale} data ({sum(found['counts'].values()):,} rows)", file=sys.stderr)
            return found
    if vendor == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    else:
        name = url.rsplit("/", 1)[1]
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    env = env_for(url)
    run([PYTHON, "-m", "duikou.cli", "migrate", "-v", "0"], env)
    print(f"{vendor}: generating {scale} data …", file=sys.stderr)
    started = time.monotonic()
    subprocess.run(
        [PYTHON, "-m", "duikou.cli", "generate", "--scale", scale, "--seed", "1"],
        env=env,
        cwd=REPO,
        check=True,
    )
    print(f"{vendor}: generated in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return generated(url, scale)


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    pg = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "show server_version"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    import sqlite3

    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(mem_kb / 2**20, 1),
        "cpu": cpu,
        "postgresql": pg,
        "sqlite": sqlite3.sqlite_version,
        "python": platform.python_version(),
    }


def other_script(name: str, env: dict) -> str | None:
    path = REPO / "benchmarks" / name
    if not path.exists():
        return None
    proc = subprocess.run([PYTHON, str(path)], env=env, cwd=REPO, capture_output=True, text=True)
    return (proc.stdout + (proc.stderr if proc.returncode else "")).strip()


def load_section(load: dict, cores: int) -> list[str]:
    broken = bounds.check_load(load, cores)
    point = load.get("saturation_users")
    lines = [
        "",
        "## Load",
        "",
        "Unit reporters (benchmarks/locustfile.py) thinking "
        f"{load.get('think_seconds')} s between requests, against `{load.get('server', 'duikou serve')}` on "
        f"{cores} cores (cache: {load.get('cache', 'per process')}); users raised step by step (benchmarks/load.py), each step judged after its first "
        f"{load.get('settle_seconds')} s. The saturation point is the step of highest throughput whose p95 stayed "
        f"under {bounds.LOAD_P95_MS:.0f} ms with no error; the bound is checked on it.",
        "",
        "| users | requests/s | median ms | p95 ms | errors |",
        "| ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| {s['users']} | {s['rps']} | {s['median_ms']} | {s['p95_ms']} | {s['failures']} |"
            + (" ← saturation point" if s["users"] == point else "")
            for s in load.get("steps", [])
        ),
        "",
        (
            f"Saturation point: {point} users, {load['throughput_rps']} requests/s on {cores} cores "
            f"({load['throughput_rps'] / max(1, cores):.1f} per core), p95 {load['p95_ms']} ms, "
            f"{load['errors']} errors"
            if point
            else "No step held the p95 bound"
        )
        + f"; reports accepted {load.get('reports_accepted')}, stored {load.get('reports_stored')}; "
        f"bound ≥ {bounds.LOAD_RPS_PER_CORE:.0f} requests/s per core, p95 < {bounds.LOAD_P95_MS:.0f} ms: "
        f"{'holds' if not broken else 'NOT held: ' + '; '.join(broken)}.",
        "",
    ]
    if load.get("per_request"):
        lines += [
            "At the saturation point, per request:" if point else "At the first step, per request:",
            "",
            "| request | requests | requests/s | median ms | p95 ms | errors |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
            *(
                f"| {name} | {r['requests']} | {r['rps']} | {r['median_ms']} | {r['p95_ms']} | {r['failures']} |"
                for name, r in load["per_request"].items()
            ),
            "",
        ]
    return [
        *lines,
        "```",
        json.dumps({k: v for k, v in load.items() if k != "per_request"}, ensure_ascii=False, indent=1),
        "```",
    ]


def replace_load_section(path: Path, load: dict, cores: int) -> None:
    """`--load-only`: the Load section of an existing report rewritten from a new load run, the rest kept."""
    text = path.read_text(encoding="utf-8")
    start = text.find("\n## Load\n")
    section = "\n".join(load_section(load, cores))
    if start < 0:
        text = text.rstrip("\n") + "\n" + section + "\n"
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end:] if end >= 0 else "\n")
    path.write_text(text, encoding="utf-8")


def write_report(
    path: Path, scale: str, info: dict, gens: dict, results: dict, extras: dict, load: dict | None
):
    lines = [
        "# Performance",
        "",
        "Produced by `make bench` (`benchmarks/run.py`); do not edit by hand — rerun it.",
        "",
        "How to run: `make bench` (national scale on SQLite and PostgreSQL, with the load test; the first run "
        "generates the data, later runs reuse it), or `.venv/bin/python benchmarks/run.py --scale city` for a quick "
        "look; `--databases postgresql` for one database; `DUIKOU_BENCH_DATABASE` names the PostgreSQL database. "
        "The run prints every case beside its floor and exits non-zero when a bound of `benchmarks/bounds.py` is "
        "passed. The load test raises its users step by step and holds the load bound at the saturation point: the "
        "step of highest throughput whose p95 stayed under the bound with no error (benchmarks/saturation.py).",
        "",
        f"Machine: {info['nproc']} cores ({info['cpu']}), {info['memory_gb']} GB memory, PostgreSQL {info['postgresql']},",
        f"SQLite {info['sqlite']}, Python {info['python']}. Run at {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        f"## Data ({scale} scale, `duikou generate --scale {scale} --seed 1`)",
        "",
        "| table | rows |",
        "| --- | ---: |",
    ]
    first = next(iter(gens.values()))
    for table, n in first["counts"].items():
        lines.append(f"| {table} | {n:,} |")
    lines += ["", "Generation time: " + ", ".join(f"{v} {g['seconds']:.0f} s" for v, g in gens.items()), ""]
    lines += [
        "## Pages, API, import and the national CSV",
        "",
        "Median and p95 of repeated requests through Django's test Client (no network). The floor of a page is "
        "the SELECTs it issued re-run bare on a cursor with every row fetched; of the import, the rows it wrote "
        "written again by one bare executemany per table; ratio = median / floor. Bounds: benchmarks/bounds.py.",
        "",
        "| case | database | median ms | p95 ms | queries | floor ms | ratio | bound | holds |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    names = list(next(iter(results.values()))["results"])
    for name in names:
        for vendor, res in results.items():
            r = res["results"].get(name, {})
            if "median_ms" not in r:
                lines.append(f"| {name} | {vendor} | — | — | — | — | — | {r.get('note', '')} | |")
                continue
            broken = bounds.check_case(name, r)
            lines.append(
                f"| {name} | {vendor} | {r['median_ms']} | {r['p95_ms']} | {r.get('queries', '')} | "
                f"{r.get('floor_ms', '')} | {r.get('ratio', '') or ''} | {bounds.bound_text(name)} | "
                f"{'yes' if not broken else 'NO: ' + '; '.join(broken)} |"
            )
    floors = {
        n: r["floor"]
        for res in results.values()
        for n, r in res["results"].items()
        if r.get("floor") and n in bounds.IMPORT_CASES
    }
    for name, text in floors.items():
        lines += ["", f"Floor of “{name}”: {text}."]
    if load:
        lines += load_section(load, info["nproc"])
    for title, text in extras.items():
        if text:
            lines += ["", f"## {title}", "", "```", text[-4000:], "```"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale",
        default=os.environ.get("DUIKOU_BENCH_SCALE", "province"),
        choices=["city", "province", "national"],
    )
    parser.add_argument("--regenerate", action="store_true", help="generate the data again even if present")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument(
        "--load", action="store_true", help="also run the locust load test against PostgreSQL"
    )
    parser.add_argument(
        "--load-only",
        action="store_true",
        help="run the load test alone and rewrite the Load section of the existing report",
    )
    parser.add_argument("--out", default=str(REPO / "docs" / "performance.md"))
    args = parser.parse_args(argv)
    if args.load_only:
        from load import run_load  # benchmarks/load.py

        load = run_load(env_for(database_url("postgresql", args.scale)))
        replace_load_section(Path(args.out), load, os.cpu_count() or 1)
        return 1 if print_summary({}, load, os.cpu_count() or 1) else 0
    vendors = [v for v in args.databases.split(",") if v]
    gens = {v: prepare(v, args.scale, args.regenerate) for v in vendors}
    if args.generate_only:
        return 0
    results = {}
    for vendor in vendors:
        print(f"{vendor}: timing pages …", file=sys.stderr)
        proc = run(
            [PYTHON, str(REPO / "benchmarks" / "pages_bench.py")], env_for(database_url(vendor, args.scale))
        )
        results[vendor] = json.loads(proc.stdout.strip().splitlines()[-1])
    extras = {
        "Reader throughput (benchmarks/reader_throughput.py)": other_script(
            "reader_throughput.py", os.environ.copy()
        ),
        # pages.py times every page on the demo data in a database of its own (never the bench database).
        "Every page on the demo data (benchmarks/pages.py)": other_script(
            "pages.py",
            {k: v for k, v in os.environ.items() if k not in ("DUIKOU_DATABASE_URL", "DUIKOU_DATA_DIR")},
        ),
    }
    load = None
    if args.load and "postgresql" in vendors:
        from load import run_load  # benchmarks/load.py

        load = run_load(env_for(database_url("postgresql", args.scale)))
    info = machine()
    write_report(Path(args.out), args.scale, info, gens, results, extras, load)
    print(f"wrote {args.out}", file=sys.stderr)
    failures = print_summary(results, load, info["nproc"])
    if failures:
        print(f"{failures} bound(s) passed (benchmarks/bounds.py)", file=sys.stderr)
        return 1
    return 0


def print_summary(results: dict, load: dict | None, cores: int) -> int:
    """Every case's time beside its floor and the ratio, and the bounds it passes; returns how many failed."""
    failures = 0
    print(f"{'case':<28} {'database':<10} {'median':>9} {'p95':>9} {'floor':>9} {'ratio':>7}  bound")
    for vendor, res in results.items():
        for name, r in res["results"].items():
            broken = bounds.check_case(name, r)
            if "median_ms" not in r:
                failures += bool(broken)
                print(f"{name:<28} {vendor:<10} {r.get('note', '')}{'  FAIL' if broken else ''}")
                continue
            failures += bool(broken)
            ratio = r.get("ratio")
            print(
                f"{name:<28} {vendor:<10} {r['median_ms']:>7.1f}ms {r['p95_ms']:>7.1f}ms "
                f"{r.get('floor_ms', 0):>7.1f}ms {(f'{ratio:.2f}' if ratio else '—'):>6}×  "
                f"{'ok' if not broken else 'FAIL ' + '; '.join(broken)}"
            )
    if load:
        broken = bounds.check_load(load, cores)
        failures += bool(broken)
        print(
            f"load (saturation point, {load.get('saturation_users')} users): {load['throughput_rps']} requests/s "
            f"({load['throughput_rps'] / max(1, cores):.1f}/core), p95 {load['p95_ms']} ms, {load['errors']} errors  "
            f"{'ok' if not broken else 'FAIL ' + '; '.join(broken)}"
        )
    return failures


if __name__ == "__main__":
    sys.exit(main())
