#!/usr/bin/env bash
# Build smscodec's Cython kernels with AddressSanitizer and UndefinedBehaviorSanitizer in a
# scratch copy of the source, then run the whole test suite and the fuzz seed corpus (plus a
# short burst of random fuzz inputs) against that build.
#
#   scripts/sanitize.sh                  # worktree as it is, the Python on PATH (or $PYTHON)
#   PYTHON=/path/to/venv/bin/python scripts/sanitize.sh
#   SANITIZE_SOURCE=head scripts/sanitize.sh   # the last commit instead of the worktree
#   FUZZ_SECONDS=10 scripts/sanitize.sh        # longer random burst per fuzz target
#   SANITIZE_PYTEST_ARGS="-x -k gsm7" scripts/sanitize.sh
#   SANITIZE_SKIP_TESTS=1 FUZZ_SECONDS=60 FUZZ_TARGETS=segments,decode_gsm7 scripts/sanitize.sh
#                                              # a longer sanitized fuzz burst only
#
# The Python running it needs the build and test requirements (cython, numpy, setuptools,
# pytest, hypothesis, pytest-benchmark; pyarrow/pandas/dask for the optional tests).
# Nothing is installed and the checkout is not touched: the build lives in a temp dir.
#
# How the runtime is loaded: CPython itself is not built with ASan, so the sanitizer
# runtimes must be in the process before anything else, hence
#   LD_PRELOAD=$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)
# Options, and why:
#   ASAN_OPTIONS=detect_leaks=0   CPython does not free everything at exit by design
#                                 (interned strings, static types, module state), so
#                                 LeakSanitizer would report thousands of "leaks" that
#                                 are not ours; tests/test_leaks.py checks our kernels'
#                                 memory instead (tracemalloc; RSS is skipped under ASan,
#                                 whose quarantine holds freed memory on purpose).
#   PYTHONMALLOC=malloc           every Python object through malloc, so that ASan puts
#                                 red zones around bytes/str buffers the kernels read
#                                 (pymalloc's arenas would hide a small over-read).
#   UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1   the first undefined behaviour
#                                 (signed overflow, bad shift, misaligned load) fails the run.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-python3}
CC=${CC:-gcc}
FUZZ_SECONDS=${FUZZ_SECONDS:-2}
SOURCE=${SANITIZE_SOURCE:-worktree}
ARTIFACTS=${SANITIZE_ARTIFACTS:-${TMPDIR:-/tmp}/smscodec-sanitize-artifacts}

ASAN_LIB=$("$CC" -print-file-name=libasan.so)
UBSAN_LIB=$("$CC" -print-file-name=libubsan.so)
for lib in "$ASAN_LIB" "$UBSAN_LIB"; do
    if [[ ! -e "$lib" ]]; then
        echo "sanitize.sh: $CC has no $(basename "$lib") (install the compiler's sanitizer runtime)" >&2
        exit 2
    fi
done

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/smscodec-sanitize.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
echo "=== scratch copy ($SOURCE) in $SCRATCH"
if [[ "$SOURCE" == "head" ]]; then
    git -C "$ROOT" archive HEAD | tar -x -C "$SCRATCH"
else
    # Tracked and untracked-but-not-ignored files: what a fresh clone plus local edits holds.
    (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard) \
        | (cd "$ROOT" && xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"') \
        | (cd "$ROOT" && tar --null -T - -cf -) | tar -x -C "$SCRATCH"
fi
# Never reuse objects built without the sanitizers.
find "$SCRATCH/src" \( -name '*.so' -o -name '_*_c.c' \) -delete
rm -rf "$SCRATCH/build" "$SCRATCH/src/build"

echo "=== building the kernels with -fsanitize=address,undefined"
(
    cd "$SCRATCH"
    CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -O1 -g" \
        LDFLAGS="-fsanitize=address,undefined" \
        SMSCODEC_REQUIRE_EXTENSIONS=1 \
        "$PY" setup.py -q build_ext --inplace
)
# Make sure the instrumentation is really in every kernel (CFLAGS can be lost on the way).
for so in "$SCRATCH"/src/smscodec/_*_c.*.so; do
    symbols=$(nm -D --undefined-only "$so")
    if ! grep -q __asan_ <<<"$symbols" || ! grep -q __ubsan_ <<<"$symbols"; then
        echo "sanitize.sh: $so is not instrumented with ASan and UBSan" >&2
        exit 2
    fi
    echo "instrumented: $(basename "$so")"
done

export LD_PRELOAD="$ASAN_LIB:$UBSAN_LIB"
export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export PYTHONMALLOC=malloc
export PYTHONPATH="$SCRATCH/src"
export SMSCODEC_REQUIRE_EXTENSIONS=1
export SMSCODEC_SANITIZED=1

cd "$SCRATCH"
"$PY" - <<'PY'
import smscodec, sys
print(f"smscodec {smscodec.__version__} backend={smscodec.BACKEND} from {smscodec.__file__}")
if not smscodec.USE_EXTENSIONS:
    sys.exit("the sanitized kernels did not load")
PY

status=0
if [[ "${SANITIZE_SKIP_TESTS:-0}" == "0" ]]; then
    echo "=== test suite under ASan + UBSan (slow tests included)"
    # shellcheck disable=SC2086
    "$PY" -m pytest -p no:cacheprovider -q tests ${SANITIZE_PYTEST_ARGS:-} || status=$?
fi

echo "=== fuzz seed corpus under ASan + UBSan"
"$PY" fuzz/run.py --seeds-only --targets "${FUZZ_TARGETS:-}" --artifacts "$ARTIFACTS" || status=$?

echo "=== random fuzz inputs under ASan + UBSan (${FUZZ_SECONDS} s per target)"
"$PY" fuzz/run.py --engine random --seconds "$FUZZ_SECONDS" --targets "${FUZZ_TARGETS:-}" \
    --artifacts "$ARTIFACTS" || status=$?

if [[ $status -ne 0 ]]; then
    echo "sanitize.sh: FAILED (status $status); failing fuzz inputs, if any, are in $ARTIFACTS" >&2
else
    echo "sanitize.sh: clean"
fi
exit $status
