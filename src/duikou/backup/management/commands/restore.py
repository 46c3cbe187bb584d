"""`duikou restore FILE`: load a backup into an empty migrated database, verified, in one transaction."""

from duikou.core.commands import DuikouCommand, UserError
from duikou.core.errors import InputError


class Command(DuikouCommand):
    help = "从备份恢复到空数据库（校验行数与摘要）/ restore a backup into an empty migrated database"
    example = "duikou migrate && duikou restore data/duikou-2025-06-30.zip"

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件（.zip）/ backup file")

    def run(self, *args, file, **options):
        from duikou.backup.services import restore

        with self.progress() as bar:
            task = bar.add_task("恢复 / restore", total=None)
            try:
                manifest = restore(
                    file, progress=lambda label, n: bar.update(task, description=label, advance=1)
                )
            except InputError as exc:
                raise UserError(str(exc)) from None
        rows = sum(t["rows"] for t in manifest["tables"])
        return (
            f"restored {file}: {len(manifest['tables'])} tables, {rows} rows, every checksum verified",
            {"file": file, "tables": len(manifest["tables"]), "rows": rows, "verified": True},
        )
