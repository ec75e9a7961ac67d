"""Port of the MobileNetV2 shipped inside the npm package ``nsfwjs`` (MIT) to PyTorch.

Source files (``nsfwjs@4.x``, folder ``dist/models/mobilenet_v2/``):

* ``model.min.js``            -- UMD-wrapped JS module whose export is the TF.js
  layers-model object ``{modelTopology, weightsManifest}`` (Keras 2.2.4
  functional config, written as a JS object literal, i.e. *not* strict JSON:
  unquoted keys, ``.5`` numbers, ...).
* ``group1-shard1of1.min.js`` -- UMD-wrapped JS module whose export is one
  base64 string: the weight shard. All 266 tensors are uint8-quantized;
  dequantized value = ``q * scale + min`` (TF.js convention).

Because the topology is a JS literal, decoding uses ``node`` (``require`` the
two modules and ``JSON.stringify`` the exports); a small, regex-free fallback
is unnecessary as node is always present in the VectorDesk tool-chain.

Architecture: Keras ``MobileNetV2(alpha=1.0, input 224x224x3)`` -- ImageNet
pretrained and then fine-tuned by the nsfwjs authors for a 5-class task
(drawing / hentai / neutral / porn / sexy) with head
``AvgPool(7) -> Flatten -> Dense256 relu -> Drop .5 -> Dense128 relu -> Drop .25 -> Dense5 softmax``.
Stride-2 convolutions use ``ZeroPadding2D(((0,1),(0,1)))`` + 'valid' (Keras'
asymmetric "same"); stride-1 3x3 'same' is symmetric pad 1. BN epsilon 1e-3.

INPUT CONVENTION (important)
----------------------------
The model has no rescaling layer. nsfwjs itself feeds ``pixel / 255``
(range [0, 1], RGB, NHWC 224x224) -- see ``core.js``: ``img.toFloat().div(255)``.
The fine-tuned BN statistics therefore match **[0, 1] inputs**, i.e. in the
VectorDesk normalisation ``(pixel/255 - mean) / std`` use ``mean = 0, std = 1``
(:data:`NSFWJS_MEAN`, :data:`NSFWJS_STD`). The original Keras ImageNet MobileNetV2
expected [-1, 1] (mean = std = 0.5); that is *not* what this checkpoint was
last trained with. Measured on vectors-v1 (160 px, frozen features + linear head):
[0,1] gives val 88.8 % / test 80.9 %, [-1,1] gives val 82.8 % / test 73.5 %.
The PyTorch modules take NCHW RGB float32.

Usage::

    from nsfwjs_mobilenet_v2 import load_nsfwjs_mobilenet_v2
    feat = load_nsfwjs_mobilenet_v2("/tmp/nsfw/package/dist/models/mobilenet_v2")
    x = (img_uint8_nchw.float() / 255 - 0.0) / 1.0      # [N,3,S,S]
    f = feat(x)            # [N,1280] global-average-pooled features (any S multiple of 32)
    m = feat.features(x)   # [N,1280,S/32,S/32] spatial map
    # the original 5-class NSFW head, for verification:
    full = load_nsfwjs_mobilenet_v2(path, with_head=True)   # forward -> 5 logits (pre-softmax)

Verified against ``@tensorflow/tfjs`` (``tf.loadLayersModel(tf.io.fromMemory(...))``)
on a fixed random 224x224 input in [0,1]: GAP(out_relu) features max |diff| 1.4e-4
(max |feature| 2.0), softmax probabilities max |diff| 7.7e-6. Re-run with
``python nsfwjs_mobilenet_v2.py [folder]`` (needs ``@tensorflow/tfjs`` in /tmp/tfjs).
"""
from __future__ import annotations

import base64
import json
import os
import subprocess
import tempfile
from typing import Dict, Tuple

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

NSFWJS_MEAN = (0.0, 0.0, 0.0)
NSFWJS_STD = (1.0, 1.0, 1.0)
KERAS_IMAGENET_MEAN = (0.5, 0.5, 0.5)
KERAS_IMAGENET_STD = (0.5, 0.5, 0.5)
BN_EPS = 1e-3

_NODE_DUMP = r"""
const d = process.argv[2];
const m = require(d + '/model.min.js');
const s = require(d + '/group1-shard1of1.min.js');
const shard = (typeof s === 'string') ? s : (s.default || s);
process.stdout.write(JSON.stringify({model: m, shard: shard}));
"""


