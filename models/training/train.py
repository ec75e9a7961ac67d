"""Train, calibrate, evaluate, export and package ONE VectorDesk identification model.

    .venv/bin/python models/training/train.py --model tick-species \
        --manifest datasets/manifests/vectors-v1.json --size 160 --version 2026.11.27

Two backbones (net.py): `nsfwjs-mobilenet-v2` (default; pretrained weights from the npm package nsfwjs, fetched by
scripts/setup-training-env.sh) and `vectornet` (from scratch, the baseline it was measured against; use --size 128).

Steps: records of the model's classes (tasks.py) → class-balanced training with augmentation (+ outlier exposure
for the species/genus models) → early stopping on validation → temperature scaling on validation (min NLL) →
rejection threshold on validation → test metrics → ONNX export + onnxruntime check → models/<name>/<version>/.
train_all.py runs this for the four models in order (species/genus models start from the vector-group backbone).
"""
from __future__ import annotations

import os

# Other work shares this machine's 2 cores: with OpenMP's default busy-waiting, two processes that each run
# 2 threads slow each other down ~7× (measured); passive waiting keeps a contended step within ~1.2× of an idle one.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import argparse
import copy
import json
import math
import shlex
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))

from augment import Augmenter  # noqa: E402
from data import REPO_ROOT, Manifest, channel_stats, leakage_groups, load_manifest, load_prepared, normalise  # noqa: E402
from export import export_onnx, verify_against_torch  # noqa: E402
from metrics import (auroc, choose_threshold, classification_report, expected_calibration_error,  # noqa: E402
                     fit_temperature, nll, softmax)
from net import DEFAULT_WIDTHS, PretrainedMobileNetV2, VectorNet  # noqa: E402
from nsfwjs_mobilenet_v2 import NSFWJS_MEAN, NSFWJS_STD, load_nsfwjs_mobilenet_v2  # noqa: E402
from package import write_package  # noqa: E402
from tasks import TASKS, Task, _group_label  # noqa: E402

SPLITS = ("train", "val", "test")


@dataclass
class TrainConfig:
    size: int = 128
    seed: int = 20261127
    max_epochs: int = 60
    patience: int = 15
    min_epochs: int = 10
    batch_size: int = 64
    outlier_batch: int = 32
    outlier_weight: float = 0.5
    lr: float = 3e-3
    finetune_lr: float = 1.5e-3
    weight_decay: float = 0.05
    warmup_epochs: int = 2
    min_epoch_samples: int = 768
    balance_power: float = 1.0  # 1 = every class drawn equally often, 0 = in proportion to its (effective) size
    group_power: float = 0.5  # down-weighting of near-duplicate clusters within a class (see sampling_weights)
    label_smoothing: float = 0.0
    ema_epochs: float = 3.0  # evaluate/keep an exponential moving average of the weights over ~this many epochs (0 = off)
    cutmix_p: float = 0.0  # share of batches mixed with CutMix (known images only)
    scale_min: float = 0.85  # zoom range of the augmentation (>1 zooms in)
    scale_max: float = 1.15
    threshold_min_accept: float = 0.9
    init_backbone: bool = True  # species/genus models start from the vector-group backbone when it exists
    warm_start: str = ""  # checkpoint.pt of the version being retrained: its weights start this run (see warm_start_state)
    init_checkpoint: str = ""  # a packaged group model's checkpoint.pt to start from, instead of init_from's of the same version
    class_weights: str = ""  # "label=factor,…": draw these classes factor times as often as balance_power alone would
    backbone: str = "nsfwjs-mobilenet-v2"  # or "vectornet" (net.py)
    pretrained_dir: str = "var/pretrained/nsfwjs/dist/models/mobilenet_v2"  # written by scripts/setup-training-env.sh
    frozen_blocks: int = 6  # pretrained backbone: stem + this many first blocks keep their weights
    widths: tuple = DEFAULT_WIDTHS  # vectornet: channels of the 5 stages
    device: str = "cpu"  # training device; export, checks and evaluation numbers of the package are on CPU


