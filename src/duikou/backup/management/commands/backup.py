"""`duikou backup FILE`: the whole database as a portable zip (restores into SQLite or PostgreSQL)."""

from pathlib import Path

from django.utils.translation import gettext as _

from duikou.core.commands import DuikouCommand, UserError


class Command(DuikouCommand):
    help = "备份整个数据库为可移植的 zip 文件 / back up the whole database to a portable zip"
    example = "duikou backup data/duikou-2025-06-30.zip"
    exports_data = True

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件路径（.zip）/ backup file")

    def run(self, *args, file, **options):
        from duikou.backup.services import backup

        path = Path(file)
        if not path.parent.exists():
            raise UserError(_("%(file)s：目录 %(folder)s 不存在") % {"file": file, "folder": path.parent})
        with self.progress() as bar:
            task = bar.add_task("备份 / backup", total=None)
            manifest = backup(path, progress=lambda label, n: bar.update(task, description=label, advance=1))
        rows = sum(t["rows"] for t in manifest["tables"])
        files, missing = manifest["files"], manifest["missing_files"]
        for name in missing:
            self.stderr.write(_("警告：数据库记录的文件 %(name)s 在磁盘上不存在，未备份") % {"name": name})
        return (
            f"backup written to {path}: {len(manifest['tables'])} tables, {rows} rows, "
            f"{len(files)} files ({sum(f['size'] for f in files)} bytes, SHA-256 checked on restore)"
            + (f", {len(missing)} files missing" if missing else ""),
            {
                "file": str(path),
                "tables": len(manifest["tables"]),
                "rows": rows,
                "files": len(files),
                "missing_files": missing,
            },
        )