def decode_nsfwjs_model(folder: str) -> Tuple[dict, bytes]:
    """Return (model_json {modelTopology, weightsManifest}, raw weight-shard bytes)."""
    folder = os.path.abspath(folder)
    with tempfile.NamedTemporaryFile("w", suffix=".cjs", delete=False) as fh:
        fh.write(_NODE_DUMP)
        script = fh.name
    try:
        out = subprocess.run(["node", script, folder], check=True, capture_output=True).stdout
    finally:
        os.unlink(script)
    obj = json.loads(out)
    return obj["model"], base64.b64decode(obj["shard"])


def decode_weights(model_json: dict, shard: bytes) -> Dict[str, np.ndarray]:
    """Dequantize the weight shard following the manifest (TF.js rules)."""
    out: Dict[str, np.ndarray] = {}
    off = 0
    groups = model_json["weightsManifest"]
    assert len(groups) == 1, "expected a single weight group"
    for spec in groups[0]["weights"]:
        n = int(np.prod(spec["shape"])) if spec["shape"] else 1
        q = spec.get("quantization")
        if q:
            dt = {"uint8": np.uint8, "uint16": np.uint16}[q["dtype"]]
            nb = n * np.dtype(dt).itemsize
            raw = np.frombuffer(shard, dtype=dt, count=n, offset=off).astype(np.float32)
            val = raw * np.float32(q["scale"]) + np.float32(q["min"])
        else:
            assert spec["dtype"] == "float32"
            nb = 4 * n
            val = np.frombuffer(shard, dtype="<f4", count=n, offset=off).copy()
        off += nb
        out[spec["name"]] = val.reshape(spec["shape"]).astype(np.float32)
    assert off == len(shard), f"shard size mismatch {off} != {len(shard)}"
    return out


# --------------------------------------------------------------------------- modules
class ConvBN(nn.Sequential):
    """[ZeroPad] -> Conv (no bias) -> BN(eps 1e-3) -> [ReLU6]."""

    def __init__(self, cin, cout, k, stride, groups=1, relu=True, keras_pad=None):
        layers = []
        if stride == 2:
            # Keras ZeroPadding2D(((0,1),(0,1))) + 'valid' (only for k=3)
            layers.append(nn.ZeroPad2d(keras_pad if keras_pad is not None else (0, 1, 0, 1)))
            pad = 0
        else:
            pad = k // 2  # 'same', stride 1, odd kernel
        layers.append(nn.Conv2d(cin, cout, k, stride, pad, groups=groups, bias=False))
        layers.append(nn.BatchNorm2d(cout, eps=BN_EPS, momentum=0.01))
        if relu:
            layers.append(nn.ReLU6(inplace=True))
        super().__init__(*layers)

    @property
    def conv(self) -> nn.Conv2d:
        return [m for m in self if isinstance(m, nn.Conv2d)][0]

    @property
    def bn(self) -> nn.BatchNorm2d:
        return [m for m in self if isinstance(m, nn.BatchNorm2d)][0]


class InvertedResidual(nn.Module):
    def __init__(self, cin, cexp, cout, stride, residual, keras_pad=None):
        super().__init__()
        self.expand = ConvBN(cin, cexp, 1, 1) if cexp != cin else None
        self.depthwise = ConvBN(cexp, cexp, 3, stride, groups=cexp, keras_pad=keras_pad)
        self.project = ConvBN(cexp, cout, 1, 1, relu=False)
        self.residual = residual

    def forward(self, x):
        y = self.expand(x) if self.expand is not None else x
        y = self.project(self.depthwise(y))
        return x + y if self.residual else y


class MobileNetV2Features(nn.Module):
    """MobileNetV2 trunk (Conv1 ... out_relu). ``forward`` returns GAP features [N,1280]."""

    def __init__(self, blocks_cfg, stem_out, last_out, stem_pad=(0, 1, 0, 1)):
        super().__init__()
        self.stem = ConvBN(3, stem_out, 3, 2, keras_pad=stem_pad)
        self.blocks = nn.ModuleList([InvertedResidual(**c) for c in blocks_cfg])
        cin = blocks_cfg[-1]["cout"]
        self.head_conv = ConvBN(cin, last_out, 1, 1)
        self.out_channels = last_out

    def features(self, x):
        x = self.stem(x)
        for b in self.blocks:
            x = b(x)
        return self.head_conv(x)

    def forward(self, x):
        return self.features(x).mean(dim=(2, 3))


class NSFWHead(nn.Module):
    def __init__(self, trunk: MobileNetV2Features, dims):
        super().__init__()
        self.trunk = trunk
        self.fc1 = nn.Linear(dims[0], dims[1])
        self.fc2 = nn.Linear(dims[1], dims[2])
        self.fc3 = nn.Linear(dims[2], dims[3])

    def forward(self, x):  # returns logits; nsfwjs applies softmax
        f = self.trunk(x)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(f)))))


