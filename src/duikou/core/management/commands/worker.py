import signal
import threading

from django.conf import settings
from django.utils.translation import gettext as _

from duikou.core import jobs
from duikou.core.commands import DuikouCommand, UserError


class Command(DuikouCommand):
    help = "运行后台任务队列（导入、发布、导出、通报、识别），由 duikou serve 自动启动 / run the job queue (started by serve)"
    example = "duikou worker --once"

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="处理完队列中的任务后退出 / empty the queue, then exit"
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="空闲时的轮询间隔秒数 / seconds between polls"
        )

    def run(self, *args, once=False, interval=1.0, **options):
        backend = settings.TASKS["default"]["BACKEND"]
        if not backend.startswith("django_tasks_db."):
            raise UserError(_("任务队列未使用数据库后端（DUIKOU_TASKS_BACKEND），无需单独的处理进程"))
        if interval < 0.1:
            raise UserError(_("--interval：间隔不能小于 0.1 秒（收到 %(v)s）") % {"v": interval})
        stop = threading.Event()
        if once:
            ran = jobs.work(stop, once=True)
            return f"worker: {ran} task(s) run", {"ran": ran}
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.stderr.write(_("后台任务队列已启动 / worker running"))
        jobs.work(stop, interval=interval)
        return None
