"""Quick experiment: fine-tune the nsfwjs MobileNetV2 port (see nsfwjs_mobilenet_v2.py) on the
5-class vector-group task (mosquito.adult / mosquito.larva / tick / rodent / not_vector).

Stage 1: backbone frozen, features cached (original + h-flip views), linear head (dropout) trained
on the cache -- seconds.  Stage 2: unfreeze the last inverted-residual blocks + Conv_1 with a small LR,
on-line flips/crops, class-balanced sampling, BN statistics kept frozen (eval mode).

    .venv/bin/python models/training/finetune_experiment.py --size 160 --norm 01 --epochs 4 \
        --export /tmp/vd_ft/group.onnx
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
from PIL import Image
from torch import nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nsfwjs_mobilenet_v2 import load_nsfwjs_mobilenet_v2  # noqa: E402

LABELS = ["mosquito.adult", "mosquito.larva", "tick", "rodent", "not_vector"]
NORMS = {"01": (0.0, 1.0), "pm1": (0.5, 0.5)}  # (mean, std) for (pixel/255 - mean)/std


def label_of(rec):
    g = rec["group"]
    if g == "mosquito":
        return "mosquito.larva" if rec.get("lifeStage") == "larva" else "mosquito.adult"
    return g


def load_split(root, manifest, size, policy_fmt="contain-{size}-pad127.127.127"):
    m = json.load(open(manifest))
    folder = os.path.join(root, "var/prepared/vectors-v1", policy_fmt.format(size=size))
    data = {}
    for split in ("train", "val", "test"):
        recs = [r for r in m["images"] if r["split"] == split]
        x = np.stack([np.asarray(Image.open(os.path.join(folder, r["sha256"] + ".png")).convert("RGB"))
                      for r in recs])
        y = np.array([LABELS.index(label_of(r)) for r in recs])
        data[split] = (torch.from_numpy(x).permute(0, 3, 1, 2).contiguous(), torch.from_numpy(y))
    return data


def to_input(u8, norm):
    mean, std = NORMS[norm]
    return (u8.float() / 255.0 - mean) / std


def augment(u8, size, scale=(0.6, 1.0)):
    """Random square-ish crop (area `scale`, aspect 3/4..4/3) resized back to size + h-flip; uint8 in/out float."""
    n = u8.shape[0]
    out = torch.empty(n, 3, size, size)
    x = u8.float()
    for i in range(n):
        a = np.random.uniform(*scale)
        r = np.exp(np.random.uniform(np.log(3 / 4), np.log(4 / 3)))
        w = int(round(size * np.sqrt(a * r)))
        h = int(round(size * np.sqrt(a / r)))
        w, h = min(w, size), min(h, size)
        x0 = np.random.randint(0, size - w + 1)
        y0 = np.random.randint(0, size - h + 1)
        c = x[i:i + 1, :, y0:y0 + h, x0:x0 + w]
        c = F.interpolate(c, size=(size, size), mode="bilinear", align_corners=False)
        if np.random.rand() < 0.5:
            c = c.flip(3)
        out[i] = c[0]
    return out.clamp_(0, 255)


class Classifier(nn.Module):
    def __init__(self, trunk, n_classes, dropout=0.2):
        super().__init__()
        self.trunk = trunk
        self.drop = nn.Dropout(dropout)
        self.fc = nn.Linear(trunk.out_channels, n_classes)

    def forward(self, x):
        return self.fc(self.drop(self.trunk(x)))


@torch.no_grad()
def extract(trunk, u8, norm, bs=64, flip=False):
    feats = []
    for i in range(0, len(u8), bs):
        x = to_input(u8[i:i + bs], norm)
        if flip:
            x = x.flip(3)
        feats.append(trunk(x))
    return torch.cat(feats)


def metrics(logits, y):
    pred = logits.argmax(1)
    top1 = (pred == y).float().mean().item()
    rec = {LABELS[c]: round((pred[y == c] == c).float().mean().item(), 3) for c in range(len(LABELS)) if (y == c).any()}
    return round(top1, 4), rec


def balanced_sampler_weights(y):
    counts = torch.bincount(y, minlength=len(LABELS)).float()
    return (1.0 / counts)[y]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default="/work/main")
    ap.add_argument("--nsfwjs", default="/tmp/nsfw/package/dist/models/mobilenet_v2")
    ap.add_argument("--size", type=int, default=160)
    ap.add_argument("--norm", default="01", choices=list(NORMS))
    ap.add_argument("--probe-only", action="store_true")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--unfreeze", type=int, default=4, help="number of last inverted-residual blocks to train")
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--bs", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--export", default="")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)

    t0 = time.time()
    data = load_split(args.root, os.path.join(args.root, "datasets/manifests/vectors-v1.json"), args.size)
    print({k: len(v[1]) for k, v in data.items()}, f"loaded in {time.time() - t0:.1f}s", flush=True)
    trunk = load_nsfwjs_mobilenet_v2(args.nsfwjs).eval()
    model = Classifier(trunk, len(LABELS))

    # ---- stage 1: frozen backbone, cached features, linear head
    t0 = time.time()
    xtr, ytr = data["train"]
    ftr = extract(trunk, xtr, args.norm)
    ytr2 = ytr
    if args.probe_only:  # add h-flipped view (skipped before fine-tuning to save CPU time)
        ftr = torch.cat([ftr, extract(trunk, xtr, args.norm, flip=True)])
        ytr2 = torch.cat([ytr, ytr])
    fva = extract(trunk, data["val"][0], args.norm)
    fte = extract(trunk, data["test"][0], args.norm)
    t_feat = time.time() - t0
    head = nn.Sequential(nn.Dropout(0.2), nn.Linear(ftr.shape[1], len(LABELS)))
    opt = torch.optim.AdamW(head.parameters(), lr=1e-3, weight_decay=1e-3)
    w = balanced_sampler_weights(ytr2)
    best = (-1, None)
    for ep in range(60):
        head.train()
        idx = torch.multinomial(w, len(w), replacement=True)
        for i in range(0, len(idx), 64):
            b = idx[i:i + 64]
            loss = F.cross_entropy(head(ftr[b]), ytr2[b], label_smoothing=0.1)
            opt.zero_grad()
            loss.backward()
            opt.step()
        head.eval()
        with torch.no_grad():
            va, _ = metrics(head(fva), data["val"][1])
        if va > best[0]:
            best = (va, {k: v.clone() for k, v in head.state_dict().items()}, ep)
    head.load_state_dict(best[1])
    head.eval()
    with torch.no_grad():
        va = metrics(head(fva), data["val"][1])
        te = metrics(head(fte), data["test"][1])
    print(json.dumps({"stage": "frozen-linear", "norm": args.norm, "size": args.size, "best_epoch": best[2],
                      "feature_extract_s": round(t_feat, 1),
                      "val": va, "test": te}), flush=True)
    model.fc.load_state_dict(head[1].state_dict())
    if args.probe_only:
        return

    # ---- stage 2: unfreeze the last blocks (BN stays in eval mode: frozen statistics)
    for p in trunk.parameters():
        p.requires_grad_(False)
    train_mods = list(trunk.blocks[len(trunk.blocks) - args.unfreeze:]) + [trunk.head_conv]
    bb_params = [p for m in train_mods for p in m.parameters()]
    for p in bb_params:
        p.requires_grad_(True)
    opt = torch.optim.AdamW([{"params": bb_params, "lr": args.lr},
                             {"params": model.fc.parameters(), "lr": args.lr * 3}], weight_decay=1e-4)
    steps_per_epoch = (len(ytr) + args.bs - 1) // args.bs
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[args.lr, args.lr * 3],
                                                total_steps=args.epochs * steps_per_epoch, pct_start=0.15)
    w = balanced_sampler_weights(ytr)
    n_frozen = len(trunk.blocks) - args.unfreeze

    def eval_split(split):
        model.eval()
        with torch.no_grad():
            logits = torch.cat([model(to_input(data[split][0][i:i + 64], args.norm))
                                for i in range(0, len(data[split][1]), 64)])
        return metrics(logits, data[split][1]), logits

    best = (-1, None, -1)
    for ep in range(args.epochs):
        t0 = time.time()
        model.eval()  # BN frozen, dropout on below
        model.drop.train()
        idx = torch.multinomial(w, len(ytr), replacement=True)
        tot = 0.0
        for s in range(steps_per_epoch):
            b = idx[s * args.bs:(s + 1) * args.bs]
            x = (augment(xtr[b], args.size) / 255.0 - NORMS[args.norm][0]) / NORMS[args.norm][1]
            with torch.no_grad():
                h = trunk.stem(x)
                for blk in trunk.blocks[:n_frozen]:
                    h = blk(h)
            for blk in trunk.blocks[n_frozen:]:
                h = blk(h)
            f = trunk.head_conv(h).mean(dim=(2, 3))
            loss = F.cross_entropy(model.fc(model.drop(f)), ytr[b], label_smoothing=0.1)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item()
        t_train = time.time() - t0
        (va, va_rec), _ = eval_split("val")
        print(json.dumps({"stage": "finetune", "epoch": ep, "loss": round(tot / steps_per_epoch, 4),
                          "train_s": round(t_train, 1), "epoch_s_incl_val": round(time.time() - t0, 1),
                          "val": va, "val_recall": va_rec}), flush=True)
        if va >= best[0]:
            best = (va, {k: v.clone() for k, v in model.state_dict().items()}, ep)
    model.load_state_dict(best[1])
    te, te_logits = eval_split("test")
    va, _ = eval_split("val")
    cm = torch.zeros(len(LABELS), len(LABELS), dtype=torch.long)
    for t, p in zip(data["test"][1], te_logits.argmax(1)):
        cm[t, p] += 1
    print(json.dumps({"stage": "finetune-best", "best_epoch": best[2], "val": va, "test": te,
                      "test_confusion(rows=true)": cm.tolist(), "labels": LABELS}), flush=True)

    if args.export:
        os.makedirs(os.path.dirname(os.path.abspath(args.export)), exist_ok=True)
        model.eval()
        dummy = torch.zeros(1, 3, args.size, args.size)
        torch.onnx.export(model, dummy, args.export, opset_version=17, input_names=["input"],
                          output_names=["logits"], dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
                          dynamo=False)
        import onnxruntime as ort
        sess = ort.InferenceSession(args.export, providers=["CPUExecutionProvider"])
        xt = to_input(data["test"][0][:8], args.norm)
        diff = np.abs(sess.run(["logits"], {"input": xt.numpy()})[0] - model(xt).detach().numpy()).max()
        print(json.dumps({"onnx": args.export, "bytes": os.path.getsize(args.export),
                          "ort_vs_torch_max_abs_diff": float(diff)}), flush=True)


if __name__ == "__main__":
    main()
