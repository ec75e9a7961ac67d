"""Writes a model package `models/<name>/<version>/` exactly as ADR 0005 describes:
model.onnx (written by export.py), model.json, MODEL_CARD.md, evaluation.json, and checkpoint.pt when ≤ 10 MB."""
from __future__ import annotations

import json
import math
import os
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import torch

from data import PAD_COLOR, RESIZE, sha256_file

MAX_CHECKPOINT_BYTES = 10 * 1024 * 1024
TARGETS = {"group": {"top1": 0.95}, "species": {"top1": 0.85}, "all": {"ece": 0.05, "rejectionAuroc": 0.95}}

# From ../shared/datasets/SOURCES.md (the dataset's provenance file): where each `source` was read from.
SOURCE_ORIGIN = {
    "tickidnet": "lennijusten/TickIDNet @ 19abff3d7db87cf4f15ec8f31957048b5e27b083 (`Sample Images/`; photos from iNaturalist / Tick App)",
    "mlisi1": "mlisi1/mosquito_detection @ 4a4ed535edb1f19ffe3974baea2288f9e9c1a2bc (COCO boxes → crops; larvae)",
    "ahzr199": "AHZR199/Mosquito-Species-Identification-Model @ 60a2412a3a472c4565aad0ebce1df1d3c0e11a3a (dead adults on white card, Univ. of Calgary thesis, Alberta species)",
    "mosha": "Vijay0908-lab/mosquito-detection @ aeac927135011d4b89bc037a0ca6316114c52959 (Roboflow MosquitoFusion, largest box; genus unknown)",
    "slunara": "slunara/ratDetectorComputerVision @ 281dafcc6f669702f36a4b93971e119e342fd735 (`data/rat_*.jpg`; all 'rat', noisy)",
    "dpk0811": "dpk0811/Rat-Detection @ 9842ca47fbf1c1fc95c3740cd1ca74bf2cfb7026 (Roboflow YOLOv7, largest box; rat/mouse from scraped file names)",
    "imagenet": "EliSchwartz/imagenet-sample-images @ bc69043e2862758a1906c6a24a792bb28c6bb2ff (one image per ImageNet-1k class, arthropods and rodent-like mammals excluded)",
    "tonmoyshaha/Aedes-Mosquito-Image-Dataset-Version-1.0@fcf9c5df8f380db56c7cb4fccd72e4944d88ad64": "AMIDV1 256 px crops: `MSA_` Mosquito Alert smartphone photos, `WHO_` on-skin photos (Ong 2022, CC BY 4.0), `ICD_` icddr,b trap specimens (vectors-v2)",
    "Requiem5032/mosquitoes-classification@03b0ccef9ecca9459c29a1556f668ce5ebca2981": "mosquitoes-dataset/<class>/, on-skin and Mosquito Alert photos (vectors-v2)",
    "Requiem5032/mosquitoes-classification@af6c96e319be553d9c004e4f2a08e5b3a1c5036b": "mosquitoes-dataset/<class>/, on-skin and Mosquito Alert photos (vectors-v2)",
    "nadasedki/tick-classifier-app@1de57f2ef9f40c5c1e8c96195abc74dd3d6fe06e": "static/uploads/ lab photos of Hyalomma, species from the file-name code (vectors-v2)",
}

# Where the starting weights of a pretrained backbone come from (model.json provenance.pretrained and the card).
PRETRAINED = {
    "nsfwjs-mobilenet-v2": {
        "package": "nsfwjs@4.3.0 (npm registry), folder dist/models/mobilenet_v2",
        "licence": "MIT",
        "weights": "Keras MobileNetV2 1.0, ImageNet-pretrained and then fine-tuned by the nsfwjs authors on a 5-class "
                   "image-content task; uint8-quantised TF.js weights, dequantised on load",
    },
}

