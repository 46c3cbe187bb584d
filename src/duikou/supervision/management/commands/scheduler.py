import signal
import threading

from django.utils.translation import gettext as _

from duikou.core.commands import DuikouCommand, UserError


class Command(DuikouCommand):
    help = "运行定时任务（每日提醒、督办升级、提醒投递），由 duikou serve 自动启动 / run the scheduler (started by serve)"
    example = "duikou scheduler --once"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只运行一次后退出 / one tick, then exit")
        parser.add_argument("--interval", type=float, default=60.0, help="间隔秒数 / seconds between ticks")

    def run(self, *args, once=False, interval=60.0, **options):
        from duikou.supervision import scheduler

        if interval < 1:
            raise UserError(_("--interval：间隔不能小于 1 秒（收到 %(v)s）") % {"v": interval})
        if once:
            result = scheduler.tick()
            sent = result["deliveries"]
            return (
                f"scheduler tick: {sent['sent']} sent, {sent['failed']} failed, "
                f"daily run {'done' if result['daily'] is not None else 'not due'}",
                result,
            )
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.stderr.write(_("定时任务已启动 / scheduler running"))
        scheduler.run_forever(stop, interval=interval)
        return None
