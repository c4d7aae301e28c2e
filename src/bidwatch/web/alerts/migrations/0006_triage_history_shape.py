"""An alert's triage history on the shared HistoryEvent shape (issue 14): ``action`` becomes ``step`` and
``reason`` becomes ``note``, renamed in place so that every existing decision keeps its value."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0005_clue_event_step'),
    ]

    operations = [
        migrations.RenameField(model_name='triageaction', old_name='action', new_name='step'),
        migrations.RenameField(model_name='triageaction', old_name='reason', new_name='note'),
        migrations.AlterField(
            model_name='triageaction',
            name='step',
            field=models.CharField(max_length=40, verbose_name='step'),
        ),
        migrations.AlterField(
            model_name='triageaction',
            name='note',
            field=models.TextField(blank=True, verbose_name='note'),
        ),
    ]
