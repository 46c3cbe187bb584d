"""An import writes its tasks in bulk (no signals): it counts them into the tallies itself, published or not,
and a later save of the plan does not count them again."""

import json
from pathlib import Path

import pytest

SMALL_PLAN = json.loads(
    (Path(__file__).parents[1] / "exchange" / "small_plan.json").read_text(encoding="utf-8")
)


def _snapshot():
    from duikou.analytics.models import TaskTally, UnitRollup, UnitTaskTally

    def rows(model, fields):
        return sorted(tuple(r) for r in model.objects.exclude(**{fields[-1]: 0}).values_list(*fields))

    return (
        rows(TaskTally, ["plan_id", "status", "due_date", "count"]),
        rows(UnitTaskTally, ["organization_id", "role", "status", "due_date", "count"]),
        rows(UnitRollup, ["organization_id", "lead", "completed", "overdue", "tasks"]),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("publish", [True, False])
def test_imported_assignments_are_counted_once(publish):
    from duikou.analytics.services import rebuild
    from duikou.plans.importer import import_plan_data

    for n in range(2):  # two plans naming the same units: the second adds to the first's counts
        data = json.loads(json.dumps(SMALL_PLAN))
        data["title"] = f"{data['title']}（{n}）"
        plan = import_plan_data(
            data, source_bytes=json.dumps(data).encode(), source_name=f"{n}.json", publish=publish
        ).plan
    plan.title = "改名后的方案"
    plan.save()
    counted = _snapshot()
    assert counted[1], "the import counted its assignments"
    rebuild()
    assert _snapshot() == counted
