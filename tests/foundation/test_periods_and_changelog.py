import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from duikou.core.actor import acting_as
from duikou.core.models import ChangeLog, StaleEditError
from duikou.core.periods import MONTH, QUARTER, YEAR, Period, recent_periods
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
def test_a_many_to_many_change_is_logged_and_moves_the_data_version(office_admin, org):
    """program.donors.add(…) saves no program: the change log still records it, so figures cached on the data's
    version (a unit's programs on its dashboard) show it on the next view."""
    from duikou.core.versioned import data_version

    program = Program.objects.create(name="捐助方测试")
    donor, other = org("福建省福州市马尾区"), org("福建省福州市鼓楼区")
    version = data_version()
    with acting_as(office_admin, source="web"):
        program.donors.add(donor, other)
        program.donors.add(donor)  # there already: no change, no entry
        program.donors.remove(other)
        donor.donor_programs.clear()  # from the other side: logged on the unit
    assert data_version() > version
    entries = ChangeLog.objects.filter(
        content_type__model__in=["program", "organization"], id__gt=version
    ).order_by("id")
    changes = [e.after for e in entries]
    assert changes[0] == {"donors": {"added": sorted([donor.pk, other.pk])}}
    assert changes[1] == {"donors": {"removed": [other.pk]}}
    assert changes[2] == {"donor_programs": {"cleared": []}} and entries[2].object_id == str(donor.pk)
    assert len(changes) == 3
    # In words on the record's history: the relation's name and what changed.
    from duikou.changes.display import describe_fields

    (described,) = describe_fields(Program, entries[0])
    assert (
        described["name"] == "支援方"
        and described["after"] == f"新增：#{min(donor.pk, other.pk)}、#{max(donor.pk, other.pk)}"
    )
    assert all(e.user_id == office_admin.pk and e.action == "update" for e in entries)


@pytest.mark.django_db
def test_a_single_save_writes_every_column_of_its_entry(office_admin):
    """An audited save's entry is inserted by core.audit's own statement, not the ORM's create: every column as the
    ORM wrote it (its time stamped now, the actor, the object, before and after as JSON)."""
    program = Program.objects.create(name="记录字段")
    start = dt.datetime.now(dt.UTC)
    with acting_as(office_admin, source="web", request_id="r" * 32) as actor:
        program.name = "记录字段乙"
        program.save()
    entry = ChangeLog.objects.filter(object_id=str(program.pk), action=ChangeLog.UPDATE).get(
        content_type=ContentType.objects.get_for_model(Program)
    )
    assert start <= entry.at <= dt.datetime.now(dt.UTC)
    assert (entry.user_id, entry.username, entry.source, entry.request_id) == (
        office_admin.pk,
        actor.username,
        "web",
        "r" * 32,
    )
    assert entry.object_repr == str(program)
    assert entry.before["name"] == "记录字段" and entry.after["name"] == "记录字段乙"
    assert entry.after["id"] == program.pk and "created_at" not in entry.after


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


@pytest.mark.django_db
def test_fast_bulk_create_stores_what_bulk_create_stores(office_admin):
    """The import's insert (fast_bulk_create) writes the same rows as Django's bulk_create: defaults, JSON, dates,
    keys, nulls and the timestamps; the ids come back in order; each row is logged once."""
    from duikou.core.audit import bulk_create_logged

    program = Program.objects.create(name="批量测试")
    plans = {
        p: Plan.objects.create(program=program, title=p, source_sha256=p * 64, source_content=b"")
        for p in "ab"
    }

    def tasks(prefix):
        return [
            Task(
                plan=plans[prefix],
                number=f"{i}.",
                path=["一", f"{prefix}{i}", {"深": [1, None]}],
                title=f"{prefix}任务{i}",
                due_date=dt.date(2024, 12, i + 1) if i % 2 else None,
                order=i,
                extra={"金额": "1.50", "n": i},
            )
            for i in range(7)
        ]

    with acting_as(office_admin, source="import"):
        fast = bulk_create_logged(Task, tasks("a"), batch_size=3)  # three statements
    slow = Task.objects.bulk_create(tasks("b"))
    assert [t.pk for t in fast] == sorted(t.pk for t in fast) and all(not t._state.adding for t in fast)
    fields = [
        f.attname
        for f in Task._meta.concrete_fields
        if f.attname not in ("id", "created_at", "updated_at", "plan_id")
    ]

    def stored(objs, prefix):
        rows = list(Task.objects.filter(pk__in=[t.pk for t in objs]).order_by("order").values(*fields))
        return [
            {k: (str(v).replace(prefix, "*") if k in ("path", "title") else v) for k, v in row.items()}
            for row in rows
        ]

    assert stored(fast, "a") == stored(slow, "b")
    first = Task.objects.get(pk=fast[0].pk)
    assert first.created_at == fast[0].created_at and first.updated_at is not None and first.status
    logged = ChangeLog.objects.filter(content_type=ContentType.objects.get_for_model(Task), action="create")
    assert sorted(int(e.object_id) for e in logged) == [t.pk for t in fast]
    assert all(e.user_id == office_admin.pk and e.source == "import" and e.at for e in logged)


def test_recent_periods_are_made_once_a_day_and_each_caller_gets_its_own_list():
    first = recent_periods(MONTH, today=dt.date(2024, 2, 10))
    assert [str(p) for p in first[:3]] == ["2024-02", "2024-01", "2023-12"] and len(first) == 24
    first.clear()  # a caller's list is its own
    assert len(recent_periods(MONTH, today=dt.date(2024, 2, 10))) == 24
    assert recent_periods(MONTH, today=dt.date(2024, 3, 1))[0] == Period.parse(
        "2024-03"
    )  # another day, its own periods
    assert [str(p) for p in recent_periods(YEAR, today=dt.date(2024, 3, 1), count=2)] == ["2024", "2023"]
