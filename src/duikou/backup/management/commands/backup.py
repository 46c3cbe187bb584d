"""`duikou backup FILE`: the whole database as a portable zip (restores into SQLite or PostgreSQL)."""

from pathlib import Path

from duikou.core.commands import DuikouCommand, UserError


class Command(DuikouCommand):
    help = "备份整个数据库为可移植的 zip 文件 / back up the whole database to a portable zip"
    example = "duikou backup data/duikou-2025-06-30.zip"

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件路径（.zip）/ backup file")

    def run(self, *args, file, **options):
        from duikou.backup.services import backup

        path = Path(file)
        if not path.parent.exists():
            raise UserError(f"{file}：目录 {path.parent} 不存在")
        with self.progress() as bar:
            task = bar.add_task("备份 / backup", total=None)
            manifest = backup(path, progress=lambda label, n: bar.update(task, description=label, advance=1))
        rows = sum(t["rows"] for t in manifest["tables"])
        return (
            f"backup written to {path}: {len(manifest['tables'])} tables, {rows} rows",
            {"file": str(path), "tables": len(manifest["tables"]), "rows": rows},
        )
