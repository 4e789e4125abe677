from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from xieshang.accounts.models import Organization, User
from xieshang.deliberation.models import Conversation
from xieshang.deliberation.polis import read_export_dir
from xieshang.deliberation.services import SystemActor, polis_import


class Command(BaseCommand):
    help = (
        "Import a Polis export folder (comments.csv, votes.csv and/or participants-votes.csv, summary.csv) into an "
        "empty conversation (--conversation ID) or a new one (--new-title T --organization CODE). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--conversation", type=int, help="id of an empty conversation")
        target.add_argument("--new-title", help="title of a new conversation")
        parser.add_argument("--organization", help="code of the organization owning the new conversation")
        parser.add_argument(
            "--as-user",
            help="username recorded as the importer (needs committee, proposals or information staff rights); "
            "without it the import is recorded as a system action",
        )

    def handle(self, *args, **options):
        actor = SystemActor("manage.py import_polis")
        if options["as_user"]:
            actor = User.objects.filter(username=options["as_user"]).first()
            if actor is None:
                raise CommandError(f"no user {options['as_user']!r}")
        conversation = organization = None
        if options["conversation"] is not None:
            conversation = Conversation.objects.filter(pk=options["conversation"]).first()
            if conversation is None:
                raise CommandError(f"no conversation {options['conversation']}")
        else:
            if not options["organization"]:
                raise CommandError("--new-title needs --organization CODE")
            organization = Organization.objects.filter(code=options["organization"]).first()
            if organization is None:
                raise CommandError(f"no organization with code {options['organization']!r}")
        try:
            export = read_export_dir(options["dir"])
            result = polis_import(
                actor=actor,
                export=export,
                conversation=conversation,
                organization=organization,
                title=options["new_title"] or "",
                source=str(options["dir"]),
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(f"{actor} may not import into this organization") from exc
        n_votes = result.votes.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"conversation {result.pk} «{result.title}»: {result.statements.count()} statements, "
                f"{result.participants.count()} participants, {n_votes} votes"
            )
        )
