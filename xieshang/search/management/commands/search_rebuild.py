from django.core.management.base import BaseCommand, CommandError

from xieshang.search import registry
from xieshang.search.services import rebuild
from xieshang.search.similar import forget


class Command(BaseCommand):
    help = "Re-index every object of the registered search document types (or of one type) and drop stale rows."

    def add_arguments(self, parser):
        parser.add_argument("--type", dest="doc_type", help="only this document type")

    def handle(self, *args, doc_type=None, verbosity=1, **options):
        if doc_type:
            try:
                registry.get_document_type(doc_type)
            except LookupError as exc:
                keys = ", ".join(t.key for t in registry.document_types()) or "-"
                raise CommandError(f"unknown type {doc_type!r}; registered: {keys}") from exc

        def progress(key, done, total):
            if verbosity > 1:
                self.stdout.write(f"{key}: {done}/{total}")

        n = rebuild(doc_type, progress=progress)
        forget()
        self.stdout.write(self.style.SUCCESS(f"indexed {n} documents"))
