import datetime as dt

from django.utils.translation import gettext as _

from duikou.core.commands import DuikouCommand, UserError


class Command(DuikouCommand):
    help = "安全审计：校验哈希链、清理超过保存期的记录 / security audit: verify the hash chain, purge old entries"
    example = "duikou audit verify\n  duikou audit purge --before 2025-01-01"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "purge"], help="verify | purge")
        parser.add_argument(
            "--before", help="purge：清理此日期之前的记录（YYYY-MM-DD）/ purge entries before this date"
        )

    def run(self, *args, action, before=None, **options):
        from duikou.core import security
        from duikou.core.models import SecurityEvent

        if action == "verify":
            report = security.verify_chain()
            security.record(
                SecurityEvent.AUDIT_VERIFY,
                outcome=SecurityEvent.SUCCESS if report.ok else SecurityEvent.FAILURE,
                detail={"checked": report.checked, "broken_seq": report.broken_seq},
            )
            if not report.ok:
                raise UserError(
                    _("审计链在第 %(seq)s 条（id %(id)s）断开：%(reason)s；此前 %(checked)s 条完好")
                    % {
                        "seq": report.broken_seq,
                        "id": report.broken_id,
                        "reason": report.reason,
                        "checked": report.checked,
                    }
                )
            return f"audit chain intact: {report.checked} entries", {"ok": True, "checked": report.checked}
        if not before:
            raise UserError(_("--before：请给出日期（YYYY-MM-DD）"))
        try:
            day = dt.date.fromisoformat(before)
        except ValueError as exc:
            raise UserError(_("--before：日期格式应为 YYYY-MM-DD：%(value)s") % {"value": before}) from exc
        removed = security.purge_before(day)
        return f"{removed} audit entries before {day} purged", {"removed": removed, "before": day.isoformat()}
