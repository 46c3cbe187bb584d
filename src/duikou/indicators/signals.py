"""A target saved for the first time gets the indicator its words propose (or the one the office chose in review)."""

from django.db.models.signals import pre_save
from django.dispatch import receiver

from duikou.targets.models import Target

from .services import catalogue, propose_for_target


@receiver(pre_save, sender=Target, dispatch_uid="indicators_propose_for_target")
def propose_on_create(sender, instance: Target, raw=False, **kwargs):
    if raw or not instance._state.adding or instance.national_indicator_id is not None:
        return

    year = instance.year or getattr(instance.plan, "start_year", None)
    indicators = catalogue(year)
    chosen = (instance.extra or {}).get("national_indicator")
    if chosen == "none":  # the office said in review that this target counts toward no indicator
        instance.national_indicator_confirmed = True
        return
    if chosen:  # picked in the import review: the office's choice, confirmed
        match = next((i for i in indicators if i.code == chosen), None)
        instance.national_indicator, instance.national_indicator_confirmed = match, match is not None
        return
    instance.national_indicator = propose_for_target(instance, indicators)
    instance.national_indicator_confirmed = False
