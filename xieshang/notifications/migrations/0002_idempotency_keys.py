import uuid

from django.conf import settings
from django.db import migrations, models


def fill_keys(apps, schema_editor):
    SmsMessage = apps.get_model("notifications", "SmsMessage")
    for pk in SmsMessage.objects.filter(key__isnull=True).values_list("pk", flat=True).iterator():
        SmsMessage.objects.filter(pk=pk).update(key=str(uuid.uuid4()))


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="key",
            field=models.CharField(blank=True, default="", max_length=120),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(
                condition=models.Q(("key", ""), _negated=True),
                fields=("recipient", "key"),
                name="uniq_notification_key",
            ),
        ),
        migrations.AddField(
            model_name="smsmessage",
            name="key",
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="smsmessage",
            name="key",
            field=models.CharField(default=uuid.uuid4, max_length=120, unique=True),
        ),
    ]
