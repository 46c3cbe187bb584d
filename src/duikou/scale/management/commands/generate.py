"""`duikou generate`: seeded national, province or city scale data for benchmarks and load tests."""

import time

from duikou.core.commands import DuikouCommand, UserError
from duikou.scale.generator import SCALES, generate


class Command(DuikouCommand):
    help = "生成规模化测试数据（城市/省/全国）/ generate seeded data at city, province or national scale"
    example = "duikou generate --scale city --seed 7"

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="city", help="city | province | national（默认 city）")
        parser.add_argument(
            "--seed", type=int, default=1, help="随机种子，相同种子生成相同数据 / random seed"
        )

    def run(self, *args, scale, seed, **options):
        if scale not in SCALES:
            raise UserError(f"--scale {scale}：未知规模，可选 {', '.join(SCALES)}")
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        started = time.monotonic()
        console = Console(stderr=True)
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.completed:,} 行"),
            TextColumn("{task.fields[note]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as bar:
            tasks = {}

            def progress(name, n, note=""):
                key = str(name)
                if key not in tasks:
                    tasks[key] = bar.add_task(key, total=None, note="")
                bar.update(tasks[key], advance=n, note=note)

            counts = generate(scale, seed=seed, progress=progress)
        seconds = time.monotonic() - started
        total = sum(counts.values())
        return (
            f"generated {scale} scale (seed {seed}): {total:,} rows in {seconds:.1f} s "
            + ", ".join(f"{k} {v:,}" for k, v in counts.items()),
            {"scale": scale, "seed": seed, "rows": total, "seconds": round(seconds, 2), "counts": counts},
        )
