"""Filters of funding lines and transactions: one definition each, read by the list page, its export and the
API."""

from django.utils.translation import gettext_lazy as _

from duikou.core.filtering import Date, DistinctChoices, Filter, Filters, Id, Text, Year

FUNDING_FILTERS = Filters(
    [
        Filter("plan", _("方案"), "plan_id", DistinctChoices("plan_id", "plan__title"), type=Id),
        Filter(
            "program",
            _("对口关系"),
            "plan__program_id",
            DistinctChoices("plan__program_id", "plan__program__name"),
            type=Id,
        ),
        Filter("year", _("年度"), "year", DistinctChoices("year", "year"), type=Year),
        Filter("source", _("资金来源"), "source", DistinctChoices("source", "source")),
        Filter("source_organization", _("出资单位"), "source_organization_id", type=Id, on_page=False),
    ],
    search=("source", "text"),
)

TRANSACTION_FILTERS = Filters(
    [
        Filter("funding_line", _("资金条目"), "funding_line_id", type=Id),
        Filter("project", _("项目"), "project_id", type=Id),
        Filter("payer", _("付款方"), "payer_id", type=Id),
        Filter("payee", _("收款方"), "payee_id", type=Id),
        Filter("kind", _("类型"), "kind", type=Text),
        Filter("receipt_status", _("到账确认"), "receipt_status", type=Text),
        Filter("date_from", _("日期不早于"), "date__gte", type=Date),
        Filter("date_to", _("日期不晚于"), "date__lte", type=Date),
    ]
)
