from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstructionsConfig(AppConfig):
    name = "xieshang.instructions"
    label = "instructions"
    verbose_name = _("领导批示")

    def ready(self):
        from xieshang.core import warmup

        from . import personal_data

        personal_data.register_sources()
        warmup.register(load_content_types)


def load_content_types() -> None:
    """Every content type in the per-process cache, in one query, as a web worker boots: an instruction is found
    through its subject's content type (a GenericRelation join), which would otherwise cost a query in the first
    request that counts or lists instructions (the annual report's figures, a report's or proposal's page)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_models(*apps.get_models())
