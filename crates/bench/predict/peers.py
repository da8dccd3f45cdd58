"""Peers for `fundament train`/`score` on the identical split.

Splits a CSV stratified 80/20 (scikit-learn, seed 42), writes train.csv and
test.csv for fundament, fits scikit-learn's logistic regression and LightGBM
with default parameters on the same rows, then scores everything —
fundament's scores.csv included — with one evaluator.

usage: peers.py split DATA.csv TARGET OUTDIR [POSITIVE]
       peers.py evaluate OUTDIR TARGET [ID] [POSITIVE]
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

YES = {"1", "1.0", "yes", "y", "true", "t", "да"}


def outcome(series, positive=None):
    values = series.astype(str).str.strip().str.lower()
    return (values == positive.lower() if positive else values.isin(YES)).astype(int)


def split(path, target, out, positive=None):
    data = pd.read_csv(path)
    y = outcome(data[target], positive)
    train, test = train_test_split(data, test_size=0.2, stratify=y, random_state=42)
    train.to_csv(f"{out}/train.csv", index=False)
    test.to_csv(f"{out}/test.csv", index=False)


def frames(out, target, id_column, positive):
    train = pd.read_csv(f"{out}/train.csv")
    test = pd.read_csv(f"{out}/test.csv")
    y_train, y_test = outcome(train[target], positive), outcome(test[target], positive)
    drop = [target] + ([id_column] if id_column else [])
    x_train, x_test = train.drop(columns=drop), test.drop(columns=drop)
    for frame in (x_train, x_test):
        for column in frame.columns:
            if not pd.api.types.is_numeric_dtype(frame[column]):
                # Numbers with stray blanks (Telco's total_charges) are numbers.
                numeric = pd.to_numeric(frame[column], errors="coerce")
                if numeric.notna().mean() > 0.98:
                    frame[column] = numeric
    categorical = [c for c in x_train.columns if not pd.api.types.is_numeric_dtype(x_train[c])]
    for frame in (x_train, x_test):
        for column in categorical:
            frame[column] = frame[column].astype(object)
    return x_train, y_train, x_test, y_test, categorical


def evaluate(out, target, id_column=None, positive=None):
    x_train, y_train, x_test, y_test, categorical = frames(out, target, id_column, positive)
    numeric = [c for c in x_train.columns if c not in categorical]
    results = {}

    logistic = make_pipeline(
        ColumnTransformer([
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
            ("cat", OneHotEncoder(handle_unknown="ignore"), categorical),
        ]),
        LogisticRegression(max_iter=1000),
    )
    started = time.perf_counter()
    logistic.fit(x_train, y_train)
    fit = time.perf_counter() - started
    results["scikit-learn LogisticRegression"] = (logistic.predict_proba(x_test)[:, 1], fit)

    import lightgbm

    lgb_train, lgb_test = x_train.copy(), x_test.copy()
    for column in categorical:
        kinds = pd.CategoricalDtype(sorted(lgb_train[column].dropna().unique()))
        lgb_train[column] = lgb_train[column].astype(kinds)
        lgb_test[column] = lgb_test[column].astype(kinds)
    booster = lightgbm.LGBMClassifier(verbose=-1)
    started = time.perf_counter()
    booster.fit(lgb_train, y_train)
    fit = time.perf_counter() - started
    results["LightGBM"] = (booster.predict_proba(lgb_test)[:, 1], fit)

    scores = pd.read_csv(f"{out}/scores.csv")
    test = pd.read_csv(f"{out}/test.csv")
    if id_column:
        by_id = dict(zip(scores["record_id"].astype(str), scores["probability"]))
        p = test[id_column].astype(str).map(by_id).to_numpy()
    else:
        p = scores["probability"].to_numpy()
    results["fundament"] = (p, float(open(f"{out}/train_seconds").read()))

    table = {}
    for name, (p, fit) in results.items():
        table[name] = {
            "auc": roc_auc_score(y_test, p),
            "brier": brier_score_loss(y_test, p),
            "log_loss": log_loss(y_test, np.clip(p, 1e-15, 1 - 1e-15)),
            "fit_seconds": fit,
        }
        print(f"{name:34} AUC {table[name]['auc']:.4f}  Brier {table[name]['brier']:.4f}  "
              f"log-loss {table[name]['log_loss']:.4f}  fit {fit:.3f} s")
    json.dump(table, open(f"{out}/figures.json", "w"), indent=1)


if __name__ == "__main__":
    arg = lambda i: sys.argv[i] if len(sys.argv) > i and sys.argv[i] else None
    if sys.argv[1] == "split":
        split(sys.argv[2], sys.argv[3], sys.argv[4], arg(5))
    else:
        evaluate(sys.argv[2], sys.argv[3], arg(4), arg(5))