# Keras MobileNetV2, width multiplier 1.0: (expansion, output channels, repeats, stride of the first repeat).
MOBILENET_V2_SETTINGS = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))
STEM_OUT, LAST_OUT, KERAS_PAD = 32, 1280, (0, 1, 0, 1)


def standard_blocks() -> list[dict]:
    """The inverted-residual configuration of MobileNetV2 1.0 (what nsfwjs ships; asserted when decoding)."""
    blocks, cin = [], STEM_OUT
    for expansion, cout, repeats, first_stride in MOBILENET_V2_SETTINGS:
        for i in range(repeats):
            stride = first_stride if i == 0 else 1
            blocks.append(dict(cin=cin, cexp=cin * expansion, cout=cout, stride=stride,
                               residual=stride == 1 and cin == cout, keras_pad=KERAS_PAD if stride == 2 else None))
            cin = cout
    return blocks


def standard_mobilenet_v2() -> "MobileNetV2Features":
    """An untrained MobileNetV2 1.0 trunk with the same modules and names as the decoded one (for loading checkpoints)."""
    return MobileNetV2Features(standard_blocks(), STEM_OUT, LAST_OUT, stem_pad=KERAS_PAD)


# --------------------------------------------------------------------------- builder
def _layers_by_name(model_json):
    cfg = model_json["modelTopology"]["model_config"]["config"]
    return {l["config"]["name"]: l for l in cfg["layers"]}


def _pad_tuple(layer):
    (t, b), (l, r) = layer["config"]["padding"]
    return (l, r, t, b)  # nn.ZeroPad2d order


def _load_convbn(m: ConvBN, W, conv_name, bn_name, depthwise=False):
    k = torch.from_numpy(W[f"{conv_name}/{'depthwise_kernel' if depthwise else 'kernel'}"])
    if depthwise:  # [H,W,C,1] -> [C,1,H,W]
        k = k.permute(2, 3, 0, 1)
    else:  # [H,W,I,O] -> [O,I,H,W]
        k = k.permute(3, 2, 0, 1)
    assert k.shape == m.conv.weight.shape, (conv_name, k.shape, m.conv.weight.shape)
    m.conv.weight.data.copy_(k)
    bn = m.bn
    bn.weight.data.copy_(torch.from_numpy(W[f"{bn_name}/gamma"]))
    bn.bias.data.copy_(torch.from_numpy(W[f"{bn_name}/beta"]))
    bn.running_mean.copy_(torch.from_numpy(W[f"{bn_name}/moving_mean"]))
    bn.running_var.copy_(torch.from_numpy(W[f"{bn_name}/moving_variance"]))


def build_from_decoded(model_json, W, with_head=False) -> nn.Module:
    L = _layers_by_name(model_json)
    assert L["bn_Conv1"]["config"]["epsilon"] == BN_EPS
    assert L["Conv1"]["config"]["padding"] == "valid" and "Conv1_pad" in L
    stem_out = L["Conv1"]["config"]["filters"]
    blocks = []
    names = []
    cin = stem_out
    i = 0
    while True:
        p = "expanded_conv" if i == 0 else f"block_{i}"
        if f"{p}_depthwise" not in L:
            break
        dw = L[f"{p}_depthwise"]["config"]
        stride = dw["strides"][0]
        cexp = L[f"{p}_expand"]["config"]["filters"] if f"{p}_expand" in L else cin
        cout = L[f"{p}_project"]["config"]["filters"]
        pad = _pad_tuple(L[f"{p}_pad"]) if f"{p}_pad" in L else None
        if stride == 2:
            assert pad is not None and dw["padding"] == "valid", p
        else:
            assert dw["padding"] == "same" and pad is None, p
        blocks.append(dict(cin=cin, cexp=cexp, cout=cout, stride=stride,
                           residual=f"{p}_add" in L, keras_pad=pad))
        names.append(p)
        cin = cout
        i += 1
    last_out = L["Conv_1"]["config"]["filters"]
    assert (blocks, stem_out, last_out, _pad_tuple(L["Conv1_pad"])) == (standard_blocks(), STEM_OUT, LAST_OUT, KERAS_PAD), \
        "nsfwjs model is not the standard MobileNetV2 1.0"
    trunk = MobileNetV2Features(blocks, stem_out, last_out, stem_pad=_pad_tuple(L["Conv1_pad"]))
    _load_convbn(trunk.stem, W, "Conv1", "bn_Conv1")
    for b, p in zip(trunk.blocks, names):
        if b.expand is not None:
            _load_convbn(b.expand, W, f"{p}_expand", f"{p}_expand_BN")
        _load_convbn(b.depthwise, W, f"{p}_depthwise", f"{p}_depthwise_BN", depthwise=True)
        _load_convbn(b.project, W, f"{p}_project", f"{p}_project_BN")
    _load_convbn(trunk.head_conv, W, "Conv_1", "Conv_1_bn")
    trunk.eval()
    if not with_head:
        return trunk
    dense = [n for n, l in L.items() if l["class_name"] == "Dense"]
    dense.sort(key=lambda n: int(n.split("_")[-1]))
    dims = [last_out] + [L[n]["config"]["units"] for n in dense]
    net = NSFWHead(trunk, dims)
    for fc, n in zip([net.fc1, net.fc2, net.fc3], dense):
        fc.weight.data.copy_(torch.from_numpy(W[f"{n}/kernel"]).t())
        fc.bias.data.copy_(torch.from_numpy(W[f"{n}/bias"]))
    return net.eval()