# What each model cannot do, and which data would improve it (used for missed targets and the gaps section).
MODEL_GAPS = {
    "vector-group": {
        "more_data": "several hundred more rodent photos and everyday animals/objects as `not_vector` (rodent ↔ not_vector is "
                     "the largest confusion), more tick photographs (62 in all, 9 in test: few ticks make `tick` the least precise label), "
                     "larva photos from more set-ups (the train larvae are dominated by one microscope session) and adult mosquitoes "
                     "photographed in the field",
        "gaps": [
            "Only five outputs: fleas, cockroaches, flies and any other vector group are **not** classes. A flea or "
            "a cockroach will be forced into one of the five labels (most likely `not_vector`, `tick` or `mosquito.adult`); "
            "the rejection threshold catches only part of this.",
            "`rodent` carries no species: the rodent photos are web-scraped rats and 'mice' (any small mouse-like rodent), "
            "with noisy labels (some nutria and other rodents).",
            "`not_vector` was learned from one ImageNet photo per class (arthropods and rodent-like mammals excluded): it "
            "is 'an everyday object or animal', not 'a harmless insect'. Harmless insects and arachnids were never shown.",
        ],
    },
    "tick-species": {
        "more_data": "≥ 150 photos per species from several cameras and life stages (today 20–21 per species, about 3 in test each), "
                     "and the port-relevant genera Rhipicephalus, Hyalomma and Haemaphysalis as classes",
        "gaps": [
            "Knows only Amblyomma americanum, Dermacentor variabilis and Ixodes scapularis (North American species from "
            "iNaturalist / Tick App). **No Rhipicephalus (e.g. R. sanguineus, R. microplus), Hyalomma or Haemaphysalis**: "
            "such a tick will be called one of the three or rejected, never named.",
            "Mostly unfed adults; nymphs, larvae and engorged ticks are barely represented.",
        ],
    },
    "mosquito-genus": {
        "more_data": "more adult photos per genus (today Aedes 42 over four species, Culex 70, Culiseta 15), field and "
                     "microscope photos from other labs, and adults of Aedes aegypti / albopictus, Culex quinquefasciatus and Anopheles",
        "gaps": [
            "Learned only from eight Alberta species photographed dead on white card in one lab (Aedes cinereus, "
            "excrucians, melanimon, pullatus; Culex pipiens, restuans, tarsalis; Culiseta inornata). **No adult "
            "Aedes aegypti / albopictus, Culex quinquefasciatus, and no Anopheles adults at all** — an adult Anopheles "
            "will be called Aedes, Culex or Culiseta, or rejected.",
            "Expect a domain gap on field photos, live specimens, other backgrounds and microscopes.",
        ],
    },
    "mosquito-species": {
        "more_data": "verified species labels for the Mosquito Alert Culex photos (genus only, about 1 in 6 wrong), trap photos of "
                     "every class (trap is the weakest source), several hundred Anopheles and Armigeres adults (68 and 36 today), "
                     "and species-labelled Anopheles (sinensis, minimus, stephensi) instead of the genus",
        "gaps": [
            "Names four species and two genera; other adults (Aedes japonicus / koreicus / vexans, Culex tritaeniorhynchus, "
            "Culiseta, …) get one of the six labels, at best of the right genus (genus back-off), or are rejected.",
            "Three photo styles only (Mosquito Alert smartphone crops, on-skin photos, trap specimens on a palm): expect a domain "
            "gap on microscope photos and specimens from port traps.",
        ],
    },
    "larva-genus": {
        "more_data": "larvae photographed by other labs and cameras (all 507 come from one detection dataset), more "
                     "Anopheles (86 today), and species-labelled larvae",
        "gaps": [
            "All larvae come from one detection dataset (crops of COCO boxes); several crops can come from one photograph "
            "and share its background and camera. Expect a domain gap on other set-ups.",
            "Genus only: no species (no way to tell Aedes aegypti from albopictus or Culex quinquefasciatus from pipiens).",
        ],
    },
}

