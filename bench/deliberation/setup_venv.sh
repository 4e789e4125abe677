#!/usr/bin/env bash
# Create bench/.venv-deliberation with red-dwarf for the opinion-map benchmark.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/../.venv-deliberation"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q -r "$here/requirements.txt"
"$venv/bin/python" -c "import reddwarf, numpy, scipy, sklearn; print('ok', numpy.__version__)"
