"""Train-time augmentation of prepared pixels, done on whole batches in torch.

Input: uint8 NCHW tensors holding exactly the prepared PNG pixels. Output: normalised float32 NCHW, the same
`(pixel/255 - mean)/std` as data.normalise. Everything the geometry exposes (rotated corners, shifted-in borders)
is filled with the letterbox pad colour, so augmented images look like ones serving produces; the existing pad
is kept out of the colour jitter for the same reason.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from data import PAD_COLOR


class Augmenter:
    def __init__(self, mean, std, rotate_degrees=15.0, vflip=0.2, hflip=0.5, scale=(0.85, 1.15), shift=0.08,
                 brightness=0.25, contrast=0.25, saturation=0.25, erase_p=0.3, erase_area=(0.02, 0.12)):
        self.mean = torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1)
        self.std = torch.tensor(std, dtype=torch.float32).view(1, 3, 1, 1)
        self.pad = torch.tensor(PAD_COLOR, dtype=torch.float32).view(1, 3, 1, 1) / 255.0
        self.rotate = math.radians(rotate_degrees)
        self.vflip, self.hflip = vflip, hflip
        self.scale, self.shift = scale, shift
        self.brightness, self.contrast, self.saturation = brightness, contrast, saturation
        self.erase_p, self.erase_area = erase_p, erase_area

    def __call__(self, images_uint8: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        device = images_uint8.device
        x = images_uint8.float() / 255.0
        n = x.shape[0]
        # Random numbers come from a CPU generator (reproducible on any device), then move to the images.
        rand = lambda *shape: torch.rand(*shape, generator=generator).to(device)
        mean, std, pad = self.mean.to(device), self.std.to(device), self.pad.to(device)

        # Colour jitter, leaving the letterbox pad (exactly the pad colour) untouched.
        pad_mask = (images_uint8 == torch.tensor(PAD_COLOR, dtype=torch.uint8, device=device).view(1, 3, 1, 1)).all(1, keepdim=True)
        b = 1 + (rand(n, 1, 1, 1) * 2 - 1) * self.brightness
        c = 1 + (rand(n, 1, 1, 1) * 2 - 1) * self.contrast
        s = 1 + (rand(n, 1, 1, 1) * 2 - 1) * self.saturation
        gray = (0.299 * x[:, 0:1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3])
        jittered = gray + (x - gray) * s
        jittered = jittered * b
        mean_level = jittered.mean(dim=(1, 2, 3), keepdim=True)
        jittered = ((jittered - mean_level) * c + mean_level).clamp(0, 1)
        x = torch.where(pad_mask, x, jittered)

        # Geometry: flips, rotation, scale, shift in one affine warp; outside is the pad colour.
        angle = (rand(n) * 2 - 1) * self.rotate
        scale = self.scale[0] + rand(n) * (self.scale[1] - self.scale[0])
        fx = torch.where(rand(n) < self.hflip, -1.0, 1.0)
        fy = torch.where(rand(n) < self.vflip, -1.0, 1.0)
        tx = (rand(n) * 2 - 1) * self.shift * 2
        ty = (rand(n) * 2 - 1) * self.shift * 2
        cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
        theta = torch.stack([
            torch.stack([cos * fx, -sin * fy, tx], 1),
            torch.stack([sin * fx, cos * fy, ty], 1),
        ], 1)
        grid = F.affine_grid(theta, list(x.shape), align_corners=False)
        x = F.grid_sample(x - pad, grid, mode="bilinear", padding_mode="zeros", align_corners=False) + pad

        # Random erasing: a rectangle of noise in some images.
        size = x.shape[-1]
        for i in torch.nonzero(rand(n) < self.erase_p).flatten().tolist():
            area = self.erase_area[0] + float(rand(1)) * (self.erase_area[1] - self.erase_area[0])
            aspect = math.exp((float(rand(1)) * 2 - 1) * math.log(3))
            h = max(1, min(size, int(round(math.sqrt(area * aspect) * size))))
            w = max(1, min(size, int(round(math.sqrt(area / aspect) * size))))
            top = int(rand(1) * (size - h + 1))
            left = int(rand(1) * (size - w + 1))
            x[i, :, top:top + h, left:left + w] = rand(3, h, w)

        # Back to the 8-bit grid the real inputs live on, then the serving normalisation.
        x = torch.round(x.clamp(0, 1) * 255.0) / 255.0
        return (x - mean) / std
