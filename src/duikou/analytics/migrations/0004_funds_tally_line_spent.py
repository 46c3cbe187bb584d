# The funds tally counts money spent (disbursement and expenditure, funds.models.SPENT_KINDS) against funding
# lines, as bulletins and assessments do; it counted disbursements only. The column is recounted from the data.
from django.db import migrations, models
from django.db.models import Sum
from django.db.models.functions import ExtractYear


def recount(apps, schema_editor):
    FundsTally = apps.get_model("analytics", "FundsTally")
    Transaction = apps.get_model("funds", "Transaction")
    FundsTally.objects.update(line_spent=0)
    spent = (
        Transaction.objects.filter(funding_line__isnull=False, kind__in=("disbursement", "expenditure"))
        .annotate(y=ExtractYear("date"))
        .values("funding_line__plan__program_id", "funding_line__plan_id", "y")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    for g in spent.iterator():
        FundsTally.objects.filter(
            program_id=g["funding_line__plan__program_id"], plan_id=g["funding_line__plan_id"], year=g["y"]
        ).update(line_spent=g["s"])


class Migration(migrations.Migration):
    dependencies = [("analytics", "0003_unit_rollup"), ("funds", "0003_fundingline_extra")]

    operations = [
        migrations.RenameField("fundstally", "line_disbursement", "line_spent"),
        migrations.AlterField(
            model_name="fundstally",
            name="line_spent",
            field=models.DecimalField(
                decimal_places=2, default=0, max_digits=20, verbose_name="资金计划执行"
            ),
        ),
        migrations.RunPython(recount, migrations.RunPython.noop),
    ]