# Settings per backbone and kind of model (`group` or `species`), applied over the TrainConfig defaults.
# The species/genus models start from the vector-group network (init_backbone): a lower rate, fewer epochs.
BACKBONE_SETTINGS: dict[str, dict[str, dict]] = {
    "nsfwjs-mobilenet-v2": {
        "group": {"lr": 6e-4, "finetune_lr": 3e-4, "weight_decay": 0.01, "max_epochs": 12, "patience": 12, "min_epochs": 4,
                  "warmup_epochs": 1, "min_epoch_samples": 1024, "ema_epochs": 1.0},
        "species": {"finetune_lr": 3e-4, "weight_decay": 0.01, "max_epochs": 10, "patience": 10, "min_epochs": 4,
                    "warmup_epochs": 1, "min_epoch_samples": 512, "ema_epochs": 1.0},
    },
    "vectornet": {
        # The whole cosine schedule runs (val NLL is flat while val accuracy still climbs late in training);
        # the checkpoint kept is still the epoch with the best validation score.
        "group": {"max_epochs": 60, "patience": 60},
        "species": {"max_epochs": 45, "patience": 15, "min_epoch_samples": 512},
    },
}


def make_network(num_classes: int, config: TrainConfig, pretrained: bool) -> torch.nn.Module:
    """The untrained network of `config.backbone`; with `pretrained`, the backbone's published weights loaded."""
    if config.backbone == "vectornet":
        return VectorNet(num_classes, tuple(config.widths))
    if config.backbone == "nsfwjs-mobilenet-v2":
        trunk = None
        if pretrained:
            folder = REPO_ROOT / config.pretrained_dir
            if not folder.is_dir():
                raise SystemExit(f"{folder} not found: run scripts/setup-training-env.sh (it fetches nsfwjs from npm)")
            trunk = load_nsfwjs_mobilenet_v2(str(folder))
        return PretrainedMobileNetV2(num_classes, trunk, frozen_blocks=config.frozen_blocks)
    raise SystemExit(f"unknown backbone {config.backbone!r} (nsfwjs-mobilenet-v2 or vectornet)")


@dataclass
class SplitData:
    images: torch.Tensor  # uint8 [N,3,S,S], exactly the prepared pixels
    targets: np.ndarray  # class index (knowns) or outlier group index (unknowns)
    records: list = field(default_factory=list)
    groups: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # leakage-group id per image

    def __len__(self) -> int:
        return len(self.records)


def _stack(records: list[dict], pixels: dict[str, np.ndarray], size: int) -> torch.Tensor:
    if not records:
        return torch.zeros((0, 3, size, size), dtype=torch.uint8)
    return torch.from_numpy(np.stack([pixels[r["sha256"]] for r in records]).transpose(0, 3, 1, 2).copy())


def gather(task: Task, manifest: Manifest, pixels: dict[str, np.ndarray], size: int):
    """Per split: the model's own classes (`known`) and the images of other classes (`unknown`)."""
    index = {label: i for i, label in enumerate(task.label_ids)}
    outlier_groups = ["mosquito.adult", "mosquito.larva", "tick", "rodent", "not_vector"]
    known, unknown = {}, {}
    group_of = leakage_groups(manifest)
    groups = lambda records: np.array([group_of[r["path"]] for r in records], np.int64)
    for split in SPLITS:
        in_split = [r for r in manifest.images if r["split"] == split]
        k = [r for r in in_split if task.label_of(r) is not None]
        u = [r for r in in_split if task.label_of(r) is None and task.is_unknown(r)]
        known[split] = SplitData(_stack(k, pixels, size), np.array([index[task.label_of(r)] for r in k], np.int64), k, groups(k))
        unknown[split] = SplitData(
            _stack(u, pixels, size),
            np.array([outlier_groups.index(_group_label(r)) if _group_label(r) in outlier_groups else 0 for r in u], np.int64),
            u,
            groups(u),
        )
    return known, unknown


def normalised(split: SplitData, mean, std) -> np.ndarray:
    """The evaluation inputs: every image through data.normalise (the same function parity.py uses)."""
    if len(split) == 0:
        return np.zeros((0, 3) + tuple(split.images.shape[2:]), np.float32)
    return np.stack([normalise(img.permute(1, 2, 0).numpy(), mean, std) for img in split.images])


