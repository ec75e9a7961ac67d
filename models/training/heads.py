"""Linear heads on cached frozen-trunk features (features.py): train, calibrate, and compare backbones.

    .venv/bin/python models/training/heads.py \
        --features nsfwjs-mobilenet-v2-160 --features nsfwjs-inception-v3-224 \
        --manifest datasets/manifests/vectors-v1.json --manifest datasets/manifests/vectors-v2.json \
        --out var/heads/comparison.json

For every model (tasks.py) and every feature cache: a class- and leakage-group-balanced multinomial logistic
regression (full-batch L-BFGS; the L2 strength chosen on validation NLL), outlier exposure on train-split unknowns for
the species/genus models as train.py does, then train.evaluate_logits (temperature and rejection threshold on val,
every number on test) plus what the ADR compares: per-source top-1, rejection of look-alike non-vectors, and genus
accuracy of the species model with genus back-off. Splits are each manifest's own; leakage groups never span
manifests because the two share no source.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))

from data import REPO_ROOT, leakage_groups, load_manifest  # noqa: E402
from features import load_cache  # noqa: E402
from metrics import fit_temperature, nll, softmax  # noqa: E402
from tasks import TASKS, Task, _genus, _group_label  # noqa: E402
from train import SPLITS, SplitData, evaluate_logits, sampling_weights  # noqa: E402

MODELS = ("vector-group", "mosquito-species", "larva-genus", "tick-species")
L2_GRID = (3e-3, 1e-2, 3e-2)
MLP_HIDDEN = 512
MLP_DECAY_GRID = (1e-3,)
MLP_EPOCHS = 200
OUTLIER_WEIGHT = 0.5
GROUP_POWER = 0.5
THRESHOLD_MIN_ACCEPT = 0.9


def photo_style(record: dict) -> str:
    """Where a photo comes from, in the terms the cards report accuracy by (vectors-v2 mixes three photo styles)."""
    name = record["path"].rsplit("/", 1)[-1]
    if name.startswith("amid_v1__MSA_"):
        return "smartphone (Mosquito Alert)"
    if name.startswith("amid_v1__WHO_"):
        return "on-skin (Ong 2022)"
    if name.startswith("amid_v1__ICD_"):
        return "trap (icddr,b)"
    if name.startswith("requiem5032_"):
        return "on-skin / Mosquito Alert (Requiem5032)"
    return record["source"].split("@")[0]


def load_records(manifest_paths: list[str]) -> list[dict]:
    """Every image of the manifests, with a leakage group unique across manifests."""
    records, offset = [], 0
    for path in manifest_paths:
        manifest = load_manifest(path)
        groups = leakage_groups(manifest)
        for image in manifest.images:
            records.append({**image, "manifest": manifest.name, "leakageGroup": offset + groups[image["path"]]})
        offset += max(groups.values(), default=-1) + 1
    return records


def split_data(task: Task, records: list[dict], cache: dict[str, np.ndarray]):
    """Per split, the model's classes (`known`) and the other classes' images (`unknown`), with their features."""
    index = {label: i for i, label in enumerate(task.label_ids)}
    outlier_groups = ["mosquito.adult", "mosquito.larva", "tick", "rodent", "not_vector"]
    known, unknown, features = {}, {}, {}
    for split in SPLITS:
        in_split = [r for r in records if r["split"] == split]
        k = [r for r in in_split if task.label_of(r) is not None]
        u = [r for r in in_split if task.label_of(r) is None and task.is_unknown(r)]
        empty = torch.zeros(0)
        known[split] = SplitData(empty, np.array([index[task.label_of(r)] for r in k], np.int64), k,
                                 np.array([r["leakageGroup"] for r in k], np.int64))
        unknown[split] = SplitData(empty, np.array([outlier_groups.index(_group_label(r) or "not_vector") for r in u], np.int64),
                                   u, np.array([r["leakageGroup"] for r in u], np.int64))
        features[split] = (_stack(cache, k), _stack(cache, u))
    return known, unknown, features


def _stack(cache, records) -> np.ndarray:
    dim = len(next(iter(cache.values())))
    return np.stack([cache[r["sha256"]] for r in records]).astype(np.float32) if records else np.zeros((0, dim), np.float32)


def fit_linear(x, y, weights, k, l2, x_out=None, out_weights=None, max_iter=200) -> torch.nn.Linear:
    """Weighted softmax regression on standardised features (the standardisation folded into the returned layer)."""
    mu, sigma = x.mean(0), x.std(0) + 1e-6
    xt = torch.from_numpy((x - mu) / sigma)
    yt = torch.from_numpy(y)
    wt = torch.from_numpy(weights / weights.sum()).float()
    xo = torch.from_numpy((x_out - mu) / sigma) if x_out is not None and len(x_out) else None
    wo = torch.from_numpy(out_weights / out_weights.sum()).float() if xo is not None else None
    layer = torch.nn.Linear(x.shape[1], k)
    torch.nn.init.zeros_(layer.weight)
    torch.nn.init.zeros_(layer.bias)
    optimiser = torch.optim.LBFGS(layer.parameters(), lr=1, max_iter=max_iter, history_size=20, line_search_fn="strong_wolfe")

    def closure():
        optimiser.zero_grad()
        loss = (F.cross_entropy(layer(xt), yt, reduction="none") * wt).sum() + l2 * layer.weight.pow(2).sum()
        if xo is not None:
            loss = loss + OUTLIER_WEIGHT * (-(F.log_softmax(layer(xo), 1).mean(1)) * wo).sum()
        loss.backward()
        return loss

    optimiser.step(closure)
    folded = torch.nn.Linear(x.shape[1], k)
    with torch.no_grad():
        folded.weight.copy_(layer.weight / torch.from_numpy(sigma))
        folded.bias.copy_(layer.bias - (layer.weight * torch.from_numpy(mu / sigma)).sum(1))
    return folded.eval()


class MLPHead(torch.nn.Module):
    """Standardise -> Linear -> ReLU -> Dropout -> Linear: one hidden layer on the pooled trunk features."""

    def __init__(self, dim: int, k: int, mu: np.ndarray, sigma: np.ndarray, hidden: int = MLP_HIDDEN):
        super().__init__()
        self.register_buffer("mu", torch.from_numpy(mu.astype(np.float32)))
        self.register_buffer("sigma", torch.from_numpy(sigma.astype(np.float32)))
        self.hidden = torch.nn.Linear(dim, hidden)
        self.dropout = torch.nn.Dropout(0.5)
        self.out = torch.nn.Linear(hidden, k)
        self.out_features = k

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.dropout(F.relu(self.hidden((x - self.mu) / self.sigma))))


def fit_mlp(x, y, weights, k, decay, x_val, y_val, x_out=None, out_weights=None, seed=20261127) -> MLPHead:
    """Full-batch AdamW with dropout; the epoch with the lowest validation NLL (after temperature scaling) is kept."""
    torch.manual_seed(seed)
    mu, sigma = x.mean(0), x.std(0) + 1e-6
    head = MLPHead(x.shape[1], k, mu, sigma)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    wt = torch.from_numpy(weights / weights.sum()).float()
    xo = torch.from_numpy(x_out) if x_out is not None and len(x_out) else None
    wo = torch.from_numpy(out_weights / out_weights.sum()).float() if xo is not None else None
    optimiser = torch.optim.AdamW(head.parameters(), lr=1e-3, weight_decay=decay)
    best = (float("inf"), None)
    for epoch in range(MLP_EPOCHS):
        head.train()
        optimiser.zero_grad()
        loss = (F.cross_entropy(head(xt), yt, reduction="none") * wt).sum()
        if xo is not None:
            loss = loss + OUTLIER_WEIGHT * (-(F.log_softmax(head(xo), 1).mean(1)) * wo).sum()
        loss.backward()
        optimiser.step()
        if epoch % 10 == 9:
            head.eval()
            val_logits = logits_of(head, x_val)
            score = nll(val_logits, y_val, fit_temperature(val_logits, y_val))
            if score < best[0]:
                best = (score, {key: value.clone() for key, value in head.state_dict().items()})
    head.load_state_dict(best[1])
    return head.eval()


@torch.no_grad()
def logits_of(layer: torch.nn.Module, x: np.ndarray) -> np.ndarray:
    return layer(torch.from_numpy(x)).numpy() if len(x) else np.zeros((0, layer.out_features), np.float32)


def train_head(task: Task, known, unknown, features, log=print) -> tuple[torch.nn.Module, dict]:
    k = len(task.labels)
    x_train, x_train_unknown = features["train"]
    weights = sampling_weights(known["train"].targets, known["train"].groups, 1.0, GROUP_POWER)
    use_outliers = task.outlier_exposure and len(unknown["train"]) > 0
    out_weights = sampling_weights(unknown["train"].targets, unknown["train"].groups, 1.0, GROUP_POWER) if use_outliers else None
    x_out = x_train_unknown if use_outliers else None
    candidates = [({"head": "linear", "l2": l2}, lambda l2=l2: fit_linear(x_train, known["train"].targets, weights, k, l2, x_out, out_weights))
                  for l2 in L2_GRID]
    candidates += [({"head": "mlp", "weightDecay": d}, lambda d=d: fit_mlp(x_train, known["train"].targets, weights, k, d,
                                                                            features["val"][0], known["val"].targets, x_out, out_weights))
                   for d in MLP_DECAY_GRID]
    best, tried = None, []
    for setting, fit in candidates:
        head = fit()
        val_logits = logits_of(head, features["val"][0])
        score = nll(val_logits, known["val"].targets, fit_temperature(val_logits, known["val"].targets))
        tried.append({**setting, "valNll": round(score, 4),
                      "valTop1": round(float((val_logits.argmax(1) == known["val"].targets).mean()), 4)})
        if best is None or score < best[0]:
            best = (score, setting, head)
    log(f"  [{task.name}] heads tried: {json.dumps(tried)} -> {best[1]}")
    return best[2], {**best[1], "tried": tried}


def extras(task: Task, evaluation: dict, known, logits: dict, adults) -> dict:
    """Per-source top-1; look-alike rejection (group model); genus accuracy with back-off (species model)."""
    t = evaluation["temperature"]
    threshold = evaluation["threshold"]["threshold"]
    out: dict = {}
    probs = softmax(logits["test"], t)
    predictions = probs.argmax(1)
    by_source: dict[str, list[int]] = defaultdict(list)
    for record, ok in zip(known["test"].records, predictions == known["test"].targets):
        by_source[photo_style(record)].append(int(ok))
    out["perSource"] = {s: {"n": len(v), "top1": round(float(np.mean(v)), 4)} for s, v in sorted(by_source.items())}
    if task.name == "vector-group":
        not_vector = task.label_ids.index("not_vector")
        looks: dict[str, list] = defaultdict(list)
        for record, p, conf in zip(known["test"].records, predictions, probs.max(1)):
            if task.label_of(record) == "not_vector":
                # Rejected as a vector: named not_vector, or any vector label below the rejection threshold.
                looks[photo_style(record)].append((int(p == not_vector), int(p == not_vector or conf < threshold)))
        out["notVectorRejection"] = {s: {"n": len(v), "namedNotVector": round(float(np.mean([a for a, _ in v])), 4),
                                         "notAcceptedAsVector": round(float(np.mean([b for _, b in v])), 4)}
                                     for s, v in sorted(looks.items())}
    if task.name == "mosquito-species":
        out["genusBackOff"] = genus_back_off(task, adults)
    return out


def genus_back_off(task: Task, adults: tuple) -> dict:
    """Genus accuracy over every adult test mosquito whose genus the model has a label in (named species or not):
    the genus of the top label must equal the true genus."""
    genus_of_label = [label.taxon.split(" ")[0] for label in task.labels]
    genera = set(genus_of_label)
    records, probs = adults
    correct: dict[str, list[int]] = defaultdict(list)
    for record, p in zip(records, probs):
        genus = _genus(record)
        if genus in genera:
            correct[genus].append(int(genus_of_label[int(p.argmax())] == genus))
    flat = [v for values in correct.values() for v in values]
    return {"n": len(flat), "top1": round(float(np.mean(flat)), 4) if flat else None,
            "perGenus": {g: {"n": len(v), "recall": round(float(np.mean(v)), 4)} for g, v in sorted(correct.items())}}


def run_model(name: str, records: list[dict], cache: dict[str, np.ndarray], log=print) -> tuple[dict, torch.nn.Module]:
    task = TASKS[name]
    known, unknown, features = split_data(task, records, cache)
    started = time.time()
    layer, fit = train_head(task, known, unknown, features, log)
    logits = {s: logits_of(layer, features[s][0]) for s in ("val", "test")}
    unknown_logits = {s: logits_of(layer, features[s][1]) for s in ("val", "test")}
    evaluation = evaluate_logits(task, logits, unknown_logits, known, unknown, THRESHOLD_MIN_ACCEPT)
    adults = None
    if name == "mosquito-species":
        test_adults = [r for r in records if r["split"] == "test" and r.get("group") == "mosquito" and r.get("lifeStage") == "adult"]
        adults = (test_adults, softmax(logits_of(layer, _stack(cache, test_adults)), evaluation["temperature"]))
    evaluation["extras"] = extras(task, evaluation, known, logits, adults)
    evaluation["fit"] = {**fit, "seconds": round(time.time() - started, 1)}
    evaluation["counts"] = {s: {"known": len(known[s]), "unknown": len(unknown[s])} for s in SPLITS}
    return evaluation, layer


def summary_row(name: str, evaluation: dict) -> dict:
    test = evaluation["test"]
    row = {"model": name, "n": test["n"], "top1": round(test["top1"], 4), "balancedAccuracy": round(test["balancedAccuracy"], 4),
           "ece": round(test["ece"], 4), "rejectionAuroc": None if test["rejectionAuroc"] is None else round(test["rejectionAuroc"], 4),
           "recall": {label: v["recall"] for label, v in test["perClass"].items()},
           "perSource": evaluation["extras"]["perSource"]}
    for key in ("notVectorRejection", "genusBackOff"):
        if key in evaluation["extras"]:
            row[key] = evaluation["extras"][key]
    return row


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--features", action="append", required=True, help="cache name under var/features (repeatable)")
    parser.add_argument("--manifest", action="append", required=True)
    parser.add_argument("--model", action="append", choices=MODELS, help="default: all four")
    parser.add_argument("--out", default=str(REPO_ROOT / "var" / "heads" / "comparison.json"))
    args = parser.parse_args(argv)
    torch.manual_seed(20261127)
    caches = {name: load_cache(REPO_ROOT / "var" / "features" / f"{name}.npz") for name in args.features}
    # Backbones are compared on the same images: those every cache has (all of them, or a features.py --cap subset).
    every = load_records(args.manifest)
    records = [r for r in every if all(r["sha256"] in cache for cache in caches.values())]
    print(f"{len(records)} of {len(every)} images have features in every cache", flush=True)
    result = {"manifests": args.manifest, "images": len(records), "features": {}}
    for name, cache in caches.items():
        result["features"][name] = {}
        for model in args.model or MODELS:
            evaluation, _ = run_model(model, records, cache, log=lambda line: print(line, flush=True))
            row = summary_row(model, evaluation)
            print(f"{name} {json.dumps(row)}", flush=True)
            result["features"][name][model] = row
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
