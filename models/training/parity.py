"""PyTorch side of the training/serving parity test.

    .venv/bin/python models/training/parity.py models/vector-group/2026.11.27 <folder of PNGs> <out.json>

The PNGs must be exactly what `npm run datasets:prepare` writes (RGB, size×size of the package's input).
Each one goes through THE evaluation path of training (data.load_input = load_pixels + normalise, the function
train.py evaluates with), then through the PyTorch network rebuilt from the package's checkpoint.pt.
Writes `{ "files": [...], "tensors": [[flattened CHW float32 ...]], "logits": [[...]] }`, files sorted by name,
so the serving side can compare its tensors and onnxruntime logits one to one.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from data import load_input  # noqa: E402
from net import build_from_state_dict  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("package", help="models/<name>/<version>/ holding model.json and checkpoint.pt")
    parser.add_argument("pngs", help="folder of PNG files written by datasets:prepare")
    parser.add_argument("out", help="where to write the JSON")
    args = parser.parse_args(argv)

    package = Path(args.package)
    spec = json.loads((package / "model.json").read_text(encoding="utf8"))["input"]
    checkpoint = package / "checkpoint.pt"
    if not checkpoint.exists():
        raise SystemExit(f"{checkpoint} not found (packages keep it only when it is ≤ 10 MB)")
    model = build_from_state_dict(torch.load(checkpoint, map_location="cpu", weights_only=True))

    files = sorted(p for p in Path(args.pngs).iterdir() if p.suffix.lower() == ".png")
    if not files:
        raise SystemExit(f"no .png files in {args.pngs}")
    tensors = np.stack([load_input(p, spec["mean"], spec["std"], spec["size"]) for p in files])
    with torch.no_grad():
        logits = model(torch.from_numpy(tensors)).numpy()

    result = {
        "files": [p.name for p in files],
        "tensors": [t.reshape(-1).astype(np.float32).tolist() for t in tensors],
        "logits": [row.astype(np.float32).tolist() for row in logits],
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result), encoding="utf8")
    print(f"{len(files)} images → {args.out}")


if __name__ == "__main__":
    main()
