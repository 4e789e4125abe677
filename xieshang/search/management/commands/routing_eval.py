import json

from django.core.management.base import BaseCommand, CommandError

from xieshang.search.text.evaluation import EvaluationDataError, evaluate_routing


class Command(BaseCommand):
    help = "Train the routing model on TRAIN.csv, predict TEST.csv, report accuracy (CSV: text,label[,title])."

    def add_arguments(self, parser):
        parser.add_argument("--train", required=True, help="CSV with a header holding text and label (title optional)")
        parser.add_argument("--test", required=True, help="CSV in the same format")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, train, test, json=False, **options):
        try:
            result = evaluate_routing(train, test)
        except EvaluationDataError as exc:
            raise CommandError(str(exc)) from None
        report = {key: result[key] for key in ("n", "accuracy", "top3", "macro_f1", "seconds")}
        if json:
            self.stdout.write(_dumps(report))
        else:
            for key, value in {**report, "method": result.get("method")}.items():
                self.stdout.write(f"{key}: {value}")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
