#!/bin/sh
# The GPU job of issue 25, as one command on a fresh GPU machine (gpu/README.md):
#   OUT=/path/to/results sh gpu/run.sh [05] [06]      (or: make gpu-run GPU_CHAPTERS=05 OUT=...)
# It installs the carried wheels (.whl/) when the Python it runs lacks Jupyter's execution packages, points
# the course at the carried dataset archives (.devdata/), runs the pending chapters in gpu/ in full mode
# (GPU_MODE=smoke for a quick check) with the course's own tool, and packs the results into $OUT.
set -eu
cd "$(dirname "$0")/.."
PY="${GPU_PYTHON:-python3}"
OUT="${OUT:?set OUT to the folder the results go to}"
if ! "$PY" -c "import nbclient, ipykernel, nbformat" 2>/dev/null; then
    SITE="${GPU_SITE:-/tmp/site}"
    "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target "$SITE" .whl/*.whl
    PYTHONPATH="$SITE${PYTHONPATH:+:$PYTHONPATH}"
fi
PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
COURSE_DATA_MIRROR="${COURSE_DATA_MIRROR:-$PWD/.devdata}"
export PYTHONPATH COURSE_DATA_MIRROR PYTHONUNBUFFERED=1
"$PY" -c "import torch; print('torch', torch.__version__, '· cuda:', torch.cuda.is_available())"
mkdir -p "$OUT"
status=0
"$PY" gpu/job.py run --mode "${GPU_MODE:-full}" --out "$OUT" "$@" >"$OUT/log.txt" 2>&1 || status=$?
cat "$OUT/log.txt"
exit "$status"
