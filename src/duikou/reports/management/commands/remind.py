import datetime as dt

from django.utils.translation import gettext as _

from duikou.core.commands import DuikouCommand, UserError
from duikou.reports.reminders import run_reminders


class Command(DuikouCommand):
    help = "记录即将到期和已逾期的任务与月报提醒（供 cron 每日运行）/ record due-soon and overdue reminders (daily cron)"
    example = "duikou remind --days 7"

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=7, help="提前提醒天数 / remind this many days ahead (default 7)"
        )
        parser.add_argument(
            "--today", default=None, help="按此日期计算（YYYY-MM-DD）/ compute as of this date"
        )

    def run(self, *args, days, today=None, **options):
        if days < 0:
            raise UserError(_("--days：提前天数不能为负数（收到 %(days)s）") % {"days": days})
        as_of = None
        if today:
            try:
                as_of = dt.date.fromisoformat(today)
            except ValueError as exc:
                raise UserError(
                    _("--today：日期格式应为 YYYY-MM-DD（收到 %(text)s）") % {"text": today}
                ) from exc
        run = run_reminders(days=days, today=as_of)
        payload = {
            "due_soon": run.due_soon,
            "overdue": run.overdue,
            "report_due": run.report_due,
            "emailed": run.emailed,
            "created": run.total,
        }
        return (
            f"reminders recorded: {run.due_soon} due soon, {run.overdue} overdue, {run.report_due} reports due, "
            f"{run.emailed} e-mails sent",
            payload,
        )
