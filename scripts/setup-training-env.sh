#!/usr/bin/env bash
# Sets up what models/training needs, skipping whatever is already in place:
#  - .venv with PyTorch CPU, ONNX and onnxruntime (models/training/requirements.txt);
#  - var/pretrained/nsfwjs: the npm package nsfwjs, whose MobileNetV2 weights the models start from (ADR 0006).
# Where the machine has a local package mirror, pip is pointed at it: the public index is unreachable there
# and pip would spend minutes retrying it.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! { [ -x .venv/bin/python ] && .venv/bin/python -c 'import torch, onnx, onnxruntime, numpy, PIL' 2>/dev/null; }; then
  python3 -m venv .venv
  mirror=()
  if [ -d /opt/pypi/simple ]; then mirror=(--index-url file:///opt/pypi/simple); fi
  .venv/bin/pip install --quiet "${mirror[@]}" -r models/training/requirements.txt
fi

NSFWJS_VERSION=4.3.0
pretrained=var/pretrained/nsfwjs
if [ "$(node -p "require('./$pretrained/package.json').version" 2>/dev/null)" != "$NSFWJS_VERSION" ]; then
  rm -rf "$pretrained" && mkdir -p "$pretrained"
  # npm checks the tarball against the registry's integrity hash; only the weights are used, not the library.
  tarball=$(npm pack "nsfwjs@$NSFWJS_VERSION" --pack-destination "$pretrained" --silent)
  tar -xzf "$pretrained/$tarball" -C "$pretrained" --strip-components=1
  rm "$pretrained/$tarball"
fi
