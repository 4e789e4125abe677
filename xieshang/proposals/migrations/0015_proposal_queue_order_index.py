from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("proposals", "0014_proposal_published_reply_at")]

    operations = [
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(fields=["organization", "due_on", "submitted_at", "id"], name="prop_queue_order_idx"),
        ),
    ]
