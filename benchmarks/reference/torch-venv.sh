#!/usr/bin/env bash
# Creates (once) the Python virtual environment with the pinned PyTorch used by the eager-mode
# reference of `towerlab bench --compare-pytorch`, then prints the venv's python path on stdout
# (nothing else).
#
#   TOWERLAB_TORCH_VENV   venv directory
#                         (default ${XDG_CACHE_HOME:-$HOME/.cache}/towerlab/torch-venv-2.7.1)
#   TOWERLAB_PYTHON       interpreter used to create it (default python3)
#
# torch 2.7.1 is the PyTorch that DJL 0.36's pytorch-native-cpu bundles, so both sides of the
# comparison run the same kernels. PyPI's Linux x86_64 wheel of torch is the CUDA build: it pulls
# the nvidia-* runtime wheels (about 3 GB to download, 7 GB installed) although the reference runs
# on the CPU only; `import torch` needs them. The venv is cached and reused.
#
# Idempotent: a venv carrying the marker file is reused; a half-built venv is rebuilt.
set -euo pipefail

TORCH_VERSION=2.7.1
NUMPY_VERSION=2.2.6
VENV="${TOWERLAB_TORCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/towerlab/torch-venv-${TORCH_VERSION}}"
PY="${TOWERLAB_PYTHON:-python3}"
MARKER="$VENV/.towerlab-ready-${TORCH_VERSION}"

if [[ -f "$MARKER" && -x "$VENV/bin/python" ]]; then
  echo "$VENV/bin/python"
  exit 0
fi

if ! command -v "$PY" >/dev/null 2>&1; then
  echo "torch-venv.sh: '$PY' not found. Install Python 3.9+ (with the venv module) or set" \
       "TOWERLAB_PYTHON to an interpreter." >&2
  exit 3
fi

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
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "torch==${TORCH_VERSION}" \
  "numpy==${NUMPY_VERSION}" >&2
"$VENV/bin/python" -c "import torch, numpy; assert torch.__version__.split('+')[0] == '${TORCH_VERSION}', torch.__version__; torch.ones(2).sum()" >&2
touch "$MARKER"
echo "$VENV/bin/python"
