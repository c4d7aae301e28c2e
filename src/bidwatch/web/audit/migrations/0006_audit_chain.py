"""The audit log becomes tamper-evident: a hash chain over the existing entries, then triggers that
refuse UPDATE and DELETE; the user link no longer changes when a user is deleted."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def chain_existing(apps, schema_editor):
    from bidwatch.web.audit.chain import FIELDS, GENESIS, entry_hash, normalise_ip

    AuditEntry = apps.get_model("audit", "AuditEntry")
    prev = GENESIS
    for row in AuditEntry.objects.order_by("id").values_list(*FIELDS).iterator(chunk_size=2000):
        values = dict(zip(FIELDS, row, strict=True))
        values["ip"] = normalise_ip(values["ip"])
        digest = entry_hash(prev, **{k: values[k] for k in FIELDS[3:]})
        AuditEntry.objects.filter(pk=values["id"]).update(prev_hash=prev, hash=digest, ip=values["ip"])
        prev = digest


def install_triggers(apps, schema_editor):
    from bidwatch.web.audit.chain import TRIGGERS

    for sql in TRIGGERS.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    from bidwatch.web.audit.chain import DROP_TRIGGERS

    for sql in DROP_TRIGGERS.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0005_alter_auditentry_action'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='hash'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='prev_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="previous entry's hash"),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='action',
            field=models.CharField(choices=[('login', 'Logged in'), ('login_failed', 'Failed login'), ('logout', 'Logged out'), ('view_evidence', 'Viewed evidence'), ('view', 'Viewed case data'), ('upload', 'Uploaded a dataset'), ('import', 'Imported a dataset'), ('scan', 'Started a scan'), ('triage', 'Triaged an alert'), ('clue_create', 'Raised a clue'), ('clue_update', 'Updated a clue'), ('complaint', 'Handled a complaint'), ('export', 'Exported a report'), ('registry', 'Changed the sanctions registry'), ('rectification', 'Changed the rectification ledger'), ('user', 'Changed a user account'), ('change', 'Changed a record'), ('refused', 'Refused access')], db_index=True, max_length=30, verbose_name='action'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False, verbose_name='time'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.RunPython(install_triggers, drop_triggers),
    ]
