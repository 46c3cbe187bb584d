from pathlib import Path

from django.utils.translation import gettext as _

from duikou.core.commands import DuikouCommand, UserError
from duikou.exchange.tasktable import apply_task_table, compare_task_table, export_task_table, read_for_plan
from duikou.plans.models import Plan


def describe(diff) -> list[str]:
    """The preview as lines a person reads: one per task, one more per changed cell."""
    lines = []
    for change in diff.changes:
        where = _("第 %(row)s 行") % {"row": change.row} if change.row else _("表中已无此行")
        if change.kind == "added":
            lines.append(
                _("+ %(where)s 新增任务 %(number)s %(text)s")
                % {"where": where, "number": change.number, "text": change.text[:40]}
            )
        elif change.kind == "removed":
            lines.append(
                _("- %(where)s：删除任务 %(number)s %(text)s")
                % {"where": where, "number": change.number, "text": change.text[:40]}
            )
        else:
            lines.append(
                _("~ %(where)s 任务 %(number)s %(text)s")
                % {"where": where, "number": change.number, "text": change.text[:40]}
            )
        if change.kind == "changed":
            for cell in change.cells:
                lines.append(
                    _("    %(cell)s %(label)s：%(before)s → %(after)s")
                    % {
                        "cell": cell.cell,
                        "label": cell.label,
                        "before": cell.before[:60] or _("（空）"),
                        "after": cell.after[:60] or _("（空）"),
                    }
                )
    if diff.order_changed:
        lines.append(_("↕ 任务顺序有调整"))
    for name in diff.new_units:
        lines.append(_("! 新单位（应用时登记）：%(name)s") % {"name": name})
    for error in diff.errors:
        lines.append(f"✗ {error}")
    return lines


class Command(DuikouCommand):
    help = "任务分工表（Excel）导出与导入 / export a plan's 任务分工 table, or import an edited one (preview, then --apply)"
    example = "duikou tasktable export 1 plan-1.xlsx; duikou tasktable import 1 plan-1.xlsx --apply"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "import"], help="export 导出 / import 导入")
        parser.add_argument("plan", type=int, help="方案编号 / plan id")
        parser.add_argument("file", help=".xlsx 文件 / file")
        parser.add_argument(
            "--apply", action="store_true", help="导入时应用差异（默认只预览）/ apply the differences"
        )

    def run(self, *args, action, plan, file, apply=False, **options):
        obj = Plan.objects.filter(pk=plan).first()
        if obj is None:
            raise UserError(_("方案 %(id)s 不存在") % {"id": plan})
        path = Path(file)
        if action == "export":
            if path.suffix.lower() != ".xlsx":
                raise UserError(_("%(file)s：文件名应以 .xlsx 结尾") % {"file": file})
            try:
                path.write_bytes(export_task_table(obj))
            except OSError as exc:
                raise UserError(
                    _("%(file)s：无法写入（%(reason)s）") % {"file": file, "reason": exc.strerror}
                ) from None
            count = obj.tasks.count()
            return f"plan {plan} task table written to {file}: {count} tasks", {
                "plan": plan,
                "file": file,
                "tasks": count,
            }
        table = read_for_plan(obj, path)
        if apply:
            result = apply_task_table(plan=obj, table=table)
            for line in describe(result.diff) + result.notes:
                self.stderr.write(line)
            return result.summary(obj), {**result.diff.as_json(), "applied": True, "notes": result.notes}
        diff = compare_task_table(obj, table)
        for line in describe(diff):
            self.stdout.write(line)
        c = diff.counts
        state = "no differences" if diff.is_empty else "not applied; add --apply"
        summary = (
            f"preview of plan {plan}: {c['added']} added, {c['removed']} removed, {c['changed']} changed, "
            f"{c['unchanged']} unchanged ({state})"
        )
        if diff.errors:
            summary += f"; {len(diff.errors)} errors"
        return summary, {**diff.as_json(), "applied": False}
