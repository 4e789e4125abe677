from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("opinions", "0004_instructions_to_base")]

    operations = [migrations.DeleteModel(name="Instruction")]
