"""A record of each generation run; creating it writes the run's one ChangeLog entry."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from duikou.core.models import AuditedModel


class GenerationRun(AuditedModel):
    """One `duikou generate` run: its scale, seed, the rows it loaded and how long it took."""

    scale = models.CharField(_("规模"), max_length=16)
    seed = models.BigIntegerField(_("随机种子"))
    counts = models.JSONField(_("生成行数"), default=dict)
    seconds = models.FloatField(_("耗时（秒）"), default=0)

    class Meta:
        verbose_name = _("数据生成记录")
        verbose_name_plural = _("数据生成记录")
        ordering = ["-id"]

    def __str__(self):
        total = sum(self.counts.values()) if isinstance(self.counts, dict) else 0
        return f"generate {self.scale} seed={self.seed}: {total} rows"