@torch.no_grad()
def predict(model: torch.nn.Module, inputs: np.ndarray, batch: int = 128) -> np.ndarray:
    model.eval()
    device = next(model.parameters()).device
    out = [model(torch.from_numpy(inputs[i:i + batch]).to(device)).cpu().numpy() for i in range(0, len(inputs), batch)]
    return np.concatenate(out) if out else np.zeros((0, model.head.out_features), np.float32)


def sampling_weights(targets: np.ndarray, groups: np.ndarray, class_power: float, group_power: float,
                     class_factors: dict[int, float] | None = None) -> np.ndarray:
    """Probability of drawing each training image. Within a class, an image of a leakage group of n
    near-identical photos gets weight n^-group_power (1: the group counts once; 0: every photo counts);
    each class then gets total weight ∝ (its effective size)^(1 - class_power) (class_power 1: classes drawn equally),
    times its factor in `class_factors` (a class whose misses cost more, drawn more often)."""
    weights = np.zeros(len(targets), np.float64)
    group_sizes = Counter(zip(targets.tolist(), groups.tolist()))
    for i, (t, g) in enumerate(zip(targets.tolist(), groups.tolist())):
        weights[i] = group_sizes[(t, g)] ** -group_power
    for t in set(targets.tolist()):
        members = targets == t
        effective = weights[members].sum()
        weights[members] *= effective ** (1 - class_power) / effective * (class_factors or {}).get(t, 1.0)
    return weights / weights.sum()


def class_factors(task: Task, setting: str) -> dict[int, float]:
    """`class_weights` ("mosquito.larva=3,tick=2") as class index → factor; an unknown label is an error."""
    factors = {}
    for item in filter(None, (part.strip() for part in setting.split(","))):
        label, _, factor = item.partition("=")
        if label not in task.label_ids:
            raise SystemExit(f"class_weights: {label!r} is not a label of {task.name} ({', '.join(task.label_ids)})")
        factors[task.label_ids.index(label)] = float(factor)
    return factors


def uniform_loss(logits: torch.Tensor) -> torch.Tensor:
    """Outlier exposure (Hendrycks et al. 2019): cross-entropy to the uniform distribution."""
    return -F.log_softmax(logits, 1).mean(1).mean()


def known_loss(logits, y, mix, label_smoothing):
    if mix is None:
        return F.cross_entropy(logits, y, label_smoothing=label_smoothing)
    y_other, lam = mix
    return lam * F.cross_entropy(logits, y, label_smoothing=label_smoothing) \
        + (1 - lam) * F.cross_entropy(logits, y_other, label_smoothing=label_smoothing)


