"""Feature cache: run a frozen pretrained trunk once over the prepared images of one or more manifests.

    .venv/bin/python models/training/features.py --backbone nsfwjs-inception-v3 --size 299 \
        --manifest datasets/manifests/vectors-v1.json --manifest datasets/manifests/vectors-v2.json

writes `var/features/<backbone>-<size>.npz` with `sha256` [N] and `features` [N, C] float32: the global-average-pooled
trunk output for exactly the pixels serving computes (the PNGs of `npm run datasets:prepare`, through data.normalise).
Heads trained on these (heads.py) plus the trunk are the full network, so nothing here is an approximation of what
would ship. An interrupted run resumes: images already in the cache are not computed again. `--cap` limits a slow
trunk to a fixed, leak-free subset (heads.py compares backbones on the images every cache has).
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see train.py: other work shares the 2 cores
import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from data import REPO_ROOT, load_manifest, load_pixels, normalise, prepared_dir  # noqa: E402
from nsfwjs_inception_v3 import load_nsfwjs_inception_v3  # noqa: E402
from nsfwjs_mobilenet_v2 import NSFWJS_MEAN, NSFWJS_STD, load_nsfwjs_mobilenet_v2  # noqa: E402

# Both trunks were last trained by the nsfwjs authors on pixel/255, hence mean 0 / std 1 (nsfwjs_mobilenet_v2.py).
TRUNKS = {
    "nsfwjs-mobilenet-v2": ("var/pretrained/nsfwjs/dist/models/mobilenet_v2", load_nsfwjs_mobilenet_v2),
    "nsfwjs-inception-v3": ("var/pretrained/nsfwjs/dist/models/inception_v3", load_nsfwjs_inception_v3),
}
MEAN, STD = NSFWJS_MEAN, NSFWJS_STD


def load_trunk(backbone: str) -> torch.nn.Module:
    folder, loader = TRUNKS[backbone]
    path = REPO_ROOT / folder
    if not path.is_dir():
        raise SystemExit(f"{path} not found: run scripts/setup-training-env.sh (it fetches nsfwjs from npm)")
    return loader(str(path)).eval()


def cache_path(backbone: str, size: int) -> Path:
    return REPO_ROOT / "var" / "features" / f"{backbone}-{size}.npz"


def load_cache(path: Path) -> dict[str, np.ndarray]:
    if not path.exists():
        return {}
    with np.load(path) as data:
        return dict(zip(data["sha256"].tolist(), data["features"]))


def save_cache(path: Path, cache: dict[str, np.ndarray]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    shas = sorted(cache)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, sha256=np.array(shas), features=np.stack([cache[s] for s in shas]).astype(np.float32))
    os.replace(tmp, path)


def capped(images: list[dict], cap: dict[str, int] | None) -> list[dict]:
    """At most cap[split] images per label and split, the same ones on every run (lowest sha256 first): a subset
    for trunks too slow to run over everything on a shared CPU. Splits are untouched, so the subset stays leak-free."""
    if cap is None:
        return images
    kept, seen = [], defaultdict(int)
    for image in sorted(images, key=lambda i: i["sha256"]):
        key = (image["split"], image["group"], image.get("lifeStage"), image.get("taxon"))
        if seen[key] < cap[image["split"]]:
            seen[key] += 1
            kept.append(image)
    return kept


@torch.no_grad()
def extract(backbone: str, size: int, manifests: list[str], batch: int = 32, cap: dict[str, int] | None = None,
            log=print) -> Path:
    out = cache_path(backbone, size)
    cache = load_cache(out)
    todo: dict[str, Path] = {}
    for manifest_path in manifests:
        manifest = load_manifest(manifest_path)
        folder = prepared_dir(manifest, size)
        for image in capped(manifest.images, cap):
            sha = image["sha256"]
            if sha not in cache and sha not in todo:
                png = folder / f"{sha}.png"
                if not png.exists():
                    raise SystemExit(f"{png} missing: run `npm run datasets:prepare -- {manifest_path} --size {size}` first")
                todo[sha] = png
    log(f"{backbone} @ {size}px: {len(cache)} cached, {len(todo)} to compute -> {out}")
    trunk = load_trunk(backbone)
    shas = list(todo)
    started, last_save = time.time(), time.time()
    for start in range(0, len(shas), batch):
        chunk = shas[start:start + batch]
        x = torch.from_numpy(np.stack([normalise(load_pixels(todo[s], size), MEAN, STD) for s in chunk]))
        for sha, feature in zip(chunk, trunk(x).numpy()):
            cache[sha] = feature
        done = start + len(chunk)
        if time.time() - last_save > 120 or done == len(shas):
            save_cache(out, cache)
            last_save = time.time()
            log(f"  {done}/{len(shas)} images, {done / (time.time() - started):.1f} images/s")
    if not shas:
        save_cache(out, cache)
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backbone", required=True, choices=sorted(TRUNKS))
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--manifest", action="append", required=True)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--cap", metavar="TRAIN,VAL,TEST", help="at most this many images per label and split")
    args = parser.parse_args(argv)
    cap = dict(zip(("train", "val", "test"), (int(v) for v in args.cap.split(",")))) if args.cap else None
    extract(args.backbone, args.size, args.manifest, args.batch, cap, log=lambda line: print(line, flush=True))


if __name__ == "__main__":
    main()
