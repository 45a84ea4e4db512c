"""Multitask evaluator: CORE-style mean centred accuracy over the hidden test splits.

Runs in its own container with the recipe's output mounted read-only. Each $EMPIRIC_OUT/<task>.npz
is read as plain arrays (allow_pickle=False); nothing the recipe wrote is imported or executed. The
only result that counts is the JSON this program writes to $EMPIRIC_RESULT, stamped with the nonce.

Per task: accuracy on its hidden test split, centred = (accuracy - chance) / (1 - chance) with
chance = 1 / number of classes (so guessing scores 0 and a perfect model 1; below chance is
negative). core = the unweighted mean of the centred accuracies. A task whose model is missing or
malformed makes the whole result an error (NO_SCORE): one recipe must serve every task.
"""
import json
import os

import numpy as np

MAX_LAYERS = 8


def write_result(**fields):
    fields["nonce"] = os.environ["EMPIRIC_NONCE"]
    with open(os.environ["EMPIRIC_RESULT"], "w") as f:
        json.dump(fields, f)


def forward(model, x, n_classes):
    activation = str(model["activation"])
    if activation not in ("relu", "tanh"):
        raise ValueError(f"unknown activation {activation!r}")
    layers = sum(1 for key in model.files if key.startswith("weight_"))
    if not 1 <= layers <= MAX_LAYERS:
        raise ValueError(f"{layers} layers, expected 1..{MAX_LAYERS}")
    h = (x - model["x_mean"].astype(np.float64)) / model["x_scale"].astype(np.float64)
    for i in range(layers):
        w, b = model[f"weight_{i}"].astype(np.float64), model[f"bias_{i}"].astype(np.float64)
        if w.ndim != 2 or b.shape != (w.shape[1],) or w.shape[0] != h.shape[1]:
            raise ValueError(f"layer {i}: weight {w.shape} and bias {b.shape} do not fit input {h.shape}")
        h = h @ w + b
        if i < layers - 1:
            h = np.maximum(h, 0.0) if activation == "relu" else np.tanh(h)
    if h.shape != (len(x), n_classes):
        raise ValueError(f"output {h.shape}, expected {(len(x), n_classes)}")
    if not np.isfinite(h).all():
        raise ValueError("non-finite outputs")
    return h


def main():
    out = os.environ["EMPIRIC_OUT"]
    with open("/hidden/tasks.json") as f:
        tasks = sorted(json.load(f))
    metrics = {}
    for task in tasks:
        path = os.path.join(out, f"{task}.npz")
        if not os.path.isfile(path) or os.path.islink(path):
            write_result(error=f"the recipe wrote no {task}.npz")
            return
        try:
            hidden = np.load(f"/hidden/{task}/test.npz", allow_pickle=False)
            n_classes = int(hidden["n_classes"])
            with np.load(path, allow_pickle=False) as model:
                logits = forward(model, hidden["x"].astype(np.float64), n_classes)
            acc = float((np.argmax(logits, axis=1) == hidden["y"]).mean())
        except Exception as e:  # a malformed model is the recipe's failure, reported as NO_SCORE
            write_result(error=f"{task}: model could not be evaluated: {type(e).__name__}: {e}"[:500])
            return
        chance = 1.0 / n_classes
        metrics[f"acc_{task}"] = acc
        metrics[f"centred_{task}"] = (acc - chance) / (1.0 - chance)
    metrics["core"] = float(np.mean([metrics[f"centred_{t}"] for t in tasks]))
    write_result(metrics=metrics)


if __name__ == "__main__":
    main()
