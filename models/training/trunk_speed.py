"""Serving cost of the candidate trunks: ONNX size and onnxruntime images/s, measured side by side.

    .venv/bin/python models/training/trunk_speed.py [--seconds 10]

Exports each trunk (the pooled-feature network a package would wrap with its head) to ONNX in a temporary folder, also
as a dynamically uint8-quantised copy (onnxruntime.quantization), and times `session.run` on batches of 8 with 2
intra-op threads (what the inference workers use), the configurations interleaved round by round so that load from
other work on the machine hits them alike. Prints one JSON line per configuration.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic

sys.path.insert(0, str(Path(__file__).resolve().parent))

from features import load_trunk  # noqa: E402

CANDIDATES = (("nsfwjs-mobilenet-v2", 160), ("nsfwjs-mobilenet-v2", 224), ("nsfwjs-inception-v3", 224), ("nsfwjs-inception-v3", 299))
BATCH = 8


def export(trunk: torch.nn.Module, size: int, path: Path) -> None:
    torch.onnx.export(trunk, torch.zeros(1, 3, size, size), str(path), input_names=["input"], output_names=["features"],
                      dynamic_axes={"input": {0: "n"}, "features": {0: "n"}}, opset_version=18, dynamo=False)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="timed seconds per configuration")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="trunk_speed_"))
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    options.inter_op_num_threads = 1
    configs = []
    for backbone, size in CANDIDATES:
        trunk = load_trunk(backbone)
        fp32 = work / f"{backbone}-{size}.onnx"
        export(trunk, size, fp32)
        uint8 = work / f"{backbone}-{size}.uint8.onnx"
        quantize_dynamic(str(fp32), str(uint8), weight_type=QuantType.QUInt8)
        x = np.random.default_rng(0).random((BATCH, 3, size, size), dtype=np.float32)
        with torch.no_grad():
            reference = trunk(torch.from_numpy(x)).numpy()
        for kind, path in (("fp32", fp32), ("uint8", uint8)):
            session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            out = session.run(None, {"input": x})[0]
            configs.append({"backbone": backbone, "size": size, "weights": kind, "session": session, "x": x,
                            "mb": round(path.stat().st_size / 1e6, 1),
                            "maxAbsDiffVsTorch": float(np.abs(out - reference).max()), "images": 0, "seconds": 0.0})
    rounds = 5
    for _ in range(rounds):
        for c in configs:
            started = time.perf_counter()
            while time.perf_counter() - started < args.seconds / rounds:
                c["session"].run(None, {"input": c["x"]})
                c["images"] += BATCH
            c["seconds"] += time.perf_counter() - started
    for c in configs:
        print(json.dumps({"backbone": c["backbone"], "size": c["size"], "weights": c["weights"], "onnxMB": c["mb"],
                          "imagesPerSecond": round(c["images"] / c["seconds"], 1),
                          "maxAbsDiffVsTorch": round(c["maxAbsDiffVsTorch"], 5)}), flush=True)


if __name__ == "__main__":
    main()
