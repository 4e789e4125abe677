from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("proposals", "0019_key_instructions_to_base")]

    operations = [migrations.DeleteModel(name="KeyInstruction")]
