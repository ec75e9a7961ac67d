"""Port of the InceptionV3 shipped inside the npm package ``nsfwjs`` (MIT) to PyTorch.

Source files (``nsfwjs@4.3.0``, folder ``dist/models/inception_v3/``): ``model.min.js`` (the TF.js layers-model
object, a Keras 2 functional config of 318 layers) and six ``group1-shardNof6.min.js`` weight shards (base64, every
tensor uint8-quantised: value = q * scale + min). Decoding reuses the node loader of nsfwjs_mobilenet_v2.py.

Architecture: Keras ``InceptionV3`` (input 299x299x3), ImageNet-pretrained then fine-tuned by the nsfwjs authors for
their 5-class task with head ``AvgPool(8) -> Flatten -> Dense256 relu -> Dense128 relu -> Dense5 softmax``. Every
convolution is ``conv2d_N`` (no bias) -> ``batch_normalization_N`` (no gamma, eps 1e-3) -> ReLU; pooling is 3x3
max/average; 'same' average pooling excludes the padding from the mean, as TensorFlow does.

Rather than re-typing the 94 convolutions of InceptionV3, the network is rebuilt from the topology itself: a list of
layer specs (:func:`graph_spec`) that :class:`KerasGraph` runs in order. The spec is small JSON, so a trained model can
carry it (``InceptionV3Features.spec``) and be rebuilt from a state_dict alone.

INPUT: like nsfwjs' MobileNetV2, ``pixel / 255`` in [0, 1] (nsfwjs' ``core.js`` divides by 255 for every model), NCHW
RGB float32; any size from 75 px works (features are global-average-pooled), 299 is what it was trained at.

Checked against ``@tensorflow/tfjs`` 4.x (``python nsfwjs_inception_v3.py <folder> <tfjs dir> [out.json]``): the
reference outputs of a fixed input are kept in ``fixtures/nsfwjs-inception-v3-tfjs.json`` and compared by
``tests/integration/inception-decoder-parity.test.ts``.
"""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

BN_EPS = 1e-3
MEAN = (0.0, 0.0, 0.0)
STD = (1.0, 1.0, 1.0)
FEATURES_LAYER = "mixed10"

_NODE_DUMP = r"""
const d = process.argv[2];
const m = require(d + '/model.min.js');
const shards = m.weightsManifest[0].paths.map((p) => {
  const s = require(d + '/' + p + '.min.js');
  return (typeof s === 'string') ? s : (s.default || s);
});
process.stdout.write(JSON.stringify({model: m, shards}));
"""


def decode_nsfwjs_inception(folder: str) -> tuple[dict, dict[str, np.ndarray]]:
    """(model_json, {weight name: float32 array}) from nsfwjs' ``inception_v3`` folder."""
    from nsfwjs_mobilenet_v2 import decode_weights

    with tempfile.NamedTemporaryFile("w", suffix=".cjs", delete=False) as fh:
        fh.write(_NODE_DUMP)
        script = fh.name
    try:
        out = subprocess.run(["node", script, os.path.abspath(folder)], check=True, capture_output=True).stdout
    finally:
        os.unlink(script)
    obj = json.loads(out)
    shard = b"".join(base64.b64decode(s) for s in obj["shards"])
    return obj["model"], decode_weights(obj["model"], shard)