def cutmix(x: torch.Tensor, y: torch.Tensor, generator: torch.Generator):
    """CutMix (Yun et al. 2019): paste a box from another image of the batch; labels mixed by area."""
    n, _, h, w = x.shape
    perm = torch.randperm(n, generator=generator).to(x.device)
    lam = float(torch.rand(1, generator=generator))
    cut_h, cut_w = int(h * math.sqrt(1 - lam)), int(w * math.sqrt(1 - lam))
    cy, cx = int(torch.randint(h, (1,), generator=generator)), int(torch.randint(w, (1,), generator=generator))
    top, bottom = max(cy - cut_h // 2, 0), min(cy + cut_h // 2, h)
    left, right = max(cx - cut_w // 2, 0), min(cx + cut_w // 2, w)
    x = x.clone()
    x[:, :, top:bottom, left:right] = x[perm, :, top:bottom, left:right]
    lam = 1 - (bottom - top) * (right - left) / (h * w)
    return x, (y[perm], lam)


@torch.no_grad()
def update_ema(ema: torch.nn.Module, model: torch.nn.Module, decay: float) -> None:
    for (_, e), (_, m) in zip(ema.state_dict().items(), model.state_dict().items()):
        if e.dtype.is_floating_point:
            e.lerp_(m, 1 - decay)
        else:
            e.copy_(m)


def train(task: Task, known, unknown, mean, std, config: TrainConfig, init_state: dict | None, log,
          keep_head: bool = False) -> tuple[torch.nn.Module, dict]:
    torch.manual_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    k = len(task.labels)
    device = torch.device(config.device)
    model = make_network(k, config, pretrained=init_state is None)
    if init_state is not None:
        start = init_state if keep_head else {key: value for key, value in init_state.items() if not key.startswith("head.")}
        missing, unexpected = model.load_state_dict(start, strict=False)
        assert set(missing) == (set() if keep_head else {"head.weight", "head.bias"}) and not unexpected, (missing, unexpected)
    augment = Augmenter(mean, std, rotate_degrees=task.rotate_degrees, vflip=task.vflip,
                        scale=(config.scale_min, config.scale_max))
    model.to(device)
    ema = copy.deepcopy(model).eval() if config.ema_epochs > 0 else None
    step_count = 0
    known_images, known_targets = known["train"].images.to(device), torch.from_numpy(known["train"].targets).to(device)
    unknown_images = unknown["train"].images.to(device)

    train_known, train_unknown = known["train"], unknown["train"]
    use_outliers = task.outlier_exposure and len(train_unknown) > 0
    weights = sampling_weights(train_known.targets, train_known.groups, config.balance_power, config.group_power,
                               class_factors(task, config.class_weights))
    outlier_weights = sampling_weights(train_unknown.targets, train_unknown.groups, 1.0, config.group_power) if use_outliers else None
    steps = max(1, math.ceil(max(len(train_known), config.min_epoch_samples) / config.batch_size))
    ema_decay = 1 - 1 / max(1.0, config.ema_epochs * steps) if ema is not None else 0.0
    lr = config.finetune_lr if init_state is not None else config.lr
    optimiser = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr, weight_decay=config.weight_decay)
    total = steps * config.max_epochs
    warmup = steps * config.warmup_epochs
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: (s + 1) / warmup if s < warmup else 0.5 * (1 + math.cos(math.pi * min(1.0, (s - warmup) / max(1, total - warmup)))))

    val_inputs = normalised(known["val"], mean, std)
    val_unknown_inputs = normalised(unknown["val"], mean, std) if use_outliers else None
    best = {"score": math.inf, "epoch": -1, "state": None}
    history = []
    started = time.time()
    for epoch in range(config.max_epochs):
        model.train()
        epoch_loss = 0.0
        for _ in range(steps):
            idx = rng.choice(len(train_known), size=config.batch_size, replace=True, p=weights)
            idx = torch.from_numpy(idx).to(device)
            x = augment(known_images[idx], generator)
            y = known_targets[idx]
            mix = None
            if config.cutmix_p > 0 and float(torch.rand(1, generator=generator)) < config.cutmix_p:
                x, mix = cutmix(x, y, generator)
            if use_outliers:
                oidx = rng.choice(len(train_unknown), size=config.outlier_batch, replace=True, p=outlier_weights)
                xo = augment(unknown_images[torch.from_numpy(oidx).to(device)], generator)
                logits = model(torch.cat([x, xo]))
                loss = known_loss(logits[: len(y)], y, mix, config.label_smoothing) \
                    + config.outlier_weight * uniform_loss(logits[len(y):])
            else:
                loss = known_loss(model(x), y, mix, config.label_smoothing)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            schedule.step()
            step_count += 1
            if ema is not None:
                update_ema(ema, model, min(ema_decay, (1 + step_count) / (10 + step_count)))
            epoch_loss += loss.item() / steps
        evaluated = ema if ema is not None else model

        # Validation: NLL after temperature scaling (what the package will ship), plus the outlier term.
        val_logits = predict(evaluated, val_inputs)
        t = fit_temperature(val_logits, known["val"].targets)
        val_nll = nll(val_logits, known["val"].targets, t)
        val_acc = float((val_logits.argmax(1) == known["val"].targets).mean())
        score = val_nll
        entry = {"epoch": epoch + 1, "trainLoss": round(epoch_loss, 4), "valNll": round(val_nll, 4),
                 "valTop1": round(val_acc, 4), "temperature": round(t, 3)}
        if use_outliers:
            unknown_logits = predict(evaluated, val_unknown_inputs)
            z = torch.from_numpy(unknown_logits) / t
            outlier_term = float(uniform_loss(z))
            score = val_nll + config.outlier_weight * outlier_term
            conf_k = softmax(val_logits, t).max(1)
            conf_u = softmax(unknown_logits, t).max(1)
            entry["valRejectionAuroc"] = round(auroc(conf_k, conf_u), 4)
        entry["score"] = round(score, 4)
        entry["seconds"] = round(time.time() - started, 1)
        history.append(entry)
        improved = score < best["score"] - 1e-4
        if improved:
            best = {"score": score, "epoch": epoch + 1, "state": copy.deepcopy(evaluated.state_dict())}
        # maxEpochs lets a caller driving this as a subprocess show "epoch k of n" (it is not part of the history).
        log(json.dumps({**entry, "maxEpochs": config.max_epochs}) + ("  *" if improved else ""))
        if epoch + 1 >= config.min_epochs and epoch + 1 - best["epoch"] >= config.patience:
            log(f"early stop: no validation improvement for {config.patience} epochs")
            break
    model.load_state_dict(best["state"])
    return model.cpu().eval(), {"bestEpoch": best["epoch"], "epochsRun": len(history), "history": history,
                          "trainSeconds": round(time.time() - started, 1)}


