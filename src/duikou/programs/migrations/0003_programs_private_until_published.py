"""Programs are private until the office publishes them (issue #12, hole 10).

`is_public` defaulted to True, so every imported program's payments, task status and budgets were open data. The
default is now False. An existing program stays public only if the change log shows someone set it public
explicitly (an update from False to True); every other one becomes private, and that change is logged too.
"""

import uuid

from django.db import migrations, models


def private_unless_published(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    ChangeLog = apps.get_model("core", "ChangeLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="programs", model="program").first()
    published = set()
    if content_type is not None:
        for object_id, before, after in ChangeLog.objects.filter(
            content_type=content_type, action="update"
        ).values_list("object_id", "before", "after"):
            if (after or {}).get("is_public") is True and (before or {}).get("is_public") is False:
                published.add(object_id)
    request_id = uuid.uuid4().hex
    for program in Program.objects.filter(is_public=True):
        if str(program.pk) in published:
            continue
        program.is_public = False
        program.save(update_fields=["is_public"])
        if content_type is not None:
            ChangeLog.objects.create(
                source="migration",
                request_id=request_id,
                action="update",
                content_type=content_type,
                object_id=str(program.pk),
                object_repr=program.name[:300],
                before={"is_public": True},
                after={"is_public": False},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0002_pairing_extra"),
        ("core", "0002_security_audit"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="program",
            name="is_public",
            field=models.BooleanField(
                default=False,
                help_text="此件主动公开：由对口支援办公室发布后显示在公开页面和开放数据中",
                verbose_name="公开",
            ),
        ),
        migrations.RunPython(private_unless_published, migrations.RunPython.noop),
    ]
