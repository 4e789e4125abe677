from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "xieshang.search"
    label = "search"
    verbose_name = _("检索")

    def ready(self):
        import rules
        from django.db.models.signals import post_save

        from xieshang.accounts.models import HandlingUnit
        from xieshang.core import navigation, warmup

        from . import kept, lexicon, routing_store, similar, tokens  # noqa: F401 - they register their caches
        from .dictionary import unit_saved

        post_save.connect(unit_saved, sender=HandlingUnit, dispatch_uid="search.unit_saved")
        kept.register()
        warmup.register(lexicon.current_segmenter)  # the dictionary, loaded as a web worker boots
        navigation.register(
            navigation.NavEntry(
                "search", _("检索"), "search:search", lambda u, o: rules.has_perm("search.search", u), order=50
            )
        )
        navigation.register(
            navigation.NavEntry(
                "search_dictionary",
                _("分词词典"),
                "search:dictionary",
                lambda u, o: o is not None and rules.has_perm("search.change_dictionaryword", u, o),
                order=960,
            )
        )
