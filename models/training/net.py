"""The compact CNN shared by all VectorDesk identification models.

A small ResNet: a stride-2 stem, five stages of basic residual blocks (each stage halves the resolution),
global average pooling and one linear layer. Widths and block counts are read back from a state_dict by
`build_from_state_dict`, so a `checkpoint.pt` (plain state_dict) is enough to rebuild the network.
"""
from __future__ import annotations

import re

import torch
from torch import nn

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


def build_from_state_dict(state_dict: dict) -> VectorNet:
    """Rebuild the network a `checkpoint.pt` was saved from, load the weights, and put it in eval mode."""
    arch = architecture_of(state_dict)
    model = VectorNet(arch["num_classes"], arch["widths"], arch["blocks"])
    model.load_state_dict(state_dict)
    return model.eval()
