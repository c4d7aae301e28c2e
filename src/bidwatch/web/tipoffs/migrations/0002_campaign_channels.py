"""Reports (举报) and their published channels belong to a campaign (issue 15 item 1, issue 16 item 1): the
``campaign`` foreign keys, and today's reports and channels put into the default campaign — the current one (made
by supervision 0002 where records existed), else, where there are reports or channels but no campaign at all,
one made here as supervision 0002 makes it. An empty database gets none."""

import datetime as dt

import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    Campaign = apps.get_model("supervision", "Campaign")
    orphans = [apps.get_model("tipoffs", name).objects.filter(campaign__isnull=True) for name in ("Tipoff", "Channel")]
    if not any(qs.exists() for qs in orphans):
        return
    campaign = (Campaign.objects.filter(current=True).first()
                or Campaign.objects.order_by("-starts_on", "-id").first())
    if campaign is None:
        start = orphans[0].order_by("received_on").values_list("received_on", flat=True).first() or dt.date.today()
        campaign = Campaign.objects.create(
            name=f"{start.year}年工程建设招标投标领域突出问题专项整治", starts_on=start,
            ends_on=dt.date(max(start.year, dt.date.today().year), 12, 31), current=True)
    for qs in orphans:
        qs.update(campaign=campaign)


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0005_order_last_reminded"),
        ("tipoffs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="channel",
            name="campaign",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="channels", to="supervision.campaign", verbose_name="campaign"),
        ),
        migrations.AddField(
            model_name="tipoff",
            name="campaign",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="tipoffs", to="supervision.campaign", verbose_name="campaign"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