def graph_spec(model_json: dict, until: str = FEATURES_LAYER) -> list[dict]:
    """The layers up to ``until`` as [{name, op, inputs, ...}], asserting every setting the port relies on."""
    spec = []
    for layer in model_json["modelTopology"]["model_config"]["config"]["layers"]:
        kind, c, name = layer["class_name"], layer["config"], layer["name"]
        inputs = [n[0] for n in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else []
        if kind == "InputLayer":
            spec.append({"name": name, "op": "input"})
        elif kind == "Conv2D":
            assert not c["use_bias"] and c["activation"] == "linear" and c["dilation_rate"] == [1, 1], name
            assert c["padding"] == "valid" or c["strides"] == [1, 1], f"{name}: 'same' with stride > 1 is asymmetric"
            spec.append({"name": name, "op": "conv", "inputs": inputs, "filters": c["filters"], "kernel": c["kernel_size"],
                         "stride": c["strides"][0], "same": c["padding"] == "same"})
        elif kind == "BatchNormalization":
            assert c["epsilon"] == BN_EPS and c["axis"] == 3 and c["center"], name
            spec.append({"name": name, "op": "bn", "inputs": inputs, "scale": c["scale"]})
        elif kind == "Activation":
            assert c["activation"] == "relu", name
            spec.append({"name": name, "op": "relu", "inputs": inputs})
        elif kind in ("MaxPooling2D", "AveragePooling2D"):
            spec.append({"name": name, "op": "maxpool" if kind == "MaxPooling2D" else "avgpool", "inputs": inputs,
                         "pool": c["pool_size"][0], "stride": c["strides"][0], "same": c["padding"] == "same"})
        elif kind == "Concatenate":
            assert c["axis"] in (3, -1), name
            spec.append({"name": name, "op": "concat", "inputs": inputs})
        else:
            raise ValueError(f"{name}: layer {kind} is not part of the InceptionV3 trunk")
        if name == until:
            return spec
    raise ValueError(f"no layer {until!r} in the topology")


def _channels(spec: list[dict]) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in spec:
        if s["op"] == "input":
            out[s["name"]] = 3
        elif s["op"] == "conv":
            out[s["name"]] = s["filters"]
        elif s["op"] == "concat":
            out[s["name"]] = sum(out[i] for i in s["inputs"])
        else:
            out[s["name"]] = out[s["inputs"][0]]
    return out


class KerasGraph(nn.Module):
    """Runs a :func:`graph_spec` in order; convolutions and batch norms are modules named after their Keras layers."""

    def __init__(self, spec: list[dict]):
        super().__init__()
        self.spec = spec
        channels = _channels(spec)
        self.layers = nn.ModuleDict()
        for s in spec:
            cin = channels[s["inputs"][0]] if s.get("inputs") else 3
            if s["op"] == "conv":
                kh, kw = s["kernel"]
                padding = (kh // 2, kw // 2) if s["same"] else 0
                self.layers[s["name"]] = nn.Conv2d(cin, s["filters"], (kh, kw), s["stride"], padding, bias=False)
            elif s["op"] == "bn":
                self.layers[s["name"]] = nn.BatchNorm2d(cin, eps=BN_EPS, affine=True)
            elif s["op"] == "maxpool":
                assert not s["same"]
                self.layers[s["name"]] = nn.MaxPool2d(s["pool"], s["stride"])
            elif s["op"] == "avgpool":
                self.layers[s["name"]] = nn.AvgPool2d(s["pool"], s["stride"], s["pool"] // 2 if s["same"] else 0,
                                                      count_include_pad=False)
        self.out_channels = channels[spec[-1]["name"]]

    def features(self, x: torch.Tensor) -> torch.Tensor:
        values: dict[str, torch.Tensor] = {}
        for s in self.spec:
            op = s["op"]
            if op == "input":
                y = x
            elif op == "relu":
                y = F.relu(values[s["inputs"][0]])
            elif op == "concat":
                y = torch.cat([values[i] for i in s["inputs"]], 1)
            else:
                y = self.layers[s["name"]](values[s["inputs"][0]])
            values[s["name"]] = y
        return values[self.spec[-1]["name"]]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(x).mean(dim=(2, 3))


class InceptionV3Features(KerasGraph):
    """The InceptionV3 trunk up to ``mixed10``; forward -> [N, 2048] global-average-pooled features."""


def load_weights(graph: KerasGraph, weights: dict[str, np.ndarray]) -> None:
    for s in graph.spec:
        module = graph.layers[s["name"]] if s["name"] in graph.layers else None
        if s["op"] == "conv":
            kernel = torch.from_numpy(weights[f"{s['name']}/kernel"]).permute(3, 2, 0, 1)  # [H,W,I,O] -> [O,I,H,W]
            assert kernel.shape == module.weight.shape, s["name"]
            module.weight.data.copy_(kernel)
        elif s["op"] == "bn":
            n = s["name"]
            module.weight.data.copy_(torch.from_numpy(weights[f"{n}/gamma"]) if s["scale"] else torch.ones_like(module.weight))
            module.bias.data.copy_(torch.from_numpy(weights[f"{n}/beta"]))
            module.running_mean.copy_(torch.from_numpy(weights[f"{n}/moving_mean"]))
            module.running_var.copy_(torch.from_numpy(weights[f"{n}/moving_variance"]))


def load_nsfwjs_inception_v3(folder: str) -> InceptionV3Features:
    """Decode nsfwjs' ``inception_v3`` folder: the trunk in eval mode, forward -> [N, 2048] features."""
    model_json, weights = decode_nsfwjs_inception(folder)
    trunk = InceptionV3Features(graph_spec(model_json))
    load_weights(trunk, weights)
    return trunk.eval()


def nsfw_head_logits(features: torch.Tensor, weights: dict[str, np.ndarray]) -> torch.Tensor:
    """nsfwjs' own 5-class head on the trunk features (for the check against TF.js only)."""
    x = features
    for i, name in enumerate(("dense_1", "dense_2", "dense_3")):
        x = x @ torch.from_numpy(weights[f"{name}/kernel"]) + torch.from_numpy(weights[f"{name}/bias"])
        if i < 2:
            x = F.relu(x)
    return x


# --------------------------------------------------------------------------- check against TF.js
REFERENCE_SIZE = 299


def reference_input() -> np.ndarray:
    """A fixed, library-independent NHWC input in [0, 1]: smooth colour gradients plus a checkerboard, so that every
    layer sees structure at several scales (random noise would hide padding mistakes in flat regions less well)."""
    s = REFERENCE_SIZE
    y, x = np.mgrid[0:s, 0:s].astype(np.float64) / (s - 1)
    checker = ((np.floor(x * 12) + np.floor(y * 12)) % 2) * 0.3
    r = 0.5 + 0.4 * np.sin(6.0 * x + 2.0 * y)
    g = 0.2 + 0.6 * y * (1 - x) + checker
    b = 0.7 - 0.5 * x * y + 0.1 * np.cos(20.0 * y)
    return np.clip(np.stack([r, g, b], -1), 0, 1).astype(np.float32)[None]


_TFJS_SCRIPT = r"""
const tf = require('@tensorflow/tfjs');
const fs = require('fs');
(async () => {
  const [dir, work] = process.argv.slice(2);
  const m = require(dir + '/model.min.js');
  const buffers = m.weightsManifest[0].paths.map((p) => {
    const s = require(dir + '/' + p + '.min.js');
    return Buffer.from((typeof s === 'string') ? s : (s.default || s), 'base64');
  });
  const all = Buffer.concat(buffers);
  const ab = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const model = await tf.loadLayersModel(tf.io.fromMemory(m.modelTopology, m.weightsManifest[0].weights, ab));
  const x = new Float32Array(fs.readFileSync(work + '/input.bin').buffer.slice(0));
  const net = tf.model({inputs: model.inputs, outputs: [model.getLayer('mixed10').output, model.outputs[0]]});
  const [f, p] = net.predict(tf.tensor4d(x, [1, 299, 299, 3]));
  fs.writeFileSync(work + '/out.json', JSON.stringify({features: Array.from(await f.mean([1, 2]).data()), probabilities: Array.from(await p.data())}));
})();
"""


def tfjs_reference(folder: str, tfjs_dir: str) -> dict:
    """Run the original TF.js model on :func:`reference_input` (needs ``@tensorflow/tfjs`` installed in ``tfjs_dir``)."""
    work = tempfile.mkdtemp(prefix="inception_tfjs_")
    (Path(work) / "input.bin").write_bytes(reference_input().tobytes())
    script = Path(tfjs_dir) / "_inception_reference.cjs"
    script.write_text(_TFJS_SCRIPT)
    subprocess.run(["node", str(script), os.path.abspath(folder), work], check=True, cwd=tfjs_dir)
    return json.loads((Path(work) / "out.json").read_text())


@torch.no_grad()
def torch_outputs(folder: str) -> dict:
    model_json, weights = decode_nsfwjs_inception(folder)
    trunk = InceptionV3Features(graph_spec(model_json))
    load_weights(trunk, weights)
    trunk.eval()
    x = torch.from_numpy(reference_input()).permute(0, 3, 1, 2).contiguous()
    features = trunk(x)
    return {"features": features[0].tolist(), "probabilities": torch.softmax(nsfw_head_logits(features, weights), 1)[0].tolist()}


def compare(folder: str, reference: dict) -> dict:
    ours = torch_outputs(folder)
    f_ref = np.array(reference["features"])
    f_ours = np.array(ours["features"])[:: reference.get("featureStride", 1)]
    p_ref, p_ours = np.array(reference["probabilities"]), np.array(ours["probabilities"])
    return {"featuresMaxAbsDiff": float(np.abs(f_ref - f_ours).max()), "featuresMaxAbs": float(np.abs(f_ref).max()),
            "probabilitiesMaxAbsDiff": float(np.abs(p_ref - p_ours).max()),
            "probabilities": [round(v, 6) for v in ours["probabilities"]]}


if __name__ == "__main__":
    # python nsfwjs_inception_v3.py <inception_v3 folder> (<tfjs dir> <write reference.json> | --check <reference.json>)
    folder = sys.argv[1]
    if sys.argv[2] == "--check":
        print(json.dumps(compare(folder, json.loads(Path(sys.argv[3]).read_text()))))
    else:
        reference = tfjs_reference(folder, sys.argv[2])
        features = np.array(reference["features"])
        # The fixture keeps every 16th feature (128 of 2048) to stay small; the check compares those.
        Path(sys.argv[3]).write_text(json.dumps({
            "source": "nsfwjs@4.3.0 dist/models/inception_v3, run by @tensorflow/tfjs on nsfwjs_inception_v3.reference_input()",
            "featureStride": 16, "features": [round(float(v), 6) for v in features[::16]],
            "probabilities": [round(float(v), 7) for v in reference["probabilities"]]}, indent=1) + "\n")
        print(json.dumps(compare(folder, reference)))
