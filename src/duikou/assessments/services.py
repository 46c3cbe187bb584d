"""Assessment workflow: compute a rule's scores (`scoring.score_units`) and store them, publish them (frozen, the
year's periods locked). Bulletin figures are `bulletins`, the .docx and .xlsx files `documents`."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.core import permissions as perms
from duikou.core import workflow
from duikou.core.dates import local_date, today_for
from duikou.core.periods import MONTH, QUARTER, Period
from duikou.reports.models import PeriodLock
from duikou.reports.services import close_period

from .models import Assessment, AssessmentRule
from .scoring import breakdown_of, rule_weights, score_units


def compute_assessment(*, rule: AssessmentRule, user=None, today: dt.date | None = None) -> list[Assessment]:
    """Score every responsible unit of the rule's program for its year; replaces earlier results of the rule."""
    if user is not None:
        workflow.require(user, "assessments.compute", message=_("无权计算考核结果"))
    published = AssessmentRule.objects.filter(pk=rule.pk).values_list("published_at", flat=True).first()
    if published is not None:
        raise ValidationError(
            _("考核结果已于 %(date)s 发布，已按当时的数据冻结，不能重新计算")
            % {"date": local_date(published, rule.program).isoformat()}
        )
    weights = rule_weights(rule)
    if sum(weights.values()) <= 0:
        raise ValidationError(_("考核规则 %(rule)s 的权重之和为 0，无法计分") % {"rule": rule})
    with transaction.atomic():
        scored = score_units(program=rule.program, year=rule.year, weights=weights, today=today)
        for old in Assessment.objects.filter(rule=rule):
            old.delete()
        return [
            Assessment.objects.create(
                rule=rule,
                organization=s.organization,
                score=s.score,
                rank=s.rank,
                breakdown=breakdown_of(s, weights),
            )
            for s in scored
        ]


@transaction.atomic
def publish_assessment(*, rule: AssessmentRule, user) -> AssessmentRule:
    """Office: publish computed results. They are frozen with the figures they used (each breakdown), and every
    reporting period of the year locks today, so the figures under them cannot move either."""
    if not perms.is_office(user):
        raise PermissionDenied(_("只有对口办可以发布考核结果"))
    rule = AssessmentRule.objects.select_for_update().get(pk=rule.pk)
    if rule.published_at is not None:
        raise ValidationError(_("考核结果已发布"))
    if not rule.assessments.exists():
        raise ValidationError(_("请先计算考核结果再发布"))
    kind = rule.program.reporting_period
    count = {MONTH: 12, QUARTER: 4}.get(kind, 1)
    today = today_for(rule.program)
    for number in range(1, count + 1):
        period = Period(rule.year, kind, number)
        lock = PeriodLock.objects.filter(program=rule.program, period=period).first()
        if lock is None or not lock.locked_on(today):
            close_period(program=rule.program, period=period, closes_on=today, user=user)
    rule.published_at, rule.published_by = timezone.now(), user
    rule.save()
    return rule
