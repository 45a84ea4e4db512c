"""Digits evaluator: scores $EMPIRIC_OUT/model.npz on the hidden test split.

Runs in its own container with the recipe's output mounted read-only. It never imports or runs
anything the recipe wrote: the model is read as plain arrays (allow_pickle=False). The only result
that counts is the JSON this program writes to $EMPIRIC_RESULT, stamped with the run's nonce.
"""
import json
import os

import numpy as np


def write_result(**fields):
    fields["nonce"] = os.environ["EMPIRIC_NONCE"]
    with open(os.environ["EMPIRIC_RESULT"], "w") as f:
        json.dump(fields, f)


def forward(model, x):
    activation = str(model["activation"])
    if activation not in ("relu", "tanh"):
        raise ValueError(f"unknown activation {activation!r}")
    h = (x - model["x_mean"]) / model["x_scale"]
    layers = sum(1 for key in model.files if key.startswith("weight_"))
    for i in range(layers):
        h = h @ model[f"weight_{i}"] + model[f"bias_{i}"]
        if i < layers - 1:
            h = np.maximum(h, 0.0) if activation == "relu" else np.tanh(h)
    return h


def main():
    path = os.path.join(os.environ["EMPIRIC_OUT"], "model.npz")
    if not os.path.isfile(path) or os.path.islink(path):
        write_result(error="the recipe wrote no model.npz")
        return
    try:
        model = np.load(path, allow_pickle=False)
        hidden = np.load("/hidden/test.npz")
        logits = forward(model, hidden["x"].astype(np.float32) / 16.0)
        accuracy = float((np.argmax(logits, axis=1) == hidden["y"]).mean())
    except Exception as e:  # a malformed model is the recipe's failure, reported as NO_SCORE
        write_result(error=f"model could not be evaluated: {type(e).__name__}: {e}"[:500])
        return
    if not np.isfinite(accuracy):
        write_result(error="accuracy is not finite")
        return
    write_result(metrics={"accuracy": accuracy})


if __name__ == "__main__":
    main()