def load_nsfwjs_mobilenet_v2(folder: str, with_head: bool = False) -> nn.Module:
    """Decode nsfwjs' ``mobilenet_v2`` folder and return the PyTorch port (eval mode).

    ``with_head=False``: :class:`MobileNetV2Features`, forward -> [N,1280] GAP features.
    ``with_head=True``: trunk + original 5-class NSFW MLP, forward -> 5 logits.
    Inputs: NCHW RGB float32, ``pixel/255`` in [0,1] (nsfwjs convention; see module doc).
    """
    model_json, shard = decode_nsfwjs_model(folder)
    return build_from_decoded(model_json, decode_weights(model_json, shard), with_head)


# --------------------------------------------------------------------------- verification
_TFJS_SCRIPT = r"""
const tf = require('@tensorflow/tfjs');
const fs = require('fs');
(async () => {
  const dir = process.argv[2];
  const mj = JSON.parse(fs.readFileSync(dir + '/model.json'));
  const wb = fs.readFileSync(dir + '/weights.bin');
  const x = new Float32Array(fs.readFileSync(dir + '/input.bin').buffer.slice(0));
  const ab = wb.buffer.slice(wb.byteOffset, wb.byteOffset + wb.byteLength);
  const model = await tf.loadLayersModel(tf.io.fromMemory(
      mj.modelTopology, mj.weightsManifest[0].weights, ab));
  const feat = tf.model({inputs: model.inputs,
      outputs: [model.getLayer('out_relu').output, model.getLayer('dense_3').output]});
  const [f, p] = feat.predict(tf.tensor4d(x, [1, 224, 224, 3]));
  fs.writeFileSync(dir + '/tf_feat.bin', Buffer.from((await f.mean([1, 2]).data()).buffer));
  fs.writeFileSync(dir + '/tf_prob.bin', Buffer.from((await p.data()).buffer));
})();
"""


def _verify_against_tfjs(folder: str, tfjs_dir: str = "/tmp/tfjs", seed: int = 0):
    model_json, shard = decode_nsfwjs_model(folder)
    net = build_from_decoded(model_json, decode_weights(model_json, shard), with_head=True)
    rng = np.random.default_rng(seed)
    x = rng.random((1, 224, 224, 3), dtype=np.float32)  # [0,1] like nsfwjs
    work = tempfile.mkdtemp(prefix="nsfwjs_verify_")
    with open(f"{work}/model.json", "w") as fh:
        json.dump(model_json, fh)
    open(f"{work}/weights.bin", "wb").write(shard)
    open(f"{work}/input.bin", "wb").write(x.tobytes())
    script = os.path.join(tfjs_dir, "_nsfwjs_verify.cjs")
    open(script, "w").write(_TFJS_SCRIPT)
    subprocess.run(["node", script, work], check=True, cwd=tfjs_dir)
    tf_feat = np.fromfile(f"{work}/tf_feat.bin", dtype=np.float32)
    tf_prob = np.fromfile(f"{work}/tf_prob.bin", dtype=np.float32)
    with torch.no_grad():
        xt = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()
        feat = net.trunk(xt)[0].numpy()
        prob = torch.softmax(net(xt), 1)[0].numpy()
    return {
        "feat_max_abs_diff": float(np.abs(feat - tf_feat).max()),
        "feat_max_abs": float(np.abs(tf_feat).max()),
        "prob_max_abs_diff": float(np.abs(prob - tf_prob).max()),
        "torch_prob": prob.round(5).tolist(),
        "tfjs_prob": tf_prob.round(5).tolist(),
    }


if __name__ == "__main__":
    import sys

    folder = sys.argv[1] if len(sys.argv) > 1 else "/tmp/nsfw/package/dist/models/mobilenet_v2"
    print(json.dumps(_verify_against_tfjs(folder), indent=1))
