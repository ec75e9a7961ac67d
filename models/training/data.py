"""Dataset loading: a manifest (ADR 0005) plus the PNGs `npm run datasets:prepare` wrote for it.

The trainer never decodes or resizes an original photo: it reads only
`var/prepared/<manifest name>/<policy key>/<sha256>.png`, which hold exactly the uint8 RGB pixels serving
computes (`inference/preprocessing.ts`). `load_pixels` + `normalise` are the ONE evaluation-time path from such a PNG
to a model input (also used by parity.py); training augments the same pixels (augment.py) before normalising.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

REPO_ROOT = Path(__file__).resolve().parents[2]
PAD_COLOR = (127, 127, 127)
RESIZE = "contain"


def policy_key(size: int, resize: str = RESIZE, pad_color=PAD_COLOR) -> str:
    """Same as `policyKey()` in inference/preprocessing.ts."""
    return f"{resize}-{size}-pad{'.'.join(str(c) for c in pad_color)}"


def sha256_file(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_pixels(png_path: str | os.PathLike, size: int | None = None) -> np.ndarray:
    """A prepared PNG → uint8 RGB array, HWC (the bytes `modelPixels()` returns)."""
    with Image.open(png_path) as image:
        if image.mode != "RGB":
            raise ValueError(f"{png_path}: expected an 8-bit RGB PNG from datasets:prepare, got mode {image.mode}")
        pixels = np.asarray(image, dtype=np.uint8).copy()
    if size is not None and pixels.shape != (size, size, 3):
        raise ValueError(f"{png_path}: expected {size}x{size}x3, got {pixels.shape}")
    return pixels


def normalise(pixels_hwc: np.ndarray, mean, std) -> np.ndarray:
    """uint8 HWC → float32 CHW, `(pixel / 255 - mean) / std` per channel — exactly `normalise()` in
    inference/preprocessing.ts (which computes in float64 and stores into a Float32Array)."""
    mean = np.asarray(mean, dtype=np.float64).reshape(3, 1, 1)
    std = np.asarray(std, dtype=np.float64).reshape(3, 1, 1)
    chw = pixels_hwc.transpose(2, 0, 1).astype(np.float64)
    return ((chw / 255.0 - mean) / std).astype(np.float32)


def load_input(png_path: str | os.PathLike, mean, std, size: int | None = None) -> np.ndarray:
    """The evaluation/serving path from a prepared PNG to one model input (float32 CHW)."""
    return normalise(load_pixels(png_path, size), mean, std)


@dataclass
class Manifest:
    path: Path  # as given (kept relative to the repo when it is inside it)
    data: dict
    sha256: str

    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def images(self) -> list[dict]:
        return self.data["images"]

    def display_path(self) -> str:
        absolute = self.path.resolve()
        try:
            return str(absolute.relative_to(REPO_ROOT))
        except ValueError:
            return str(absolute)


def load_manifest(path: str | os.PathLike) -> Manifest:
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf8"))
    for key in ("name", "images"):
        if key not in data:
            raise ValueError(f"{path}: not a dataset manifest (no `{key}`)")
    missing = [image["path"] for image in data["images"] if image.get("split") not in ("train", "val", "test")]
    if missing:
        raise ValueError(f"{path}: {len(missing)} images have no split (e.g. {missing[0]}); run the split first")
    return Manifest(path=path, data=data, sha256=sha256_file(path))


def prepared_dir(manifest: Manifest, size: int, prepared_root: str | os.PathLike = REPO_ROOT / "var" / "prepared") -> Path:
    return Path(prepared_root) / manifest.name / policy_key(size)


def load_prepared(manifest: Manifest, size: int, prepared_root=None) -> dict[str, np.ndarray]:
    """sha256 → uint8 HWC pixels for every image of the manifest (each distinct sha256 read once)."""
    folder = prepared_dir(manifest, size, *(() if prepared_root is None else (prepared_root,)))
    if not folder.is_dir():
        raise FileNotFoundError(
            f"{folder} does not exist: run `npm run datasets:prepare -- {manifest.display_path()} --size {size} --resize {RESIZE}` first"
        )
    pixels: dict[str, np.ndarray] = {}
    absent = []
    for image in manifest.images:
        sha = image["sha256"]
        if sha in pixels:
            continue
        png = folder / f"{sha}.png"
        if not png.exists():
            absent.append(image["path"])
            continue
        pixels[sha] = load_pixels(png, size)
    if absent:
        raise FileNotFoundError(f"{len(absent)} prepared PNGs missing in {folder} (e.g. for {absent[0]}); rerun datasets:prepare")
    return pixels


def channel_stats(pixel_list: list[np.ndarray]) -> tuple[list[float], list[float]]:
    """Per-channel mean/std of pixel/255 over a set of images (rounded: they go into model.json)."""
    stack = np.stack(pixel_list).reshape(-1, 3).astype(np.float64) / 255.0
    return [round(float(v), 4) for v in stack.mean(0)], [round(float(v), 4) for v in stack.std(0)]


def leakage_groups(manifest: Manifest) -> dict[str, int]:
    """path → leakage-group id: union of images merged by the split (`splits.merged`), sharing a sourceItem,
    or sharing a sha256 (ADR 0005). Used to weight training samples so that a cluster of near-identical
    photos does not dominate its class."""
    parent: dict[str, str] = {}

    def find(a: str) -> str:
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    by_key: dict[str, str] = {}
    for image in manifest.images:
        find(image["path"])
        for key in (f"item:{image.get('sourceItem')}" if image.get("sourceItem") else None, f"sha:{image['sha256']}"):
            if key is None:
                continue
            if key in by_key:
                union(image["path"], by_key[key])
            else:
                by_key[key] = image["path"]
    for merged in (manifest.data.get("splits") or {}).get("merged", []):
        items = [p for p in merged.get("items", []) if p in parent]
        for other in items[1:]:
            union(items[0], other)
    roots: dict[str, int] = {}
    return {image["path"]: roots.setdefault(find(image["path"]), len(roots)) for image in manifest.images}
