"""Honest intervals with few outcomes: trains `fundament train` on many random
subsets holding exactly 50 of the positive outcome (the rest of the rows in
the set's proportion), and checks how often the model's reported 95% interval
(from its folds) covers the figure measured on all the rows it never saw.

usage: small.py FUNDAMENT_BIN DATA.csv TARGET [ID] [--runs 30] [--positives 50]
"""
import argparse
import json
import os
import subprocess
import tempfile

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, roc_auc_score

YES = {"1", "1.0", "yes", "y", "true", "t", "да"}

parser = argparse.ArgumentParser()
parser.add_argument("bin")
parser.add_argument("data")
parser.add_argument("target")
parser.add_argument("id", nargs="?")
parser.add_argument("--runs", type=int, default=30)
parser.add_argument("--positives", type=int, default=50)
args = parser.parse_args()

data = pd.read_csv(args.data)
y = data[args.target].astype(str).str.strip().str.lower().isin(YES).to_numpy()
positives, negatives = np.flatnonzero(y), np.flatnonzero(~y)
per_positive = len(negatives) / len(positives)
covered = {"auc": 0, "brier": 0}
widths, gaps = [], []
work = tempfile.mkdtemp()
for run in range(args.runs):
    rng = np.random.default_rng(run)
    chosen = np.concatenate([
        rng.choice(positives, args.positives, replace=False),
        rng.choice(negatives, round(args.positives * per_positive), replace=False),
    ])
    train = data.iloc[np.sort(chosen)]
    pool = data.drop(index=data.index[chosen])
    if args.id is None:
        pool = pool.assign(row_key=np.arange(len(pool)))
    train.to_csv(f"{work}/train.csv", index=False)
    pool.to_csv(f"{work}/pool.csv", index=False)
    ids = ["--id", args.id] if args.id else []
    subprocess.run([args.bin, "train", "--data", f"{work}/train.csv", "--target", args.target,
                    *ids, "--out", f"{work}/model", "--lang", "en"], check=True, capture_output=True)
    subprocess.run([args.bin, "score", "--model", f"{work}/model", "--data", f"{work}/pool.csv",
                    *(ids or ["--id", "row_key"]), "--out", f"{work}/scores.csv"], check=True, capture_output=True)
    report = json.load(open(f"{work}/model/metrics.json"))["validation"]
    scores = pd.read_csv(f"{work}/scores.csv")
    truth_y = pool[args.target].astype(str).str.strip().str.lower().isin(YES).to_numpy()
    p = scores["probability"].to_numpy()
    truth = {"auc": roc_auc_score(truth_y, p), "brier": brier_score_loss(truth_y, p)}
    for name in covered:
        figure = report[name]
        covered[name] += figure["low"] <= truth[name] <= figure["high"]
    widths.append(report["auc"]["high"] - report["auc"]["low"])
    gaps.append(report["auc"]["value"] - truth["auc"])
print(f"{os.path.basename(args.data)}: {args.runs} subsets of {args.positives} positives "
      f"+ {round(args.positives * per_positive)} negatives; the 95% interval covered the AUC on the unseen rows "
      f"{covered['auc']}/{args.runs} times, the Brier score {covered['brier']}/{args.runs}; "
      f"mean AUC interval width {np.mean(widths):.3f}, mean (reported − unseen) AUC {np.mean(gaps):+.3f}")
