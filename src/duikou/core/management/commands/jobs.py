from django.utils.translation import gettext as _

from duikou.core.commands import DuikouCommand, UserError
from duikou.core.models import Job


class Command(DuikouCommand):
    help = "查看后台任务（进度、结果、错误）/ list queued jobs with their progress"
    example = "duikou jobs --status running"

    def add_arguments(self, parser):
        parser.add_argument("--status", choices=[s for s, _label in Job.STATUSES], default=None)
        parser.add_argument("--limit", type=int, default=20, help="最多列出几项 / how many")

    def run(self, *args, status=None, limit=20, **options):
        if limit < 1:
            raise UserError(_("--limit：至少为 1（收到 %(v)s）") % {"v": limit})
        rows = Job.objects.select_related("user").order_by("-created_at", "-id")
        if status:
            rows = rows.filter(status=status)
        found = [
            {
                "id": j.pk,
                "kind": j.kind,
                "title": j.title,
                "user": j.user.username if j.user else "",
                "status": j.status,
                "done": j.done,
                "total": j.total,
                "step": j.step,
                "attempts": j.attempts,
                "created_at": j.created_at.isoformat(),
                "finished_at": j.finished_at.isoformat() if j.finished_at else None,
                "error": j.error,
                "file": j.result.get("file"),
            }
            for j in rows[:limit]
        ]
        lines = []
        for j in found:
            progress = f"{j['done']}/{j['total']}" if j["total"] else (str(j["done"]) if j["done"] else "")
            lines.append(
                "  ".join(
                    part
                    for part in (
                        f"{j['id']:>6}",
                        j["status"].ljust(7),
                        progress,
                        j["title"],
                        j["step"],
                        j["error"],
                    )
                    if part
                )
            )
        return "\n".join(lines) or _("没有后台任务"), found
