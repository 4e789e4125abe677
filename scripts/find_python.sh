#!/usr/bin/env bash
# Print a Python 3.12 interpreter: the one pyenv selects from .python-version, else python3.12 on PATH.
cd "$(dirname "$0")/.."
want=$(cut -d. -f1,2 .python-version)
for candidate in "$(command -v pyenv >/dev/null && pyenv which "python$want" 2>/dev/null)" "$(command -v "python$want")" \
                 "$(command -v python3)"; do
  [ -n "$candidate" ] && [ -x "$candidate" ] || continue
  version=$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
  if [ "$version" = "$want" ]; then echo "$candidate"; exit 0; fi
done
echo "Python $want was not found. Install it (e.g. 'pyenv install $want' or your system's python$want package)" \
     "and run again." >&2
exit 1
