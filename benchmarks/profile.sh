#!/usr/bin/env bash
# Profiles the quick-start training step (the two-tower of examples/quickstart.yaml on ML-100K,
# `towerlab bench --worker quickstart@EPOCHS`) and writes flame graphs and top-frame tables.
#
#   benchmarks/profile.sh OUT_DIR [EPOCHS]      (default 3 epochs)
#
# - perf (if installed and allowed): every thread of the process, native frames and JIT frames
#   (-XX:+DumpPerfMapAtExit), on-CPU samples: OUT/perf.folded, OUT/perf.svg, OUT/perf-top.txt
# - JFR (in the JDK): the main thread's Java and JNI call sites, wall-clock samples
#   (jdk.ExecutionSample + jdk.NativeMethodSample): OUT/train.jfr, OUT/jfr.folded, OUT/jfr.svg,
#   OUT/jfr-top.txt
# Build first (mvn -o package -DskipTests). Environment: OMP_WAIT_POLICY (default PASSIVE).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:?usage: benchmarks/profile.sh OUT_DIR [EPOCHS]}"
EPOCHS="${2:-3}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
CP="$ROOT/trainers/cli/target/towerlab-cli.jar:$ROOT/trainers/cli/target/lib/*"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
JAVA=(java -Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1 -Dtowerlab.repo.root="$ROOT")
TOOLS="$ROOT/benchmarks/profile_tools.py"

echo "== JFR" >&2
"${JAVA[@]}" -XX:StartFlightRecording=filename="$OUT/train.jfr",settings=profile -cp "$CP" \
  org.towerlab.cli.Towerlab bench --worker "quickstart@$EPOCHS" 2>/dev/null | tee "$OUT/jfr-run.txt" >&2
jfr print --json --events jdk.NativeMethodSample,jdk.ExecutionSample "$OUT/train.jfr" > "$OUT/jfr.json"
python3 "$TOOLS" jfr "$OUT/jfr.json" main > "$OUT/jfr.folded"
python3 "$TOOLS" svg "$OUT/jfr.folded" "JFR, main thread, quick start, $EPOCHS epochs" > "$OUT/jfr.svg"
python3 "$TOOLS" top "$OUT/jfr.folded" 40 > "$OUT/jfr-top.txt"
rm -f "$OUT/jfr.json"

if command -v perf >/dev/null 2>&1; then
  echo "== perf" >&2
  perf record -F 199 -g -o "$OUT/perf.data" -- "${JAVA[@]}" -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit \
    -XX:+PreserveFramePointer -cp "$CP" org.towerlab.cli.Towerlab bench --worker "quickstart@$EPOCHS" \
    2>/dev/null | tee "$OUT/perf-run.txt" >&2
  perf script -i "$OUT/perf.data" 2>/dev/null > "$OUT/perf.txt"
  python3 "$TOOLS" perf "$OUT/perf.txt" > "$OUT/perf.folded"
  python3 "$TOOLS" svg "$OUT/perf.folded" "perf, all threads, quick start, $EPOCHS epochs" > "$OUT/perf.svg"
  python3 "$TOOLS" top "$OUT/perf.folded" 40 > "$OUT/perf-top.txt"
  rm -f "$OUT/perf.txt" "$OUT/perf.data"
fi
echo "profiles in $OUT" >&2
