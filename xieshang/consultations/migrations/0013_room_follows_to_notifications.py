"""Room follows become the platform's follows (notifications.Follow, decision 0037): each row is copied, with its
date, as a daily in-app follow of the room, then the room's own table goes."""

from django.db import migrations


def copy_follows(apps, schema_editor):
    RoomFollow = apps.get_model("consultations", "Follow")
    Follow = apps.get_model("notifications", "Follow")
    ContentType = apps.get_model("contenttypes", "ContentType")
    room_type, _created = ContentType.objects.get_or_create(app_label="consultations", model="room")
    rows = [
        Follow(
            user_id=row.user_id,
            content_type_id=room_type.pk,
            object_id=row.room_id,
            organization_id=row.room.organization_id,
            created_at=row.created_at,
        )
        for row in RoomFollow.objects.select_related("room").iterator()
    ]
    Follow.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


def copy_back(apps, schema_editor):
    RoomFollow = apps.get_model("consultations", "Follow")
    Follow = apps.get_model("notifications", "Follow")
    ContentType = apps.get_model("contenttypes", "ContentType")
    room_type = ContentType.objects.filter(app_label="consultations", model="room").first()
    if room_type is None:
        return
    RoomFollow.objects.bulk_create(
        [
            RoomFollow(room_id=row.object_id, user_id=row.user_id, created_at=row.created_at)
            for row in Follow.objects.filter(content_type_id=room_type.pk)
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0012_handling_kind"),
        ("notifications", "0004_follows"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_follows, copy_back),
        migrations.DeleteModel(name="Follow"),
    ]