def evaluate(task: Task, model, known, unknown, mean, std, config: TrainConfig) -> dict:
    logits = {s: predict(model, normalised(known[s], mean, std)) for s in ("val", "test")}
    unknown_logits = {s: predict(model, normalised(unknown[s], mean, std)) for s in ("val", "test")}
    return evaluate_logits(task, logits, unknown_logits, known, unknown, config.threshold_min_accept)


def evaluate_logits(task: Task, logits: dict, unknown_logits: dict, known, unknown, threshold_min_accept: float) -> dict:
    """Temperature + threshold from validation; every reported metric from test. `logits`/`unknown_logits`: per split
    ("val", "test"), the network's outputs for `known[split]` / `unknown[split]`."""
    label_ids = task.label_ids
    temperature = fit_temperature(logits["val"], known["val"].targets)

    def rejection_split(split):
        probs = softmax(logits[split], temperature)
        conf = probs.max(1)
        if task.task == "group":
            # No out-of-taxonomy images exist in the data: the group model rejects its own likely mistakes.
            correct = probs.argmax(1) == known[split].targets
            return conf[correct], conf[~correct], "misclassified images of the same split (no out-of-taxonomy images in the data)"
        return conf, softmax(unknown_logits[split], temperature).max(1), \
            "images of the other groups/classes of the same split, never trained on as classes"

    accept_val, reject_val, unknown_kind = rejection_split("val")
    threshold = choose_threshold(accept_val, reject_val, threshold_min_accept)
    accept_test, reject_test, _ = rejection_split("test")

    result = {"temperature": temperature, "threshold": threshold, "unknowns": unknown_kind}
    for split in ("val", "test"):
        targets = known[split].targets
        probs = softmax(logits[split], temperature)
        raw_probs = softmax(logits[split], 1.0)
        report = classification_report(probs, targets, label_ids)
        ece, table = expected_calibration_error(probs, targets, 15)
        ece_raw, _ = expected_calibration_error(raw_probs, targets, 15)
        accept, reject, _ = rejection_split(split)
        conf = probs.max(1)
        accepted = conf >= threshold["threshold"]
        report.update({
            "ece": ece, "eceUncalibrated": ece_raw, "nll": nll(logits[split], targets, temperature),
            "nllUncalibrated": nll(logits[split], targets, 1.0), "reliability": table,
            "rejectionAuroc": auroc(accept, reject),
            "rejection": {
                "positives": int(len(accept)), "negatives": int(len(reject)),
                "knownAcceptedRate": float(accepted.mean()) if len(accepted) else None,
                "top1OnAccepted": float((probs.argmax(1)[accepted] == targets[accepted]).mean()) if accepted.any() else None,
                "negativesRejectedRate": float((reject < threshold["threshold"]).mean()) if len(reject) else None,
            },
        })
        if len(unknown[split]):
            unknown_conf = softmax(unknown_logits[split], temperature).max(1)
            report["unknownImages"] = {"n": int(len(unknown_conf)), "rejectedRate": float((unknown_conf < threshold["threshold"]).mean())}
        result[split] = report
    return result


