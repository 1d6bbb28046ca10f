#!/usr/bin/env bash
# Build the documentation and run every example on it, with warnings as errors.
#
#   bash docs/build.sh            # HTML in docs/_build/html, then the doctests
#
# Needs smscodec installed with the docs extra (pip install ".[docs]"); the examples run
# against whichever backend is live, so CI runs this twice: as is, and with
# SMSCODEC_NO_EXTENSIONS=1 (the pure-Python twins).  Exits non-zero on any warning, any
# failed example, or a build that ran no example at all.
set -euo pipefail
cd "$(dirname "$0")"

PY=${PYTHON:-python}
OUT=${DOCS_BUILD_DIR:-_build}
backend=$("$PY" -c "import smscodec; print(smscodec.BACKEND)")
echo "docs: smscodec $("$PY" -c "import smscodec; print(smscodec.__version__)") (backend=$backend)"

# Fresh output: a stale environment would hide a warning of a page that did not change.
rm -rf "$OUT/html" "$OUT/doctest" "$OUT/doctrees"

"$PY" -m sphinx -W --keep-going -q -b html -d "$OUT/doctrees" . "$OUT/html"
"$PY" -m sphinx -W --keep-going -q -b doctest -d "$OUT/doctrees" . "$OUT/doctest"

# The doctest builder's summary: refuse a run that tested nothing (a page that lost its
# examples, a builder that found none).
summary="$OUT/doctest/output.txt"
tests=$(sed -n 's/^ *\([0-9][0-9]*\) tests*$/\1/p' "$summary" | head -n 1)
failures=$(sed -n 's/^ *\([0-9][0-9]*\) failures* in tests*$/\1/p' "$summary" | head -n 1)
if [ -z "$tests" ] || [ "$tests" -eq 0 ]; then
    echo "docs: the doctest builder ran no example" >&2
    exit 1
fi
echo "docs: ${tests} examples passed, ${failures:-0} failed (backend=$backend); HTML in docs/$OUT/html"
