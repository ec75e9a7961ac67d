"""Train all four VectorDesk identification models, in order, into models/<name>/<version>/.

    npm run models:train          # = datasets:prepare for the chosen size, then this script
    .venv/bin/python models/training/train_all.py [--manifest …] [--size 160] [--version 2026.11.27] [--only tick-species]

vector-group is trained first (from the pretrained backbone, or from scratch with --backbone vectornet);
tick-species, mosquito-genus and larva-genus then start from its network.
Expects `npm run datasets:prepare -- <manifest> --size <size> --resize contain` to have run (npm run models:train does it).
"""
from __future__ import annotations

import os

# Other work shares this machine's 2 cores: with OpenMP's default busy-waiting, two processes that each run
# 2 threads slow each other down ~7× (measured); passive waiting keeps a contended step within ~1.2× of an idle one.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import argparse
import json
import shlex
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from data import REPO_ROOT, load_manifest, load_prepared  # noqa: E402
from train import BACKBONE_SETTINGS, TrainConfig, input_normalisation, make_config, run  # noqa: E402

ORDER = ("vector-group", "tick-species", "mosquito-genus", "larva-genus")
# Trained only when named (--only): its species need vectors-v2, which the default manifest does not hold.
ON_REQUEST = ("mosquito-species",)
DEFAULT_SIZE = 160
DEFAULT_VERSION = "2026.11.27"
DEFAULT_MANIFEST = "datasets/manifests/vectors-v1.json"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--manifest", default=DEFAULT_MANIFEST)
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE)
    parser.add_argument("--version", default=DEFAULT_VERSION)
    parser.add_argument("--out", default=str(REPO_ROOT / "models"))
    parser.add_argument("--seed", type=int, default=TrainConfig.seed)
    parser.add_argument("--backbone", default=TrainConfig.backbone, choices=sorted(BACKBONE_SETTINGS))
    parser.add_argument("--only", action="append", choices=ORDER + ON_REQUEST,
                        help="train only these models (repeatable)")
    parser.add_argument("--max-epochs", type=int, default=None, help="cap epochs (quick development runs)")
    parser.add_argument("--group-max-epochs", type=int, default=None)
    parser.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a TrainConfig field for every model")
    args = parser.parse_args(argv)

    argv_used = sys.argv[1:] if argv is None else argv
    prepare = shlex.join(["npm", "run", "datasets:prepare", "--", args.manifest, "--size", str(args.size), "--resize", "contain"])
    command = prepare + " && " + shlex.join([".venv/bin/python", "models/training/train_all.py", *argv_used])

    started = time.time()
    manifest = load_manifest(args.manifest)
    pixels = load_prepared(manifest, args.size)
    mean, std = input_normalisation(TrainConfig(backbone=args.backbone), manifest, pixels)
    print(f"manifest {manifest.display_path()} ({len(manifest.images)} images, sha256 {manifest.sha256[:12]}…), "
          f"size {args.size}, mean {mean}, std {std}, torch threads {torch.get_num_threads()}", flush=True)
    summaries = []
    for name in ORDER + ON_REQUEST:
        if (args.only and name not in args.only) or (not args.only and name in ON_REQUEST):
            continue
        cap = args.group_max_epochs if (name == "vector-group" and args.group_max_epochs) else args.max_epochs
        config = make_config(name, args.size, args.seed, args.backbone, args.set, cap)
        log = lambda line: print(line, flush=True)
        summaries.append(run(name, args.manifest, args.size, args.version, Path(args.out), config, command,
                             pixels=pixels, mean=mean, std=std, log=log))
    print(json.dumps({"models": summaries, "wallSeconds": round(time.time() - started, 1)}, indent=2), flush=True)


if __name__ == "__main__":
    main()