def counts_table(task: Task, known, unknown) -> dict:
    table = {label: {s: 0 for s in SPLITS} for label in task.label_ids}
    for split in SPLITS:
        for r in known[split].records:
            table[task.label_of(r)][split] += 1
    unknown_counts = {s: len(unknown[s]) for s in SPLITS}
    return {"perClass": table, "unknowns": unknown_counts}


def packaged_checkpoint(setting: str, checkpoint: Path, name: str) -> tuple[dict, dict]:
    """The weights in a package's checkpoint.pt and the package's model.json, which must be a version of `name`."""
    card_path = checkpoint.parent / "model.json"
    if not checkpoint.is_file() or not card_path.is_file():
        raise SystemExit(f"--set {setting}={checkpoint}: a package's checkpoint.pt, beside its model.json, is needed")
    card = json.loads(card_path.read_text())
    if card["name"] != name:
        raise SystemExit(f"--set {setting}={checkpoint}: that package is {card['name']}, not {name}")
    return torch.load(checkpoint, map_location="cpu", weights_only=True), card


def warm_start_state(task: Task, checkpoint: Path) -> tuple[dict, bool, str]:
    """The weights of the version being retrained (the learning loop continues from what it already knows, rather than
    from the pretrained trunk); its head too when its labels are this task's, in the same order. Also `name@version`."""
    state, card = packaged_checkpoint("warm_start", checkpoint, task.name)
    same_labels = [label["id"] for label in card["labels"]] == list(task.label_ids)
    return state, same_labels, f"{card['name']}@{card['version']}"


def input_normalisation(config: TrainConfig, manifest: Manifest, pixels: dict[str, np.ndarray]) -> tuple[list[float], list[float]]:
    """mean/std of the model input: fixed by the pretrained weights, or measured on the train split (from scratch)."""
    if config.backbone == "nsfwjs-mobilenet-v2":
        return list(NSFWJS_MEAN), list(NSFWJS_STD)
    return input_stats(manifest, pixels)


def input_stats(manifest: Manifest, pixels: dict[str, np.ndarray]) -> tuple[list[float], list[float]]:
    """mean/std of the train split of the whole manifest: one normalisation shared by all four models."""
    shas = sorted({r["sha256"] for r in manifest.images if r["split"] == "train"})
    return channel_stats([pixels[s] for s in shas])


