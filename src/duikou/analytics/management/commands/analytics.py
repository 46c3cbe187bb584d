"""`duikou analytics rebuild`: recompute the summary tables from the data."""

from duikou.core.commands import DuikouCommand, UserError


class Command(DuikouCommand):
    help = "重建统计汇总表 / rebuild the analytics summary tables from the data"
    example = "duikou analytics rebuild"

    def add_arguments(self, parser):
        parser.add_argument("action", help="rebuild")

    def run(self, *args, action, **options):
        if action != "rebuild":
            raise UserError(f"{action}：未知操作，可用 rebuild")
        from duikou.analytics.services import rebuild

        counts = rebuild()
        return "summary tables rebuilt: " + ", ".join(f"{k} {v}" for k, v in counts.items()), counts
