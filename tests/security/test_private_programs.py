"""Hole 10: an imported program is private — its payments, task status and budgets are not open data — until the
office publishes it, and publishing is in the change log."""

import json

import pytest
from django.test import Client

from duikou.core import permissions as perms

SMALL = {
    "schema": "duikou.plan/1",
    "title": "2024年内部协作工作要点",
    "doc_number": "内〔2024〕1号",
    "issuer": "福州市人民政府",
    "issued_on": "2024-03-01",
    "period": {"start_year": 2024, "end_year": 2024},
    "donors": ["福州市"],
    "recipients": ["固原市"],
    "pairings": [{"donor": "马尾区", "recipient": "西吉县"}],
    "funding": [{"source": "福州市", "year": 2024, "amount_yuan": 1000000, "text": "安排100万元"}],
    "targets": [],
    "tasks": [
        {
            "number": "1",
            "path": ["一", "1"],
            "title": "内部任务",
            "text": "内部任务",
            "lead_units": ["马尾区"],
            "support_units": [],
            "deadline": "",
            "due": "2024-07-31",
        }
    ],
}


@pytest.mark.django_db
def test_an_imported_program_is_private_until_published(make_user):
    from duikou.core.models import ChangeLog
    from duikou.plans.importer import import_plan_data

    office = make_user("office", perms.OFFICE_ADMIN)
    program = import_plan_data(
        SMALL, source_bytes=json.dumps(SMALL).encode(), source_name="s.json", user=office
    ).plan.program
    public = Client()
    assert program.is_public is False
    assert public.get(f"/open/programs/{program.pk}/").status_code == 404
    for dataset in ("tasks", "funds", "projects"):
        assert public.get(f"/open/programs/{program.pk}/{dataset}.csv").status_code == 404
        national = b"".join(public.get(f"/open/{dataset}.csv").streaming_content).decode("utf-8-sig")
        assert "内部任务" not in national
    assert program.name not in public.get("/open/").content.decode()

    api = Client()
    api.force_login(office)
    assert api.post(f"/api/programs/{program.pk}/publish").status_code == 200
    assert public.get(f"/open/programs/{program.pk}/").status_code == 200
    assert "内部任务" in public.get(f"/open/programs/{program.pk}/tasks.csv").content.decode("utf-8-sig")
    entry = ChangeLog.objects.filter(
        object_id=str(program.pk), action="update", content_type__model="program"
    ).first()  # the newest
    assert (
        entry.user_id == office.pk and entry.after["is_public"] is True and entry.before["is_public"] is False
    )


@pytest.mark.django_db
def test_only_the_office_publishes(world):
    client = Client()
    for role in ("reporter_a", perms.RECIPIENT_VIEWER, perms.AUDITOR, perms.LEADER):
        client.force_login(world.users[role])
        assert client.post(f"/api/programs/{world.program.pk}/publish").status_code in (403, 404), role
    world.program.refresh_from_db()
    assert world.program.is_public is False


@pytest.mark.django_db
def test_the_migration_keeps_only_explicitly_published_programs():
    from importlib import import_module

    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from duikou.core.models import ChangeLog
    from duikou.programs.models import Program

    migration = import_module("duikou.programs.migrations.0003_programs_private_until_published")
    by_default = Program.objects.create(name="默认公开的协作", is_public=True)
    chosen = Program.objects.create(name="办公室发布的协作", is_public=True)
    ChangeLog.objects.all().delete()
    ChangeLog.objects.create(
        request_id="r",
        action="update",
        content_type=ContentType.objects.get_for_model(Program),
        object_id=str(chosen.pk),
        object_repr=chosen.name,
        before={"is_public": False},
        after={"is_public": True},
    )
    migration.private_unless_published(apps, None)
    by_default.refresh_from_db()
    chosen.refresh_from_db()
    assert (by_default.is_public, chosen.is_public) == (False, True)
    assert ChangeLog.objects.filter(object_id=str(by_default.pk), source="migration").exists()
