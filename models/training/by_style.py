"""Top-1 of a model package per photo style on a manifest's test split: the domain gap between on-skin, trap and
smartphone photos (vectors-v2 mixes them inside one source, so the service's per-source report cannot show it).

    npm run datasets:prepare -- datasets/manifests/vectors-v1-v2.json --size 160 --resize contain
    .venv/bin/python models/training/by_style.py models/mosquito-species/2026.12.06 datasets/manifests/vectors-v1-v2.json

Reads the prepared serving pixels and runs the package's own model.onnx, so the numbers are the service's.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import onnxruntime as ort

sys.path.insert(0, str(Path(__file__).resolve().parent))

from data import load_manifest, load_prepared, normalise  # noqa: E402
from heads import photo_style  # noqa: E402
from tasks import TASKS  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("package")
    parser.add_argument("manifest")
    parser.add_argument("--split", default="test")
    args = parser.parse_args(argv)

    card = json.loads((Path(args.package) / "model.json").read_text())
    task = TASKS[card["name"]]
    size, mean, std = card["input"]["size"], card["input"]["mean"], card["input"]["std"]
    manifest = load_manifest(args.manifest)
    pixels = load_prepared(manifest, size)
    labelled = [(record, task.label_ids.index(label)) for record in manifest.images
                if record["split"] == args.split and (label := task.label_of(record)) in task.label_ids]
    session = ort.InferenceSession(str(Path(args.package) / "model.onnx"), providers=["CPUExecutionProvider"])
    seen, correct = Counter(), Counter()
    for start in range(0, len(labelled), 64):
        batch = labelled[start:start + 64]
        inputs = np.stack([normalise(pixels[record["sha256"]], mean, std) for record, _ in batch]).astype(np.float32)
        predicted = session.run(None, {session.get_inputs()[0].name: inputs})[0].argmax(1)
        for (record, target), guess in zip(batch, predicted):
            seen[photo_style(record)] += 1
            correct[photo_style(record)] += int(guess == target)
    print(f"{card['name']}@{card['version']} on {args.manifest} ({args.split}): top-1 per photo style")
    for style, count in seen.most_common():
        print(f"  {style:<45} {count:>5}  {100 * correct[style] / count:5.1f} %")


if __name__ == "__main__":
    main()
