"""QuerySet.update on an audited model writes the change log too (an update sends no signals)."""

from django.db import models, transaction


class AuditedQuerySet(models.QuerySet):
    """`update()` records one ChangeLog entry per row it changed, with the fields' values before and after."""

    def update(self, **kwargs):
        from .audit import logged_update  # audit imports the models, which import this module

        with transaction.atomic(using=self.db):
            return logged_update(self, kwargs, super().update)
