"""`manage.py opinionmap DIR [--json] [--seed N]` without starting Django.

The command only reads files and runs the math, so manage.py hands it here before importing Django (whose
start-up, with every app, costs seconds on a busy server): the whole process then spends its time reading
votes and computing. Anything this parser does not know (--help, --settings, -v, ...) goes to the Django
command of the same name, which prints exactly the same output (it calls ``run`` below).
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

USAGE_FLAGS = {"--json", "--seed", "--mode"}


def parse(argv: list[str]) -> dict | None:
    """Options of the light path, or None when argv holds anything else (the Django command takes over)."""
    opts: dict = {"dir": None, "json": False, "seed": 0, "mode": "polis"}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--json":
            opts["json"] = True
        elif arg in ("--seed", "--mode") or arg.startswith(("--seed=", "--mode=")):
            name, _, value = arg.partition("=")
            if not value:
                i += 1
                if i >= len(argv):
                    return None
                value = argv[i]
            if name == "--seed":
                try:
                    opts["seed"] = int(value)
                except ValueError:
                    return None
            elif value in ("polis", "stable"):
                opts["mode"] = value
            else:
                return None
        elif arg.startswith("-") or opts["dir"] is not None:
            return None
        else:
            opts["dir"] = arg
        i += 1
    return opts if opts["dir"] is not None else None


def render(out: dict, as_json: bool, stdout: TextIO) -> None:
    if as_json:
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        return
    sizes: dict[int, int] = {}
    projected = set(out.get("projected", []))
    for pid, group in out["groups"].items():
        if pid not in projected:
            sizes[group] = sizes.get(group, 0) + 1
    stdout.write(f"k={out['k']} groups={dict(sorted(sizes.items()))} ({out['seconds']:.2f}s)\n")
    if projected:
        stdout.write(f"projected (too few votes to be clustered, placed by their votes): {len(projected)}\n")
    stdout.write(f"consensus agree={out['consensus']['agree']} disagree={out['consensus']['disagree']}\n")
    for group, ids in out["representative"].items():
        stdout.write(f"group {group}: representative {ids}\n")


def run(opts: dict, stdout: TextIO) -> None:
    """Compute and print; raises PolisExportError on a bad export."""
    from xieshang.deliberation.math.pipeline import opinionmap_json

    out = opinionmap_json(opts["dir"], seed=opts["seed"], mode=opts["mode"])
    render(out, opts["json"], stdout)


def main(argv: list[str]) -> int | None:
    """The light `opinionmap`: an exit code, or None to let Django's command handle these arguments."""
    opts = parse(argv)
    if opts is None:
        return None
    from xieshang.deliberation.math.polis_io import PolisExportError

    try:
        run(opts, sys.stdout)
    except PolisExportError as exc:
        # As Django reports a CommandError: "CommandError: <message>" on stderr, exit status 1.
        sys.stderr.write(f"CommandError: {exc}\n")
        return 1
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    if code is None:
        sys.stderr.write("usage: python -m xieshang.deliberation.cli DIR [--json] [--seed N] [--mode polis|stable]\n")
        code = 2
    raise SystemExit(code)
