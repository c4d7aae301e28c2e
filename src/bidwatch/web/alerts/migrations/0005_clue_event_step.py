"""Clue history on the shared HistoryEvent shape: each entry names its step (issue 14).

Existing entries get theirs from what they recorded: no previous status → "raise"; a change of status →
"status"; otherwise the note the step wrote ("移送 …" transfer, "会商：…" consultation, "…接收移送" receipt,
anything else an answer to a transfer)."""

from django.db import migrations, models


def name_steps(apps, schema_editor):  # type: ignore[no-untyped-def]
    ClueEvent = apps.get_model("alerts", "ClueEvent")
    for e in ClueEvent.objects.filter(step="").iterator():
        if not e.from_status:
            step = "raise"
        elif e.from_status != e.to_status:
            step = "status"
        elif e.note.startswith("移送 "):
            step = "transfer"
        elif e.note.startswith("会商："):
            step = "consult"
        elif "接收移送" in e.note:
            step = "receive"
        else:
            step = "answer"
        ClueEvent.objects.filter(pk=e.pk).update(step=step)


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0004_transfer_receipt_and_clock'),
    ]

    operations = [
        migrations.AddField(
            model_name='clueevent',
            name='step',
            field=models.CharField(default="", max_length=40, verbose_name='step'),
            preserve_default=False,
        ),
        migrations.RunPython(name_steps, migrations.RunPython.noop),
    ]
