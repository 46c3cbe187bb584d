"""Explicit recomputation: a plan title edit recomputes nothing; moving a plan to another program recounts its
tallies, equal to a full rebuild (docs/architecture.md, "Summaries and signals")."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duikou.analytics import services as analytics
from duikou.analytics.models import FundsTally, TargetTally, TaskTally
from duikou.plans.models import Plan
from duikou.programs.models import Program

from .test_tallies import tallies

pytestmark = pytest.mark.django_db
TALLY_TABLES = [m._meta.db_table for m in (TaskTally, FundsTally, TargetTally)] + ["analytics_unittasktally"]


def test_a_title_edit_recomputes_nothing(world):
    plan = Plan.objects.get(pk=world["plan"].pk)
    before = tallies()
    plan.title = "2023年闽宁协作福州市重点工作任务分工方案（修订）"
    with CaptureQueriesContext(connection) as queries:
        plan.save()
    touched = [q["sql"] for q in queries if any(t in q["sql"] for t in TALLY_TABLES)]
    assert touched == []
    # The save itself: the version claim, the stored program, the update and its change-log entry.
    assert len(queries) <= 6, [q["sql"] for q in queries]
    assert tallies() == before


def test_moving_a_plan_to_another_program_recounts_its_tallies(world):
    plan = Plan.objects.get(pk=world["plan"].pk)
    plan.program = Program.objects.create(name="另一对口关系")
    plan.save()
    live = tallies()
    assert {k[2] for k in live if k[0] == "task"} == {plan.program_id}
    analytics.rebuild()
    assert tallies() == live
