import os
import sys

from django.utils.translation import gettext as _

from duikou.core.commands import DuikouCommand, UserError


class Command(DuikouCommand):
    help = "启动网站服务（gunicorn）/ serve the web application"
    example = "duikou serve --bind 127.0.0.1:8000 --workers 4 --threads 2"

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        # Two workers a core: while one waits on the database (a third of a page's time on PostgreSQL), the core
        # serves the other.
        parser.add_argument("--workers", type=int, default=max(2, 2 * (os.cpu_count() or 1)))
        # Two threads a worker (gunicorn's gthread worker; 1: the sync worker): a worker waiting on the database serves
        # another request meanwhile (each thread holds its own database connection), and a client's connection is
        # kept open between its requests (gunicorn_conf.keepalive) where the sync worker accepts and closes a TCP
        # connection for every request. Measured with the load's page mix (GETs, 8 clients, province data on
        # PostgreSQL, alternate runs on a busy 2-core machine): server CPU 5.5-7.8 -> 3.8-5.4 ms a request and
        # 1.3-3x the requests a second of 4 sync workers.
        parser.add_argument("--threads", type=int, default=2)

    def run(self, *args, bind, workers, threads, **options):
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured
        from django.core.management import call_command

        try:
            secret = settings.SECRET_KEY
        except ImproperlyConfigured:
            secret = ""
        if not secret:
            # Fail closed: production mode never signs sessions with a key anyone could know.
            raise UserError(
                _(
                    "生产模式（DUIKOU_PRODUCTION=1）必须设置 DUIKOU_SECRET_KEY 或 DUIKOU_SECRET_KEY_FILE，服务未启动"
                )
            )

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
                "--threads",
                str(threads),
                "--config",
                "python:duikou.gunicorn_conf",
                "--access-logfile",
                "-",
            ],
        )
