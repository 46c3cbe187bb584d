"""`duikou backup` / `duikou restore` reproduce a database exactly, SQLite → PostgreSQL → SQLite included."""

import json
import zipfile

import pytest
from conftest import postgres_server_url

CHECKSUMS = """
from duikou.backup.services import checksums
print(json.dumps(checksums()))
"""


def test_backup_restore_round_trip_across_databases(scratch):
    if postgres_server_url() is None:
        pytest.skip("PostgreSQL server not reachable")
    source = scratch("sqlite")
    source.duikou("generate", "--scale", "city", "--seed", "11")
    # Rows written through the ORM too: change-log entries, a user, JSON and binary fields.
    source.query(
        "from duikou.plans.models import Task\nfrom duikou.accounts.models import User\n"
        "t = Task.objects.order_by('pk').first(); t.status = 'completed'; t.save()\n"
        "User.objects.create_user('备份测试', password='Duikou-test-2026', role='auditor')\n"
        "print(json.dumps(1))"
    )
    original = source.query(CHECKSUMS)
    assert original["plans.task"]["rows"] == 500 and original["core.changelog"]["rows"] >= 2

    first = source.tmp / "one.zip"
    source.duikou("backup", str(first))
    with zipfile.ZipFile(first) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert {t["table"]: t["rows"] for t in manifest["tables"]} == {k: v["rows"] for k, v in original.items()}

    pg = scratch("postgresql")
    out = pg.duikou("restore", str(first), "--json")
    assert json.loads(out.stdout.strip().splitlines()[-1])["verified"] is True
    assert pg.query(CHECKSUMS) == original

    second = pg.tmp / "two.zip"
    pg.duikou("backup", str(second))
    back = scratch("sqlite")
    back.duikou("restore", str(second))
    assert back.query(CHECKSUMS) == original

    # The restored database works on: new rows get fresh ids, not ones the backup used.
    new_id = pg.query(
        "from duikou.programs.models import Program\n"
        "print(json.dumps(Program.objects.create(name='恢复后新建').pk))"
    )
    assert new_id > max(1, original["programs.program"]["rows"])


def test_restore_refuses_a_non_empty_database_and_a_broken_file(scratch):
    db = scratch()
    db.duikou("generate", "--scale", "city", "--seed", "12")
    archive = db.tmp / "b.zip"
    db.duikou("backup", str(archive))
    before = db.query(CHECKSUMS)

    refused = db.duikou("restore", str(archive), check=False)
    assert refused.returncode == 1
    assert "不是空库" in refused.stderr and refused.stderr.strip().count("\n") == 0

    broken = db.tmp / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    refused = db.duikou("restore", str(broken), check=False)
    assert refused.returncode == 1 and "broken.zip" in refused.stderr
    assert db.query(CHECKSUMS) == before


def test_restore_with_a_tampered_table_stores_nothing(scratch):
    source = scratch()
    source.duikou("generate", "--scale", "city", "--seed", "13")
    archive = source.tmp / "b.zip"
    source.duikou("backup", str(archive))
    tampered = source.tmp / "t.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "tables/plans.task.jsonl":
                data = data.replace("推进".encode(), "推动".encode(), 1)
            dst.writestr(item, data)
    target = scratch()
    refused = target.duikou("restore", str(tampered), check=False)
    assert refused.returncode == 1 and "plans.task" in refused.stderr
    counts = target.query(
        "from duikou.plans.models import Task\nfrom duikou.organizations.models import Organization\n"
        "print(json.dumps([Task.objects.count(), Organization.objects.count()]))"
    )
    assert counts == [0, 0]


EVIDENCE = """
import hashlib
from django.core.files.base import ContentFile
from duikou.organizations.models import Organization
from duikou.programs.models import Program
from duikou.reports.models import Evidence, Report
org = Organization.objects.create(name='马尾区', full_name='福建省福州市马尾区（备份测试）')
report = Report.objects.create(program=Program.objects.create(name='备份文件测试'), organization=org, period='2025-06')
body = b'%PDF-1.4 evidence ' * 1000
e = Evidence(report=report, original_name='佐证.pdf', content_type='application/pdf', size=len(body),
             sha256=hashlib.sha256(body).hexdigest())
e.file.save('evidence.pdf', ContentFile(body))
print(json.dumps(e.file.name))
"""
READ_EVIDENCE = """
import hashlib
from duikou.reports.models import Evidence
e = Evidence.objects.get()
print(json.dumps(hashlib.sha256(e.file.read()).hexdigest() == e.sha256))
"""


def test_backup_carries_the_evidence_files_checksummed(scratch):
    source = scratch()
    name = source.query(EVIDENCE)
    archive = source.tmp / "with-files.zip"
    out = source.duikou("backup", str(archive), "--json")
    assert json.loads(out.stdout.strip().splitlines()[-1])["files"] == 1
    with zipfile.ZipFile(archive) as z:
        manifest = json.loads(z.read("manifest.json"))
        assert [f["name"] for f in manifest["files"]] == [name] and f"files/{name}" in z.namelist()

    target = scratch()
    target.duikou("restore", str(archive))
    assert target.query(READ_EVIDENCE) is True

    # A file altered inside the backup: the restore stores nothing, tables included, and leaves no file behind.
    tampered = source.tmp / "tampered.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(
                item, data.replace(b"evidence", b"EVIDENCE", 1) if item.filename == f"files/{name}" else data
            )
    third = scratch()
    refused = third.duikou("restore", str(tampered), check=False)
    assert refused.returncode == 1 and name in refused.stderr
    assert (
        third.query("from duikou.reports.models import Evidence\nprint(json.dumps(Evidence.objects.count()))")
        == 0
    )
    assert not (third.tmp / "data" / "files" / name).exists()
