"""Split scikit-learn's bundled digits into a public training split and a hidden test split.

Runs at image build time in the `data` stage. The split is fixed (seeded) so that every campaign on
this environment is scored on the same held-out images.
"""
import os
import sys

import numpy as np
from sklearn.datasets import load_digits

out = sys.argv[1]
digits = load_digits()
order = np.random.default_rng(20260501).permutation(len(digits.target))
test, train = order[:597], order[597:]
os.makedirs(os.path.join(out, "public"), exist_ok=True)
os.makedirs(os.path.join(out, "hidden"), exist_ok=True)
np.savez(os.path.join(out, "public", "train.npz"), x=digits.data[train], y=digits.target[train])
np.savez(os.path.join(out, "hidden", "test.npz"), x=digits.data[test], y=digits.target[test])
print(f"public {len(train)} images, hidden {len(test)} images")
