#!/usr/bin/env bash
# Creates .venv with what models/training needs (PyTorch CPU, ONNX, onnxruntime), unless it is already there.
# Where the machine has a local package mirror, pip is pointed at it first: the public index is unreachable there
# and pip would spend minutes retrying it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x .venv/bin/python ] && .venv/bin/python -c 'import torch, onnx, onnxruntime, numpy, PIL' 2>/dev/null; then
  exit 0
fi
python3 -m venv .venv
mirror=()
if [ -d /opt/pypi/simple ]; then mirror=(--index-url file:///opt/pypi/simple); fi
.venv/bin/pip install --quiet "${mirror[@]}" -r models/training/requirements.txt
