import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from duikou.core.actor import acting_as
from duikou.core.models import ChangeLog, StaleEditError
from duikou.core.periods import MONTH, QUARTER, YEAR, Period
from duikou.plans.models import Plan, Task
from duikou.programs.models import Program


@pytest.mark.parametrize(
    "text,kind,start,end,label",
    [
        ("2023-07", MONTH, dt.date(2023, 7, 1), dt.date(2023, 7, 31), "2023年7月"),
        ("2024-02", MONTH, dt.date(2024, 2, 1), dt.date(2024, 2, 29), "2024年2月"),
        ("2023-Q3", QUARTER, dt.date(2023, 7, 1), dt.date(2023, 9, 30), "2023年第三季度"),
        ("2023", YEAR, dt.date(2023, 1, 1), dt.date(2023, 12, 31), "2023年度"),
    ],
)
def test_period_values(text, kind, start, end, label):
    period = Period.parse(text)
    assert (period.kind, period.start, period.end, period.label, str(period)) == (
        kind,
        start,
        end,
        label,
        text,
    )


def test_period_neighbours_and_errors():
    assert str(Period.parse("2023-01").previous()) == "2022-12"
    assert str(Period.parse("2023-Q4").next()) == "2024-Q1"
    for bad in ("2023-13", "2023-Q5", "1800", "July"):
        with pytest.raises(ValueError):
            Period.parse(bad)


@pytest.mark.django_db
def test_every_change_is_logged_with_its_actor(office_admin):
    program = Program.objects.create(name="记录测试")
    with acting_as(office_admin, source="web"):
        plan = Plan.objects.create(
            program=program, title="方案甲", source_sha256="a" * 64, source_content=b""
        )
        plan = Plan.objects.get(pk=plan.pk)
        plan.title = "方案乙"
        plan.save()
        pk = plan.pk
        plan.delete()
    entries = list(
        ChangeLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Plan), object_id=str(pk)
        ).order_by("id")
    )
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert all(e.user_id == office_admin.pk and e.source == "web" for e in entries)
    assert entries[1].before["title"] == "方案甲" and entries[1].after["title"] == "方案乙"
    assert "title" in entries[1].changed_fields
    with pytest.raises(ValidationError, match="变更记录不可修改"):
        entries[0].save()


@pytest.mark.django_db
def test_second_save_of_a_stale_copy_is_refused():
    program = Program.objects.create(name="并发测试")
    plan = Plan.objects.create(program=program, title="方案", source_sha256="b" * 64, source_content=b"")
    task = Task.objects.create(plan=plan, title="任务", order=0)
    first, second = Task.objects.get(pk=task.pk), Task.objects.get(pk=task.pk)
    first.progress = 50
    first.save()
    second.progress = 80
    with pytest.raises(StaleEditError):
        second.save()
    assert Task.objects.get(pk=task.pk).progress == 50
