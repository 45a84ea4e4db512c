"""Split four of scikit-learn's bundled classification sets into public train and hidden test splits.

Runs at image build time in the `data` stage. For each task a fixed (seeded) stratified 30% of the
rows becomes the hidden test split (scorer image only); the other 70% are the public training split
(recipe image). Features are stored as float32, labels as int64, with the number of classes.
"""
import json
import os
import sys

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine

SPLIT_SEED = 20260504
TEST_FRACTION = 0.3
TASKS = {"digits": load_digits, "iris": load_iris, "wine": load_wine,
         "breast_cancer": load_breast_cancer}

out = sys.argv[1]
rng = np.random.default_rng(SPLIT_SEED)
summary = {}
for task, loader in TASKS.items():
    data = loader()
    x, y = data.data.astype(np.float32), data.target.astype(np.int64)
    classes = int(y.max()) + 1
    test = np.concatenate([rng.permutation(np.flatnonzero(y == c))[:round(TEST_FRACTION * (y == c).sum())]
                           for c in range(classes)])
    train = np.setdiff1d(np.arange(len(y)), test)
    for part, rows in (("public", train), ("hidden", test)):
        os.makedirs(os.path.join(out, part, task), exist_ok=True)
        name = "train.npz" if part == "public" else "test.npz"
        np.savez(os.path.join(out, part, task, name), x=x[rows], y=y[rows],
                 n_classes=np.int64(classes))
    summary[task] = {"features": x.shape[1], "classes": classes, "train": len(train),
                     "test": len(test)}
for part in ("public", "hidden"):
    with open(os.path.join(out, part, "tasks.json"), "w") as f:
        json.dump(summary, f, indent=1)
print(json.dumps(summary))
