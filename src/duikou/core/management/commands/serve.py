import os
import sys

from django.utils.translation import gettext as _

from duikou.core.commands import DuikouCommand


class Command(DuikouCommand):
    help = "启动网站服务（gunicorn）/ serve the web application"
    example = "duikou serve --bind 127.0.0.1:8000 --workers 2"

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)

    def run(self, *args, bind, workers, **options):
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        self.stderr.write(_("duikou 服务已启动 / serving on http://%(bind)s  (Ctrl-C 停止)") % {"bind": bind})
        sys.stderr.flush()
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        os.execv(
            gunicorn,
            [
                gunicorn,
                "duikou.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
                "--timeout",
                "120",
                # Starts and stops the application's scheduler (daily reminders, 督办, deliveries): no cron.
                "--config",
                "python:duikou.supervision.gunicorn_hooks",
            ],
        )
