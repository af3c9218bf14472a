#!/usr/bin/env bash
# Regenerate constraints.txt: the exact versions the README's commands and .ci/run install.
#
# Run it when a dependency's minimum changes in pyproject.toml, or to move the tested set of
# versions forward on purpose (then run the whole suite with the new file before committing
# it). It resolves every extra in a throwaway venv, so the file covers what any of the
# README's commands can install, and pins nothing briefgen does not need.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="$(mktemp -d)/venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q -e '.[test,serve,dask]'
{
  echo "# The versions the README's commands and .ci/run install (pip install ... -c constraints.txt)."
  echo "# Regenerate with tools/refresh_constraints.sh; generated on $(date -u +%F) with $("$venv/bin/python" -V)."
  "$venv/bin/pip" freeze --exclude-editable --all | grep -v -E '^(pip|setuptools|wheel)=='
} > constraints.txt
rm -rf "$(dirname "$venv")"
echo "constraints.txt: $(grep -c '==' constraints.txt) pins"