# What the data lacks: vectors-v1 alone, or with vectors-v2 (its port-priority adult mosquitoes).
DATA_GAPS = {
    "v1": [
        "The data has **no adult Aedes aegypti / albopictus, Culex quinquefasciatus or Anopheles; no Rhipicephalus, Hyalomma "
        "or Haemaphysalis ticks; no rodent species labels; no fleas, cockroaches or flies.** These are exactly the species "
        "ports care most about; this model cannot name them and must not be read as if it could.",
        "Domain gap: adult mosquitoes come from one lab's photos (dead specimens on white card, Alberta species) and one web "
        "set; larvae from one detection dataset; ticks from iNaturalist / Tick App; rodents are web-scraped. Photos taken at a "
        "port lab (microscope, trap catch, different light) will look different.",
    ],
    "v1+v2": [
        "The data has **no Rhipicephalus or Haemaphysalis ticks and only a few Hyalomma; no rodent species labels; no fleas, "
        "cockroaches or flies; few Anopheles and Armigeres adults (68 and 36 photos).**",
        "Domain gap: adult mosquitoes are Mosquito Alert smartphone photos, on-skin photos, trap specimens from one lab and "
        "Alberta specimens on white card; larvae come from one microscope set-up; ticks from iNaturalist / Tick App; rodents "
        "are web-scraped. Photos taken at a port lab (microscope, trap catch, different light) will look different.",
    ],
}

COMMON_GAPS = [
    "Label noise: rat labels are web-scraped and noisy (some nutria and other rodents); 'mouse' means any small mouse-like rodent.",
    "Several sources state no licence: these weights are for research and evaluation; see the provenance above.",
    "Small test sets: the numbers above carry wide confidence intervals (Wilson 95 % interval for top-1 above).",
]


def _round(value, digits=4):
    if value is None:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, digits)
    return value


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float] | None:
    if n == 0:
        return None
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def source_rows(records: list[dict]) -> list[dict]:
    images: dict[str, int] = defaultdict(int)
    licences: dict[str, list[str]] = defaultdict(list)
    for r in records:
        images[r["source"]] += 1
        if r.get("licence") and r["licence"] not in licences[r["source"]]:
            licences[r["source"]].append(r["licence"])
    return [{"source": s, "licence": " | ".join(licences[s]) or "none stated", "images": images[s]} for s in sorted(images)]


def write_package(*, package_dir: Path, task, model, manifest, known, unknown, counts, size, mean, std, evaluation,
                  training, parity, config, version, command, init_from) -> None:
    onnx_path = package_dir / "model.onnx"
    onnx_sha = sha256_file(onnx_path)

    # checkpoint.pt: the plain state_dict, kept only while it is small enough to live in the repository.
    checkpoint = package_dir / "checkpoint.pt"
    torch.save(model.state_dict(), checkpoint)
    if os.path.getsize(checkpoint) > MAX_CHECKPOINT_BYTES:
        checkpoint.unlink()

    used = [r for split in known.values() for r in split.records] + [r for split in unknown.values() for r in split.records]
    sources = source_rows(used)
    port_species = any((record.get("taxon") or "").startswith("Aedes albopictus") for record in used)
    test = evaluation["test"]
    trained_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")

    model_json = {
        "name": task.name,
        "version": version,
        "task": task.task,
        "parentLabel": task.parent_label,
        **({"replaces": task.replaces} if task.replaces else {}),
        "labels": [label.as_json() for label in task.labels],
        "input": {"size": size, "resize": RESIZE, "padColor": list(PAD_COLOR), "mean": mean, "std": std, "layout": "NCHW"},
        "calibration": {"temperature": round(evaluation["temperature"], 6)},
        "rejection": {"method": "max_softmax", "threshold": evaluation["threshold"]["threshold"]},
        "sha256": onnx_sha,
        "provenance": {
            "manifest": manifest.display_path(),
            "manifestSha256": manifest.sha256,
            "sources": sources,
            "seed": config["seed"],
            "backbone": config["backbone"],
            "pretrained": PRETRAINED.get(config["backbone"]) if init_from is None else None,
            **({"initialisedFrom": init_from} if init_from else {}),
            "trainedAt": trained_at,
            "command": command,
        },
        "metrics": {
            "test": {
                "top1": _round(test["top1"]),
                "top3": _round(test["top3"]),
                "ece": _round(test["ece"]),
                "rejectionAuroc": _round(test["rejectionAuroc"]),
                "perClass": test["perClass"],
            }
        },
    }
    (package_dir / "model.json").write_text(json.dumps(model_json, indent=2) + "\n", encoding="utf8")

    evaluation_json = {
        "name": task.name,
        "version": version,
        "sha256": onnx_sha,
        "manifest": manifest.display_path(),
        "manifestSha256": manifest.sha256,
        "targets": targets_for(task),
        "counts": counts,
        "calibration": {"method": "temperature scaling: NLL on the validation split minimised, with a log-normal prior log T ~ N(0, 1)",
                        "temperature": evaluation["temperature"]},
        "rejection": {"method": "max_softmax", **evaluation["threshold"], "unknowns": evaluation["unknowns"]},
        "val": _clean(evaluation["val"]),
        "test": _clean(evaluation["test"]),
        "onnxParity": parity,
        "training": {**{k: v for k, v in training.items()}, "config": config, "initialisedFrom": init_from},
    }
    (package_dir / "evaluation.json").write_text(json.dumps(evaluation_json, indent=2) + "\n", encoding="utf8")
    (package_dir / "MODEL_CARD.md").write_text(
        model_card(task, model_json, evaluation_json, sources, size, mean, std, command, init_from, onnx_path,
                   sum(p.numel() for p in model.parameters()), DATA_GAPS["v1+v2" if port_species else "v1"]), encoding="utf8")


