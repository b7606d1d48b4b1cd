#!/usr/bin/env bash
# Creates (once) the Python virtual environment with a pinned MLflow server used by the
# tracking tests and .ci/run, then prints the venv's python path on stdout (nothing else).
#
#   scripts/mlflow-venv.sh          the pinned 2.x server (2.17.2), the one every MLflow test uses
#   scripts/mlflow-venv.sh 3        the pinned 3.x server (see MLFLOW3_VERSION), for the opt-in
#                                   3.x tests (-Dtowerlab.mlflow3=true) and the UI screenshots
#
#   TOWERLAB_MLFLOW_VENV   venv directory of the 2.x server
#                          (default ${XDG_CACHE_HOME:-$HOME/.cache}/towerlab/mlflow-venv-2.17.2)
#   TOWERLAB_MLFLOW3_VENV  venv directory of the 3.x server
#                          (default ${XDG_CACHE_HOME:-$HOME/.cache}/towerlab/mlflow-venv-<3.x version>)
#   TOWERLAB_PYTHON        interpreter used to create it (default python3)
#
# Idempotent: a venv whose python imports mlflow 2.17.2 is reused. (mlflow 2.17.2 needs no extra
# package for `mlflow server --app-name basic-auth`; its default admin is admin/password.)
# A half-built venv (interrupted pip) is detected by the marker file and rebuilt.
set -euo pipefail

MLFLOW3_VERSION=3.17.2
if [[ "${1:-2}" == 3* ]]; then
  MLFLOW_VERSION=$MLFLOW3_VERSION
  VENV="${TOWERLAB_MLFLOW3_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/towerlab/mlflow-venv-${MLFLOW_VERSION}}"
  # 3.x resolves its own dependency pins; its basic-auth app needs the [auth] extra (Flask-WTF)
  PKG="mlflow[auth]==${MLFLOW_VERSION}"
  EXTRA=()
else
  MLFLOW_VERSION=2.17.2
  VENV="${TOWERLAB_MLFLOW_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/towerlab/mlflow-venv-${MLFLOW_VERSION}}"
  # mlflow 2.17.2 caps none of these, but its sqlite store imports names that SQLAlchemy 2.1 removed
  # (FallbackAsyncAdaptedQueuePool): pin what the 2024 release was built against.
  PKG="mlflow==${MLFLOW_VERSION}"
  EXTRA=("sqlalchemy>=1.4,<2.1")
fi
PY="${TOWERLAB_PYTHON:-python3}"
MARKER="$VENV/.towerlab-ready-${MLFLOW_VERSION}"

if [[ -f "$MARKER" && -x "$VENV/bin/python" ]]; then
  echo "$VENV/bin/python"
  exit 0
fi

if ! command -v "$PY" >/dev/null 2>&1; then
  echo "mlflow-venv.sh: '$PY' not found. Install Python 3.9+ (with the venv module) or set" \
       "TOWERLAB_PYTHON to an interpreter; to skip the MLflow tests run Maven with" \
       "-Dtowerlab.mlflow.skip=true." >&2
  exit 3
fi

# A lock so that two builds creating the venv at the same time do not corrupt it.
mkdir -p "$(dirname "$VENV")"
exec 9>"$VENV.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if [[ -f "$MARKER" && -x "$VENV/bin/python" ]]; then
  echo "$VENV/bin/python"
  exit 0
fi

rm -rf "$VENV"
"$PY" -m venv "$VENV" >&2
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$PKG" \
  ${EXTRA[@]+"${EXTRA[@]}"} >&2
"$VENV/bin/python" -c "import mlflow, mlflow.server.auth, mlflow.store.db.utils; assert mlflow.__version__ == '${MLFLOW_VERSION}', mlflow.__version__" >&2
touch "$MARKER"
echo "$VENV/bin/python"
