from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils.translation import gettext as _

from duikou.core.commands import DuikouCommand, UserError


class Command(DuikouCommand):
    help = "检查生产部署设置（Django check --deploy，警告即失败）/ check the production settings"
    example = "DUIKOU_PRODUCTION=1 DUIKOU_SECRET_KEY=… DUIKOU_ALLOWED_HOSTS=duikou.example.gov.cn duikou deploycheck"

    def run(self, *args, **options):
        problems = []
        if not settings.PRODUCTION:
            problems.append(_("未处于生产模式：请设置 DUIKOU_PRODUCTION=1"))
        try:
            # Warnings count: a deployment that HSTS or Secure cookies are missing from is not ready.
            call_command(
                "check", deploy=True, fail_level="WARNING", stdout=self.stderr._out, stderr=self.stderr._out
            )
        except SystemCheckError as exc:
            problems.append(str(exc).strip())
        except Exception as exc:  # an empty SECRET_KEY is ImproperlyConfigured before any check runs
            problems.append(str(exc))
        if problems:
            raise UserError("\n".join(problems))
        return _("生产部署检查通过 / deployment check passed")
