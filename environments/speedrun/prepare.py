"""Split scikit-learn's bundled digits into a public training split and a hidden test split.

Runs at image build time in the `data` stage. The split is fixed and stratified (seeded), so every
campaign on this environment is gated on the same 540 held-out images. The public split carries
images and labels; the hidden split's labels exist only in the scorer image.
"""
import os
import sys

import numpy as np
from sklearn.datasets import load_digits

SPLIT_SEED = 20260503
TEST_PER_CLASS = 54

out = sys.argv[1]
digits = load_digits()
rng = np.random.default_rng(SPLIT_SEED)
test = np.concatenate([rng.permutation(np.flatnonzero(digits.target == c))[:TEST_PER_CLASS]
                       for c in range(10)])
train = np.setdiff1d(np.arange(len(digits.target)), test)
os.makedirs(os.path.join(out, "public"), exist_ok=True)
os.makedirs(os.path.join(out, "hidden"), exist_ok=True)
np.savez(os.path.join(out, "public", "train.npz"),
         x=digits.data[train].astype(np.float32), y=digits.target[train].astype(np.int64))
np.savez(os.path.join(out, "hidden", "test.npz"),
         x=digits.data[test].astype(np.float32), y=digits.target[test].astype(np.int64))
print(f"public {len(train)} images, hidden {len(test)} images")
