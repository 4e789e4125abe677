#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "opinionmap":
        # Reads files and computes only: runs without starting Django (xieshang/deliberation/cli.py).
        from xieshang.deliberation.cli import main as opinionmap_main

        code = opinionmap_main(sys.argv[2:])
        if code is not None:
            sys.exit(code)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