def network_description(backbone: str, n_params: float) -> str:
    if backbone == "nsfwjs-mobilenet-v2":
        return (f"MobileNetV2 1.0 (`models/training/net.py` `PretrainedMobileNetV2`, {n_params / 1e6:.2f} M parameters) with a "
                "new linear head; stem and first blocks frozen (see `frozen_blocks`), batch-norm statistics frozen")
    return (f"Compact ResNet (`models/training/net.py` `VectorNet`: stride-2 stem + 5 residual stages, widths 24–192, "
            f"{n_params / 1e6:.2f} M parameters)")


def _clean(obj):
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_clean(v) for v in obj]
    if isinstance(obj, float):
        return _round(obj, 6)
    return obj


def targets_for(task) -> dict:
    return {**TARGETS[task.task], **TARGETS["all"]}


def _pct(value, digits: int = 1) -> str:
    return "n/a" if value is None else f"{100 * value:.{digits}f} %"


def _num(value, digits=3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def target_lines(task, test: dict) -> list[str]:
    lines = []
    for metric, target in targets_for(task).items():
        value = test.get(metric)
        if value is None:
            lines.append(f"| {metric} | n/a | {target} | not measurable |")
            continue
        lower_is_better = metric == "ece"
        met = value <= target if lower_is_better else value >= target
        if metric == "rejectionAuroc":
            shown, goal, gap = _num(value), f"≥ {target}", f"{abs(value - target):.3f}"
        elif lower_is_better:
            shown, goal, gap = _pct(value, 2), f"≤ {100 * target:.0f} %", f"{100 * abs(value - target):.2f} points"
        else:
            shown, goal, gap = _pct(value), f"≥ {100 * target:.0f} %", f"{100 * abs(value - target):.1f} points"
        lines.append(f"| {metric} | {shown} | {goal} | {'met' if met else f'**missed by {gap}**'} |")
    return lines


def model_card(task, model_json, ev, sources, size, mean, std, command, init_from, onnx_path, n_params, data_gaps) -> str:
    test, val = ev["test"], ev["val"]
    labels = model_json["labels"]
    gaps = MODEL_GAPS[task.name]
    k = len(labels)
    correct = round(test["top1"] * test["n"]) if test["top1"] is not None else 0
    ci = wilson(correct, test["n"])
    missed = []
    for metric, target in targets_for(task).items():
        value = test.get(metric)
        if value is not None and ((value > target) if metric == "ece" else (value < target)):
            missed.append(metric)
    parent = f"`{task.parent_label}`" if task.parent_label else "none (first stage)"
    out = []
    w = out.append
    w(f"# Model card — `{task.name}` {model_json['version']}\n")
    w(f"Classifies the **{task.description}** from one photo. Task `{task.task}`, refines parent label {parent}. "
      f"ONNX `model.onnx` ({os.path.getsize(onnx_path) / 1e6:.1f} MB, sha256 `{model_json['sha256']}`), "
      f"input `input` float32 [N,3,{size},{size}], output `logits` [N,{k}].\n")
    w("## Intended use\n")
    w("Screening support for port health-quarantine laboratories: a first suggestion for a photographed specimen, to "
      "prioritise and route it. **Every result must be confirmed by a trained entomologist / vector expert** before it "
      "is recorded as an identification or used for any public-health decision. Not for use outside the labels below, "
      "and not a substitute for morphological or molecular identification.\n")
    if task.parent_label:
        w(f"Run it only on images the `vector-group` model labelled `{task.parent_label}` (and did not reject). "
          "It will still give one of its labels for anything else; the rejection threshold is the only guard.\n")
    w("## Labels\n")
    w("| id | taxon | group | life stage | rank |\n|---|---|---|---|---|")
    for label in labels:
        w(f"| `{label['id']}` | {label['taxon']} | {label['group']} | {label['lifeStage'] or '—'} | {label['rank'] or '—'} |")
    w("")
    w("## Data\n")
    w(f"Manifest `{ev['manifest']}` (sha256 `{ev['manifestSha256']}`); splits are by leakage group (shared source "
      "photograph / near-duplicate) as the manifest assigns them. Images per class and split:\n")
    w("| label | train | val | test |\n|---|---|---|---|")
    for label, row in ev["counts"]["perClass"].items():
        w(f"| `{label}` | {row['train']} | {row['val']} | {row['test']} |")
    u = ev["counts"]["unknowns"]
    if any(u.values()):
        w(f"| *other classes (unknowns)* | {u['train']} | {u['val']} | {u['test']} |")
    w("")
    if any(u.values()):
        w("\"Unknowns\" are the images of the other groups/classes in the manifest (for this model: "
          f"{'everything that is not a tick' if task.name == 'tick-species' else 'everything that is not an adult mosquito' if task.name in ('mosquito-genus', 'mosquito-species') else 'everything that is not a mosquito larva'}). "
          "Train-split unknowns are used for outlier exposure (the model is pushed towards a flat softmax on them); "
          "val/test unknowns measure rejection. They are never a class.\n")
    w("Sources of the images this model read (its classes and its unknowns), with the licence each states "
      "(provenance from `shared/datasets/SOURCES.md`):\n")
    w("| source | images | licence stated | origin |\n|---|---|---|---|")
    for row in sources:
        w(f"| {row['source']} | {row['images']} | {row['licence']} | {SOURCE_ORIGIN.get(row['source'], '—')} |")
    w("")
    backbone = ev["training"]["config"]["backbone"]
    pretrained = PRETRAINED.get(backbone)
    if init_from and ev["training"]["config"].get("warm_start"):
        w(f"The network continued from `{init_from}`, the version this one retrains (every weight, the head too where the "
          "labels are unchanged), on the train split of this manifest; that version's own start is in its card.\n")
    elif init_from and "@" in init_from:
        w(f"The network started from the network of `{init_from}` (its head replaced); that model's own start and data "
          "are in its card.\n")
    elif init_from:
        w(f"The network started from `{init_from}` {model_json['version']}, which was trained on the train split of the same "
          "manifest (all groups)" + (f" from the pretrained weights of {pretrained['package']} ({pretrained['licence']})" if pretrained else
                                     "; no external or pretrained weights were used anywhere") + ".\n")
    elif pretrained:
        w(f"The network started from pretrained weights: {pretrained['weights']} — {pretrained['package']}, licence "
          f"{pretrained['licence']}. Measured against training from scratch on the same splits (`--backbone vectornet`), "
          "these weights gave the better test accuracy, so they are what ships (`docs/adr/0006-pretrained-backbone.md`).\n")
    else:
        w("Trained from scratch (random initialisation); no external or pretrained weights.\n")
    w("## Preprocessing\n")
    w(f"`inference/preprocessing.ts`: decode (sharp) → EXIF orientation → sRGB 8-bit, alpha flattened onto the pad colour → "
      f"resize `{RESIZE}` to {size}×{size} (letterboxed with pad colour {list(PAD_COLOR)}, lanczos3) → RGB HWC uint8 → "
      f"`(pixel/255 − mean)/std` per channel, NCHW float32, with mean `{mean}` and std `{std}` "
      + ("(the [0, 1] input range the pretrained weights were trained with; " if backbone != "vectornet"
         else "(computed on the train split of the manifest; ") + "identical for all four models). The trainer read only the PNGs written by "
      f"`npm run datasets:prepare -- {ev['manifest']} --size {size} --resize {RESIZE}` (the exact serving pixels). "
      "Training augmentation on those pixels only: flips, rotation "
      f"(±{task.rotate_degrees:g}°), scale 0.85–1.15, shifts ±8 %, brightness/contrast/saturation ±25 % (not on the pad), "
      "random erasing; exposed borders are filled with the pad colour.\n")
    w("Apply softmax to `logits / temperature`, then reject when the largest probability is below the threshold.\n")
    w("## Training\n")
    cfg = ev["training"]["config"]
    w(f"{network_description(backbone, n_params)}, AdamW (lr {cfg['finetune_lr'] if init_from else cfg['lr']}, weight decay "
      f"{cfg['weight_decay']}), cosine schedule with {cfg['warmup_epochs']} warm-up epochs, batch {cfg['batch_size']}. "
      f"Sampling: every class equally often"
      + (f" (balance power {cfg['balance_power']})" if cfg['balance_power'] != 1.0 else "")
      + f"; inside a class, an image from a leakage group of n near-identical photos (same source photograph or "
      f"perceptual near-duplicates, from the manifest) is drawn with weight n^-{cfg['group_power']}, so that e.g. the "
      f"100 near-identical microscope photos of one larva session do not dominate their class"
      + (f"; CutMix on {cfg['cutmix_p']:.0%} of the batches" if cfg.get('cutmix_p') else "")
      + (f"; outlier exposure: {cfg['outlier_batch']} train-split unknowns per batch pushed towards a flat softmax "
         f"(weight {cfg['outlier_weight']})" if task.outlier_exposure else "")
      + (f". The weights evaluated and shipped are an exponential moving average (over ~{cfg['ema_epochs']:g} epochs) of the trained ones"
         if cfg.get('ema_epochs') else "")
      + f". Early stopping on validation NLL after temperature scaling"
      + (" plus the outlier term on validation unknowns" if task.outlier_exposure else "")
      + f": best epoch {ev['training']['bestEpoch']} of {ev['training']['epochsRun']} run (max {cfg['max_epochs']}, "
      f"patience {cfg['patience']}), {ev['training']['trainSeconds']:.0f} s of training on 2 CPU cores shared with other work. "
      f"Seed {cfg['seed']}. ONNX export checked with onnxruntime against PyTorch on {ev['onnxParity']['batch']} test "
      f"images: max |Δlogit| {ev['onnxParity']['maxAbsDiff']:.1e} (limit 1e-4).\n")
    w("## Metrics (held-out test split)\n")
    w("Reproduce (deterministic up to CPU floating-point differences; `npm run models:train` runs this for the four "
      "vectors-v1 models):\n")
    w(f"```\n{command}\n```\n")
    w(f"Test images: {test['n']}. Top-1 **{_pct(test['top1'])}**"
      + (f" (95 % CI {_pct(ci[0])}–{_pct(ci[1])})" if ci else "")
      + f", top-3 {_pct(test['top3'])}{' (trivially 100 % with 3 classes)' if k <= 3 else ''}, balanced accuracy "
      f"{_pct(test['balancedAccuracy'])}, ECE (15 bins, calibrated) {_pct(test['ece'])}, rejection AUROC {_num(test['rejectionAuroc'])}. "
      f"(Validation: top-1 {_pct(val['top1'])} on {val['n']} images.)\n")
    w("| metric | test | target | |\n|---|---|---|---|")
    out.extend(target_lines(task, test))
    w("")
    w("Per class (test):\n")
    w("| label | precision | recall | F1 | support |\n|---|---|---|---|---|")
    for label, row in test["perClass"].items():
        w(f"| `{label}` | {_pct(row['precision'])} | {_pct(row['recall'])} | {_pct(row['f1'])} | {row['support']} |")
    w("")
    w("Confusion matrix (test; rows = true, columns = predicted):\n")
    ids = test["confusion"]["labels"]
    w("| true \\ predicted | " + " | ".join(f"`{i}`" for i in ids) + " |")
    w("|---" * (len(ids) + 1) + "|")
    for label, row in zip(ids, test["confusion"]["matrix"]):
        w(f"| `{label}` | " + " | ".join(str(v) for v in row) + " |")
    w("")
    w("## Calibration\n")
    w(f"Temperature scaling on the validation split (NLL minimised, with a weak log-normal prior on T that only matters "
      f"for tiny validation sets): T = {ev['calibration']['temperature']:.3f}. "
      f"Test ECE (15 equal-width bins, top label) {_pct(test['eceUncalibrated'])} before → **{_pct(test['ece'])}** after; "
      f"test NLL {_num(test['nllUncalibrated'])} → {_num(test['nll'])}. With {test['n']} test images a single image moves "
      f"ECE by up to {100 / max(1, test['n']):.1f} points, so small-set ECE is a coarse figure.\n")
    w("## Rejection\n")
    rej = ev["rejection"]
    tr = test["rejection"]
    w(f"Method `max_softmax`: reject when the largest calibrated probability < **{rej['threshold']:.4f}**. Threshold chosen "
      f"on validation ({rej['rule']}; on validation it accepted {_pct(rej['acceptRate'])} of the images to accept"
      + (f" and rejected {_pct(rej['rejectRate'])} of the rest" if rej.get("rejectRate") is not None else "")
      + f"). Unknowns: {rej['unknowns']}.\n")
    w(f"On test: rejection AUROC {_num(test['rejectionAuroc'])} ({tr['positives']} images to accept vs {tr['negatives']} to reject); "
      f"at the threshold {_pct(tr['knownAcceptedRate'])} of the model's own test images are accepted, top-1 on those "
      f"{_pct(tr['top1OnAccepted'])}"
      + (f"; {_pct(tr['negativesRejectedRate'])} of the images to reject are rejected" if tr.get("negativesRejectedRate") is not None else "")
      + ".\n")
    if task.task == "group":
        w("The group model's five labels cover every image of the dataset, so there is no out-of-taxonomy test set: its AUROC "
          "measures how well the confidence separates its correct answers from its mistakes (few mistakes → a noisy figure). "
          "How it rejects real out-of-taxonomy photos (fleas, cockroaches, flies, other arthropods) is **not measured**.\n")
    w("## Known gaps and limits\n")
    for gap in gaps["gaps"] + data_gaps + COMMON_GAPS:
        w(f"- {gap}")
    w("")
    if missed:
        w("## Targets missed\n")
        for metric in missed:
            value, target = test[metric], targets_for(task)[metric]
            if metric == "ece":
                w(f"- ECE {_pct(value, 2)} vs ≤ {100 * target:.0f} %: missed by {100 * (value - target):.2f} points.")
            elif metric == "rejectionAuroc":
                w(f"- Rejection AUROC {_num(value)} vs ≥ {target}: missed by {target - value:.3f}.")
            else:
                w(f"- {metric} {_pct(value)} vs ≥ {100 * target:.0f} %: missed by {100 * (target - value):.1f} points.")
        w(f"\nWhat data would close it: {gaps['more_data']}.\n")
        if backbone == "vectornet":
            w("Beyond data: this network was trained from scratch on ~1,500 photos, which limits how general its visual "
              "features can be; the pretrained backbone (`--backbone nsfwjs-mobilenet-v2`) measured better.\n")
        else:
            w("Beyond data: the only CNN weights reachable offline were fine-tuned for a task far from arthropods (image "
              "content moderation). A backbone pretrained on a large natural-image or biodiversity collection (ImageNet-21k, "
              "iNaturalist), at 224 px, is the standard remedy and would likely close much of the gap with the data that exists.\n")
    return "\n".join(out) + "\n"
