"""ONNX export and the onnxruntime-vs-PyTorch check."""
from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch

OPSET = 18
MAX_MODEL_BYTES = 20 * 1024 * 1024
PARITY_TOLERANCE = 1e-4


def export_onnx(model: torch.nn.Module, size: int, path: Path) -> None:
    """input `input` float32 [N,3,S,S] (dynamic N) → output `logits` float32 [N,K], one self-contained file."""
    model = model.eval()
    example = torch.zeros(2, 3, size, size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = torch.onnx.export(
            model, (example,), dynamo=True, opset_version=OPSET,
            input_names=["input"], output_names=["logits"],
            dynamic_shapes={"x": {0: torch.export.Dim("batch", min=1, max=4096)}},
            verbose=False,
        )
    program.optimize()
    proto = program.model_proto
    proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param = "N"
    proto.graph.output[0].type.tensor_type.shape.dim[0].dim_param = "N"
    onnx.save_model(proto, str(path), save_as_external_data=False)
    check_onnx(path, size)


def check_onnx(path: Path, size: int) -> None:
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto, full_check=True)
    opset = max(op.version for op in proto.opset_import if op.domain in ("", "ai.onnx"))
    assert opset >= 17, f"opset {opset} < 17"
    (inp,) = proto.graph.input
    (out,) = proto.graph.output
    assert inp.name == "input" and out.name == "logits", (inp.name, out.name)
    dims = inp.type.tensor_type.shape.dim
    assert inp.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert dims[0].dim_param and [d.dim_value for d in dims[1:]] == [3, size, size], dims
    assert os.path.getsize(path) <= MAX_MODEL_BYTES, f"{path} is larger than 20 MB"


def verify_against_torch(model: torch.nn.Module, path: Path, batch: np.ndarray) -> dict:
    """Run a batch of real inputs through onnxruntime and PyTorch; max abs logit difference must be ≤ 1e-4.
    Also runs batch size 1 to prove the batch dimension is dynamic."""
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    with torch.no_grad():
        expected = model.eval()(torch.from_numpy(batch)).numpy()
    got = session.run(["logits"], {"input": batch})[0]
    single = session.run(["logits"], {"input": batch[:1]})[0]
    diff = float(np.abs(got - expected).max())
    diff_single = float(np.abs(single - expected[:1]).max())
    result = {"batch": int(batch.shape[0]), "maxAbsDiff": diff, "maxAbsDiffBatch1": diff_single, "tolerance": PARITY_TOLERANCE}
    if not (diff <= PARITY_TOLERANCE and diff_single <= PARITY_TOLERANCE):
        raise AssertionError(f"onnxruntime and PyTorch disagree: {result}")
    return result
