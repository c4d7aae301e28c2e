"""Today's ledger problems, clues and complaints into one default campaign (only where there are any: a new
installation starts with no campaign and the office creates its own)."""

import datetime as dt

from django.db import migrations


def forwards(apps, schema_editor):
    Campaign = apps.get_model("supervision", "Campaign")
    models = [apps.get_model("campaign", "Problem"), apps.get_model("complaints", "Complaint"),
              apps.get_model("alerts", "Clue")]
    if not any(m.objects.filter(campaign__isnull=True).exists() for m in models):
        return
    dates = [d for d in (
        models[0].objects.order_by("listed_on").values_list("listed_on", flat=True).first(),
        models[1].objects.order_by("received_on").values_list("received_on", flat=True).first(),
    ) if d]
    clue = models[2].objects.order_by("created_at").values_list("created_at", flat=True).first()
    if clue:
        dates.append(clue.date())
    start = min(dates) if dates else dt.date.today()
    campaign = Campaign.objects.filter(current=True).first() or Campaign.objects.create(
        name=f"{start.year}年工程建设招标投标领域突出问题专项整治", starts_on=start,
        ends_on=dt.date(max(start.year, dt.date.today().year), 12, 31), current=True)
    for m in models:
        m.objects.filter(campaign__isnull=True).update(campaign=campaign)


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0001_initial"),
        ("campaign", "0002_problem_campaign"),
        ("complaints", "0003_complaint_campaign"),
        ("alerts", "0007_clue_campaign"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