def run(model_name: str, manifest_path: str, size: int, version: str, out_root: Path, config: TrainConfig,
        command: str, pixels=None, mean=None, std=None, log=print) -> dict:
    task = TASKS[model_name]
    manifest = load_manifest(manifest_path)
    if pixels is None:
        pixels = load_prepared(manifest, size)
    if mean is None or std is None:
        mean, std = input_normalisation(config, manifest, pixels)
    config.size = size
    known, unknown = gather(task, manifest, pixels, size)
    log(f"[{model_name}] classes {task.label_ids}; " + json.dumps(counts_table(task, known, unknown)))

    init_state, keep_head, init_from = None, False, None
    if config.warm_start:
        init_state, keep_head, init_from = warm_start_state(task, Path(config.warm_start))
        log(f"[{model_name}] every weight{'' if keep_head else ' but the head (its labels changed)'} starts from {init_from}")
    elif task.init_from and config.init_backbone and config.init_checkpoint:
        init_state, card = packaged_checkpoint("init_checkpoint", Path(config.init_checkpoint), task.init_from)
        init_from = f"{card['name']}@{card['version']}"
        log(f"[{model_name}] backbone initialised from {init_from}")
    elif task.init_from and config.init_backbone:
        checkpoint = out_root / task.init_from / version / "checkpoint.pt"
        if checkpoint.exists():
            init_state, init_from = torch.load(checkpoint, map_location="cpu", weights_only=True), task.init_from
            log(f"[{model_name}] backbone initialised from {checkpoint.relative_to(REPO_ROOT) if checkpoint.is_relative_to(REPO_ROOT) else checkpoint}")
        else:
            log(f"[{model_name}] {checkpoint} not found: training from random initialisation")

    model, training = train(task, known, unknown, mean, std, config, init_state, log, keep_head)
    evaluation = evaluate(task, model, known, unknown, mean, std, config)
    package_dir = out_root / model_name / version
    package_dir.mkdir(parents=True, exist_ok=True)
    onnx_path = package_dir / "model.onnx"
    export_onnx(model, size, onnx_path)
    sample = normalised(known["test"], mean, std)[:32]
    parity = verify_against_torch(model, onnx_path, sample)
    log(f"[{model_name}] onnxruntime vs PyTorch: {parity}")
    write_package(
        package_dir=package_dir, task=task, model=model, manifest=manifest, known=known, unknown=unknown,
        counts=counts_table(task, known, unknown), size=size, mean=mean, std=std, evaluation=evaluation,
        training=training, parity=parity, config=asdict(config), version=version, command=command,
        init_from=init_from,
    )
    test = evaluation["test"]
    summary = {"model": model_name, "top1": test["top1"], "top3": test["top3"], "ece": test["ece"],
               "rejectionAuroc": test["rejectionAuroc"], "bestEpoch": training["bestEpoch"],
               "epochsRun": training["epochsRun"], "trainSeconds": training["trainSeconds"],
               "onnxBytes": os.path.getsize(onnx_path)}
    log(f"[{model_name}] test: " + json.dumps(summary))
    return summary


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, choices=sorted(TASKS))
    parser.add_argument("--manifest", default="datasets/manifests/vectors-v1.json")
    parser.add_argument("--size", type=int, default=160)
    parser.add_argument("--backbone", default=TrainConfig.backbone, choices=sorted(BACKBONE_SETTINGS))
    parser.add_argument("--version", default="2026.11.27")
    parser.add_argument("--out", default=str(REPO_ROOT / "models"))
    parser.add_argument("--seed", type=int, default=TrainConfig.seed)
    parser.add_argument("--max-epochs", type=int, default=None)
    parser.add_argument("--patience", type=int, default=None)
    parser.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a TrainConfig field (repeatable)")
    return parser.parse_args(argv)


def apply_overrides(config: TrainConfig, overrides: list[str] | None) -> TrainConfig:
    """`--set key=value` (repeatable): change any TrainConfig field, e.g. `--set outlier_weight=1.0`."""
    for item in overrides or []:
        key, _, value = item.partition("=")
        if not hasattr(config, key):
            raise SystemExit(f"--set {item}: TrainConfig has no field {key!r}")
        kind = type(getattr(config, key))
        if kind is bool:
            setattr(config, key, value.lower() in ("1", "true", "yes"))
        elif kind is tuple:
            setattr(config, key, tuple(int(v) for v in value.split(",")))
        else:
            setattr(config, key, kind(value))
    return config


def make_config(model_name: str, size: int, seed: int, backbone: str, overrides: list[str] | None = None,
                max_epochs: int | None = None, patience: int | None = None) -> TrainConfig:
    """TrainConfig defaults → the backbone's settings for this kind of model → command-line overrides."""
    config = TrainConfig(size=size, seed=seed, backbone=backbone)
    for key, value in BACKBONE_SETTINGS[backbone][TASKS[model_name].task].items():
        setattr(config, key, value)
    apply_overrides(config, overrides)
    if max_epochs is not None:
        config.max_epochs = max_epochs
        config.min_epochs = min(config.min_epochs, max_epochs)
    if patience is not None:
        config.patience = patience
    return config


def main(argv=None) -> None:
    args = parse_args(argv)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    command = shlex.join([".venv/bin/python", "models/training/train.py", *(sys.argv[1:] if argv is None else argv)])
    config = make_config(args.model, args.size, args.seed, args.backbone, args.set, args.max_epochs, args.patience)
    run(args.model, args.manifest, args.size, args.version, Path(args.out), config, command)


if __name__ == "__main__":
    main()
