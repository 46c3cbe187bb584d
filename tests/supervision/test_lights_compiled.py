"""The lights of given tasks, units and programs come from SQL compiled once a day (core.compiled): the same answer as
the rule's queryset (annotate_lights, worst_by) on generated data, in one query whatever the number of ids."""

import datetime as dt
import random
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duikou.organizations.models import Organization
from duikou.plans.models import CANCELLED, Plan, Task, attach_task_figures
from duikou.programs.models import Program
from duikou.reports.models import Report
from duikou.scale.generator import generate
from duikou.supervision import lights
from duikou.supervision.models import LightRule

pytestmark = pytest.mark.django_db
DAYS = [dt.date(2021, 3, 1), dt.date(2023, 6, 20), dt.date(2024, 12, 5), dt.date(2026, 1, 12)]


@pytest.fixture
def varied():
    """City-scale generated data, with tasks moved to every status and progress, plans issued on several days,
    reports handed in or not, and per-program rules, so each light turns up on some day."""
    generate("city", seed=3)
    rng = random.Random(3)
    tasks = list(Task.objects.order_by("pk"))
    for task in tasks:
        task.progress = rng.choice([0, 10, 40, 80, 100])
        task.status = rng.choice(
            [Task.COMPLETED, Task.IN_PROGRESS, Task.NOT_STARTED, CANCELLED, Task.SUSPENDED]
        )
        task.due_date = rng.choice([None, *DAYS, dt.date(2023, 7, 1), dt.date(2025, 1, 10)])
    Task.objects.bulk_update(tasks, ["progress", "status", "due_date"])
    for i, plan in enumerate(Plan.objects.order_by("pk")):
        Plan.objects.filter(pk=plan.pk).update(
            issued_on=[None, dt.date(2021, 1, 1), dt.date(2023, 1, 1)][i % 3],
            status=Plan.PUBLISHED if i % 5 else Plan.DRAFT,
        )
    programs = list(Program.objects.order_by("pk"))
    LightRule.objects.create(program=programs[0], due_soon_days=60, behind_points=0, report_grace_days=3)
    handed_in = list(Report.objects.order_by("pk").values_list("pk", flat=True))[::2]
    Report.objects.filter(pk__in=handed_in).update(status=Report.SUBMITTED)
    return tasks


def old_task_lights(day):
    rows = lights.annotate_lights(Task.objects.all(), day).values_list("pk", "light", "light_rank")
    return {pk: {"light": light, "light_rank": rank} for pk, light, rank in rows}


def test_compiled_lights_equal_the_rule_on_generated_data(varied):
    task_ids = [t.pk for t in varied]
    org_ids = list(Organization.objects.values_list("pk", flat=True))
    program_ids = list(Program.objects.values_list("pk", flat=True))
    seen = Counter()
    for day in DAYS:
        expected = old_task_lights(day)
        assert lights.task_lights(task_ids, day) == expected
        seen.update(v["light"] for v in expected.values())
        published = Task.objects.filter(plan__status=Plan.PUBLISHED)
        units = lights.worst_by(
            published.filter(responsibilities__organization_id__in=org_ids),
            "responsibilities__organization_id",
            day,
        )
        assert units and lights.unit_lights(org_ids, day) == units
        assert lights.unit_lights(org_ids[:7], day) == {k: v for k, v in units.items() if k in org_ids[:7]}
        # One unit's light, read from its tasks' lights: the same for every unit, with tasks or without.
        for org_id in org_ids:
            assert lights.unit_lights([org_id], day) == ({org_id: units[org_id]} if org_id in units else {})
        programs = lights.worst_by(
            published.filter(plan__program_id__in=program_ids), "plan__program_id", day
        )
        assert programs and lights.program_lights(program_ids, day) == programs
    # The comparison meant something: every light turned up.
    assert set(seen) == set(lights.RANK), seen
    assert lights.task_lights([], DAYS[0]) == {} and lights.unit_lights([], DAYS[0]) == {}


def test_a_units_light_past_its_task_limit_is_the_grouped_querys(varied, monkeypatch):
    """A unit with more published tasks than ONE_UNIT_TASKS is answered by the grouped query: the same light."""
    day = DAYS[1]
    org_ids = list(Organization.objects.values_list("pk", flat=True))
    expected = {pk: lights.unit_lights([pk], day) for pk in org_ids}
    monkeypatch.setattr(lights, "ONE_UNIT_TASKS", 0)
    assert {pk: lights.unit_lights([pk], day) for pk in org_ids} == expected
    assert any(expected.values())


def test_compiled_once_one_query_whatever_the_number_of_ids(varied):
    ids = [t.pk for t in varied]
    day = DAYS[1]
    lights.task_lights(ids[:1], day)
    compiled = lights._TASK_LIGHTS._sql.cache_info().misses
    for n in (1, 10, len(ids)):
        with CaptureQueriesContext(connection) as captured:
            found = lights.task_lights(ids[:n], day)
        assert len(captured.captured_queries) == 1 and len(found) == n
    assert lights._TASK_LIGHTS._sql.cache_info().misses == compiled  # not compiled again
    # Another day is another rule: compiled afresh, with its own answer.
    assert lights.task_lights(ids, DAYS[3]) == old_task_lights(DAYS[3])


def test_attached_figures_are_the_annotated_ones(varied):
    from duikou.plans.models import annotate_tasks

    tasks = attach_task_figures(Task.objects.order_by("pk")[:40])
    annotated = {t.pk: (t.light, t.light_rank) for t in annotate_tasks(Task.objects.order_by("pk")[:40])}
    assert {t.pk: (t.light, t.light_rank) for t in tasks} == annotated


def test_a_programs_light_for_any_number_of_programs_is_the_rules(varied):
    """The programs' light is one statement for any number of programs (core.compiled.AmongUncounted: on PostgreSQL its
    ids hidden from the planner's count, so that a generic plan may serve every run): run again and again with 1, 2,
    3 and all the programs, each answer is the rule's."""
    programs = list(Program.objects.order_by("pk").values_list("pk", flat=True))
    published = Task.objects.filter(plan__status=Plan.PUBLISHED)
    for n in (1, 2, 3, 1, 2, 3, 1, len(programs)):
        wanted = published.filter(plan__program_id__in=programs[:n])
        assert lights.program_lights(programs[:n], DAYS[2]) == lights.worst_by(
            wanted, "plan__program_id", DAYS[2]
        )
