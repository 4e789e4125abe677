import json

from django.core.management.base import BaseCommand, CommandError

from xieshang.search.text.evaluation import EvaluationDataError, evaluate_similarity


class Command(BaseCommand):
    help = 'Score labeled text pairs with the product\'s similarity (JSONL: {"a": ..., "b": ..., "label": 0|1}).'

    def add_arguments(self, parser):
        parser.add_argument("pairs", help="JSONL file, one labeled pair per line")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, pairs, json=False, **options):
        try:
            result = evaluate_similarity(pairs)
        except EvaluationDataError as exc:
            raise CommandError(str(exc)) from None
        report = {key: result[key] for key in ("n", "auc", "best_f1", "seconds")}
        if json:
            self.stdout.write(_dumps(report))
        else:
            for key, value in {**report, "threshold": result.get("threshold")}.items():
                self.stdout.write(f"{key}: {value}")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
