from django.db import migrations, models
from django.db.models import Min, OuterRef, Q, Subquery


def fill(apps, schema_editor):
    Proposal = apps.get_model("proposals", "Proposal")
    Reply = apps.get_model("proposals", "Reply")
    first = (
        Reply.objects.filter(proposal=OuterRef("pk"), is_published=True)
        .order_by()
        .values("proposal")
        .annotate(at=Min("published_at"))
        .values("at")
    )
    with_published = Reply.objects.filter(is_published=True).values("proposal_id")
    Proposal.objects.filter(pk__in=with_published).update(published_reply_at=Subquery(first))


class Migration(migrations.Migration):
    dependencies = [("proposals", "0013_signed_letters")]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="published_reply_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="答复首次公开时间"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(
                condition=Q(published_reply_at__isnull=False),
                fields=["organization", "-year", "-seq", "-id"],
                name="prop_public_idx",
            ),
        ),
    ]
