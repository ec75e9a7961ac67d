"""Calibration, rejection and evaluation metrics (numpy; no sklearn needed)."""
from __future__ import annotations

import math

import numpy as np
import torch


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = logits.astype(np.float64) / temperature
    z -= z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def nll(logits: np.ndarray, targets: np.ndarray, temperature: float = 1.0) -> float:
    probs = softmax(logits, temperature)
    return float(-np.log(np.clip(probs[np.arange(len(targets)), targets], 1e-12, None)).mean())


def fit_temperature(logits: np.ndarray, targets: np.ndarray, prior_sigma: float = 1.0) -> float:
    """Temperature scaling (Guo et al. 2017): the T > 0 minimising the validation NLL of softmax(logits / T).

    A weak log-normal prior on T (log T ~ N(0, prior_sigma²)) is added to the summed NLL: with hundreds of
    validation images it changes nothing, but on a tiny validation set that the model happens to get entirely
    right, plain NLL is minimised by T → 0 (infinite confidence), which no screening tool should ship.
    """
    if len(targets) == 0:
        return 1.0
    n = len(targets)
    objective = lambda t: n * nll(logits, targets, t) + math.log(t) ** 2 / (2 * prior_sigma ** 2)
    z = torch.tensor(logits, dtype=torch.float64)
    y = torch.tensor(targets, dtype=torch.long)
    # A coarse grid first (the objective in log T is not always convex on tiny sets), then LBFGS from the best point.
    grid = np.exp(np.linspace(math.log(0.05), math.log(20.0), 200))
    start = float(grid[int(np.argmin([objective(t) for t in grid]))])
    log_t = torch.tensor([math.log(start)], dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.LBFGS([log_t], lr=0.5, max_iter=100, line_search_fn="strong_wolfe")

    def closure():
        optimiser.zero_grad()
        loss = n * torch.nn.functional.cross_entropy(z / torch.exp(log_t), y) + log_t[0] ** 2 / (2 * prior_sigma ** 2)
        loss.backward()
        return loss

    optimiser.step(closure)
    t = float(torch.exp(log_t).item())
    if not math.isfinite(t) or objective(t) > objective(start):
        t = start
    return float(min(max(t, 0.05), 20.0))


def expected_calibration_error(probs: np.ndarray, targets: np.ndarray, bins: int = 15) -> tuple[float, list[dict]]:
    """Top-label ECE with `bins` equal-width confidence bins (bin = floor(confidence·bins), the last one closed —
    the same binning as inference/evaluation.ts); also returns the reliability table."""
    if len(targets) == 0:
        return 0.0, []
    confidence = probs.max(1)
    correct = (probs.argmax(1) == targets).astype(np.float64)
    index = np.minimum(bins - 1, np.floor(confidence * bins).astype(np.int64))
    ece = 0.0
    table = []
    for b in range(bins):
        inside = index == b
        count = int(inside.sum())
        row = {"low": round(b / bins, 4), "high": round((b + 1) / bins, 4), "count": count, "accuracy": None, "confidence": None}
        if count:
            acc, conf = float(correct[inside].mean()), float(confidence[inside].mean())
            ece += count / len(targets) * abs(acc - conf)
            row.update(accuracy=round(acc, 4), confidence=round(conf, 4))
        table.append(row)
    return float(ece), table


def auroc(positive_scores: np.ndarray, negative_scores: np.ndarray) -> float | None:
    """P(score of a positive > score of a negative), ties counting one half (Mann–Whitney U / n_pos n_neg)."""
    pos, neg = np.asarray(positive_scores, np.float64), np.asarray(negative_scores, np.float64)
    if len(pos) == 0 or len(neg) == 0:
        return None
    scores = np.concatenate([pos, neg])
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores), np.float64)
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):  # average ranks over ties
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    u = ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2.0
    return float(u / (len(pos) * len(neg)))


def choose_threshold(accept_scores: np.ndarray, reject_scores: np.ndarray, min_accept: float = 0.9) -> dict:
    """Rejection threshold on max calibrated softmax, chosen on validation data.

    Maximises Youden's J = (share of `accept_scores` ≥ t) − (share of `reject_scores` ≥ t) over the candidate
    thresholds that still accept at least `min_accept` of the images that should be accepted (a screening aid
    that refuses too much is useless). Without images to reject, it is the threshold accepting `min_accept`.
    """
    accept_scores = np.sort(np.asarray(accept_scores, np.float64))
    reject_scores = np.asarray(reject_scores, np.float64)
    if len(accept_scores) == 0:
        return {"threshold": 0.5, "acceptRate": None, "rejectRate": None, "rule": "no validation images: default 0.5"}
    floor = float(accept_scores[int(math.floor((1 - min_accept) * len(accept_scores)))])  # keeps ≥ min_accept
    candidates = np.unique(np.concatenate([accept_scores, reject_scores, [floor]]))
    candidates = candidates[candidates <= floor]
    best = None
    for t in candidates:
        tpr = float((accept_scores >= t).mean())
        fpr = float((reject_scores >= t).mean()) if len(reject_scores) else 0.0
        key = (tpr - fpr, t)
        if best is None or key > best[0]:
            best = (key, t, tpr, fpr)
    _, t, tpr, fpr = best
    # Put the threshold halfway to the next lower observed score, so it is not sitting on a validation image.
    lower = np.concatenate([accept_scores, reject_scores])
    lower = lower[lower < t]
    threshold = float((t + lower.max()) / 2) if len(lower) else float(t)
    return {
        "threshold": round(threshold, 6),
        "acceptRate": round(tpr, 4),
        "rejectRate": round(1 - fpr, 4) if len(reject_scores) else None,
        "rule": f"max Youden J on validation, accepting >= {min_accept:.0%} of the images to accept",
    }


def classification_report(probs: np.ndarray, targets: np.ndarray, label_ids: list[str]) -> dict:
    k = len(label_ids)
    predictions = probs.argmax(1)
    confusion = np.zeros((k, k), dtype=np.int64)
    for t, p in zip(targets, predictions):
        confusion[t, p] += 1
    per_class = {}
    for i, label in enumerate(label_ids):
        tp = int(confusion[i, i])
        predicted = int(confusion[:, i].sum())
        actual = int(confusion[i, :].sum())
        # As inference/evaluation.ts: a ratio with nothing to divide by is 0.
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "support": actual}
    top = np.argsort(-probs, 1)
    top3 = float(np.mean([t in row[:3] for t, row in zip(targets, top)])) if len(targets) else None
    recalls = [v["recall"] for v in per_class.values() if v["support"]]
    return {
        "n": int(len(targets)),
        "top1": float((predictions == targets).mean()) if len(targets) else None,
        "top3": top3,
        "balancedAccuracy": float(np.mean(recalls)) if recalls else None,
        "perClass": per_class,
        "confusion": {"labels": label_ids, "rowsAreTrue": True, "matrix": confusion.tolist()},
    }
