"""`duikou demo`: the five seed plans, one login per role, and some work done through the real services so the
demo's figures are not all zero; a second run adds nothing."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command

EXAMPLES = Path(__file__).parents[2] / "examples" / "plans"


@pytest.mark.django_db(transaction=True)
def test_demo_loads_the_seeds_with_work_done_and_is_idempotent(capsys):
    from django.contrib.contenttypes.models import ContentType

    from duikou.analytics.models import TaskTally
    from duikou.analytics.services import rebuild
    from duikou.core.models import ChangeLog
    from duikou.funds.models import Transaction
    from duikou.plans.models import Plan, Task
    from duikou.reports.models import Report, TargetFigure

    call_command("demo", examples=str(EXAMPLES))
    assert Plan.objects.count() == 5
    approved = Report.objects.filter(status=Report.APPROVED)
    assert approved.count() >= 20 and TargetFigure.objects.filter(report__in=approved).exists()
    assert Transaction.objects.filter(kind=Transaction.DISBURSEMENT).count() >= 5
    completed = Task.objects.filter(status=Task.COMPLETED)
    assert completed.exists() and not completed.filter(completed_on__isnull=True).exists()
    # Names that stand for no unit (各预算主管部门, 各签约单位 in the seeds) are dropped, not made accountable units.
    from duikou.organizations.models import Organization
    from duikou.organizations.services import is_placeholder_name

    assert not [
        o.name
        for o in Organization.objects.filter(responsibilities__isnull=False)
        if is_placeholder_name(o.name)
    ]
    # Dated inside their period, as a unit filing on time would have.
    for report in approved:
        assert report.submitted_at.date() <= report.period.end + dt.timedelta(days=10)
    # Done through the services: the change log has the approvals, and the tallies agree with a rebuild.
    report_type = ContentType.objects.get_for_model(Report)
    approvals = ChangeLog.objects.filter(content_type=report_type, action="update", user__username="admin")
    assert approvals.count() >= approved.count()
    tallies = sorted(TaskTally.objects.exclude(count=0).values_list("plan_id", "status", "due_date", "count"))
    rebuild()
    assert (
        sorted(TaskTally.objects.exclude(count=0).values_list("plan_id", "status", "due_date", "count"))
        == tallies
    )

    # The national indicators of 2023 come from the approved reports and payments; 闽宁 has its 2023 agreement.
    from duikou.indicators.models import Agreement
    from duikou.indicators.services import progress

    national = {line.indicator.code: line for line in progress(year=2023).lines}
    assert national["consumption.sales"].achieved > 0 and national["fiscal_aid"].achieved > 0
    minning = Agreement.objects.get(
        year=2023, pairing__donor__full_name="福建省", pairing__recipient__full_name="宁夏回族自治区"
    )
    agreed = {v.indicator.code: v.value for v in minning.values.select_related("indicator")}
    assert (
        agreed["consumption.sales"] == 75000 and agreed["labour"] == 3000 and agreed["labour.poverty"] == 1000
    )
    assert national["consumption.sales"].agreed == 75000

    counts = (Report.objects.count(), Transaction.objects.count(), Plan.objects.count())
    call_command("demo", examples=str(EXAMPLES))
    assert (Report.objects.count(), Transaction.objects.count(), Plan.objects.count()) == counts
    assert "admin / duikou-demo-2026" in capsys.readouterr().out
