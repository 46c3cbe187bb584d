"""Ship the 2021 edition of the indicator catalogue, and propose an indicator for every target already stored."""

from django.db import migrations


def load(apps, schema_editor):
    from duikou.indicators.services import load_catalogue, propose_indicator

    Indicator = apps.get_model("indicators", "Indicator")
    Target = apps.get_model("targets", "Target")
    load_catalogue(model=Indicator)
    indicators = list(Indicator.objects.all())
    for target in Target.objects.filter(national_indicator__isnull=True).iterator(chunk_size=2000):
        match = propose_indicator(target.indicator or "", target.unit, indicators) or propose_indicator(
            target.text or "", target.unit, indicators
        )
        if match is not None:
            Target.objects.filter(pk=target.pk).update(national_indicator=match)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial"), ("targets", "0003_target_national_indicator")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
