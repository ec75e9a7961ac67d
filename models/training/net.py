"""The two networks a VectorDesk identification model can be: trained from scratch or from pretrained weights.

`VectorNet`: a small ResNet (stride-2 stem, five stages of basic residual blocks, each halving the resolution,
global average pooling, one linear layer), trained from random initialisation.
`PretrainedMobileNetV2`: the MobileNetV2 1.0 trunk shipped (as TF.js weights) inside the npm package nsfwjs,
ported in nsfwjs_mobilenet_v2.py, with a new linear head; its batch-norm statistics stay frozen.

`build_from_state_dict` tells them apart by their parameter names and reads widths/block counts back, so a
`checkpoint.pt` (plain state_dict) is enough to rebuild either network.
"""
from __future__ import annotations

import re

import torch
from torch import nn

from nsfwjs_mobilenet_v2 import MobileNetV2Features, standard_mobilenet_v2

DEFAULT_WIDTHS = (24, 32, 64, 128, 192)
DEFAULT_BLOCKS = (1, 1, 2, 2, 1)


class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.act = nn.ReLU(inplace=True)
        self.shortcut: nn.Module
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(
                nn.AvgPool2d(stride, ceil_mode=True, count_include_pad=False) if stride != 1 else nn.Identity(),
                nn.Conv2d(cin, cout, 1, bias=False),
                nn.BatchNorm2d(cout),
            )
        else:
            self.shortcut = nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.act(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.act(out + self.shortcut(x))


class VectorNet(nn.Module):
    def __init__(self, num_classes: int, widths=DEFAULT_WIDTHS, blocks=DEFAULT_BLOCKS, dropout: float = 0.2):
        super().__init__()
        assert len(blocks) == len(widths)
        stem_width = widths[0]
        self.stem = nn.Sequential(
            nn.Conv2d(3, stem_width, 3, 2, 1, bias=False), nn.BatchNorm2d(stem_width), nn.ReLU(inplace=True)
        )
        stages = []
        cin = stem_width
        for width, count in zip(widths, blocks):
            layers = [BasicBlock(cin, width, 2)] + [BasicBlock(width, width, 1) for _ in range(count - 1)]
            stages.append(nn.Sequential(*layers))
            cin = width
        self.stages = nn.Sequential(*stages)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(cin, num_classes)
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
        # Zero-init the last BN of every residual branch: each block starts as the identity.
        for module in self.modules():
            if isinstance(module, BasicBlock):
                nn.init.zeros_(module.bn2.weight)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return torch.flatten(self.pool(self.stages(self.stem(x))), 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.features(x)))


class PretrainedMobileNetV2(nn.Module):
    """MobileNetV2 trunk + dropout + linear head. The first `frozen_blocks` inverted-residual blocks (and the stem)
    are not trained, and no batch-norm layer updates its running statistics: ~1,500 photos in batches of 64 would
    only add noise to statistics learnt on far more images."""

    def __init__(self, num_classes: int, trunk: MobileNetV2Features | None = None, dropout: float = 0.2,
                 frozen_blocks: int = 0):
        super().__init__()
        self.trunk = trunk if trunk is not None else standard_mobilenet_v2()
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(self.trunk.out_channels, num_classes)
        frozen = [self.trunk.stem, *self.trunk.blocks[:frozen_blocks]]
        for module in frozen:
            for parameter in module.parameters():
                parameter.requires_grad_(False)

    def train(self, mode: bool = True) -> "PretrainedMobileNetV2":
        super().train(mode)
        for module in self.trunk.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.eval()
        return self

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.trunk(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.features(x)))


def architecture_of(state_dict: dict) -> dict:
    """Widths, block counts and class count of a VectorNet state_dict."""
    blocks: dict[int, int] = {}
    widths: dict[int, int] = {}
    for key, value in state_dict.items():
        match = re.fullmatch(r"stages\.(\d+)\.(\d+)\.conv1\.weight", key)
        if match:
            stage, block = int(match.group(1)), int(match.group(2))
            blocks[stage] = max(blocks.get(stage, 0), block + 1)
            if block == 0:
                widths[stage] = int(value.shape[0])
    count = len(blocks)
    return {
        "widths": tuple(widths[i] for i in range(count)),
        "blocks": tuple(blocks[i] for i in range(count)),
        "num_classes": int(state_dict["head.weight"].shape[0]),
    }


def build_from_state_dict(state_dict: dict) -> nn.Module:
    """Rebuild the network a `checkpoint.pt` was saved from, load the weights, and put it in eval mode."""
    model: nn.Module
    if any(key.startswith("trunk.") for key in state_dict):
        model = PretrainedMobileNetV2(int(state_dict["head.weight"].shape[0]))
    else:
        arch = architecture_of(state_dict)
        model = VectorNet(arch["num_classes"], arch["widths"], arch["blocks"])
    model.load_state_dict(state_dict)
    return model.eval()
