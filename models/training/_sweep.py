# Temporary development sweep (GPU machine); deleted after use.
import glob, json, os, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from PIL import Image
OUT = os.environ.get("OUT", "/tmp/out")
t0 = time.time()
for size in (128, 160):
    dst = f"var/prepared/vectors-v1/contain-{size}-pad127.127.127"
    os.makedirs(dst, exist_ok=True)
    for f in glob.glob(f"var/sweep/{size}/*.jpg"):
        Image.open(f).convert("RGB").save(os.path.join(dst, os.path.basename(f)[:-4] + ".png"))
print("unpacked", time.time() - t0, flush=True)
JOBS = {
    "s128_a": (128, 1, []), "s128_b": (128, 2, []), "s128_c": (128, 3, []),
    "s160_a": (160, 1, []), "s160_b": (160, 2, []), "s160_c": (160, 3, []),
    "s128_noinit": (128, 1, ["init_backbone=false"]),
    "s128_oe1": (128, 1, ["outlier_weight=1.0"]),
    "s128_bal05": (128, 1, ["balance_power=0.5"]),
    "s128_long": (128, 1, ["max_epochs=100", "patience=25"]),
}
results = {}
def job(name):
    size, seed, sets = JOBS[name]
    cmd = [sys.executable, "models/training/train_all.py", "--size", str(size), "--seed", str(seed), "--out", f"/tmp/sw/{name}", "--set", "device=cuda"]
    for s in sets: cmd += ["--set", s]
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    with open(f"{OUT}/log_{name}.txt", "w") as log:
        rc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=env).returncode
    r = {"rc": rc}
    for m in ("vector-group", "tick-species", "mosquito-genus", "larva-genus"):
        p = f"/tmp/sw/{name}/{m}/2026.11.27/evaluation.json"
        if os.path.exists(p):
            e = json.load(open(p))
            r[m] = {sp: {k: e[sp][k] for k in ("top1", "ece", "rejectionAuroc", "nll", "balancedAccuracy")} for sp in ("val", "test")}
            r[m]["bestEpoch"] = e["training"]["bestEpoch"]; r[m]["sec"] = e["training"]["trainSeconds"]
    results[name] = r
    json.dump(results, open(f"{OUT}/results.json", "w"), indent=1)
    print(name, "done", round(time.time() - t0), flush=True)
with ThreadPoolExecutor(len(JOBS)) as pool:
    list(pool.map(job, JOBS))
print("all done", time.time() - t0)
