"""Speedrun evaluator: accuracy of $EMPIRIC_OUT/model.pt on the hidden digits test split.

Runs in its own container with the recipe's output mounted read-only. The model is loaded with
torch.jit.load (TorchScript: no Python from the recipe is imported or executed). The only result
that counts is the JSON this program writes to $EMPIRIC_RESULT, stamped with the run's nonce.
This environment's objective, recipe_seconds, is measured by the harness, never by the scorer or
the recipe; the scorer only supplies the accuracy that the spec's gate checks.

Interface: model(x) with x a float tensor [N, 64] of raw pixel values 0..16 returns logits [N, 10].
The test set is fed in batches of BATCH images in a fixed order; the model is put in eval mode and
must be stateless (the first batch is scored twice and must agree).
"""
import json
import os

import numpy as np
import torch

BATCH = 128


def write_result(**fields):
    fields["nonce"] = os.environ["EMPIRIC_NONCE"]
    with open(os.environ["EMPIRIC_RESULT"], "w") as f:
        json.dump(fields, f)


def predict(model, x):
    logits = model(x)
    if not isinstance(logits, torch.Tensor) or tuple(logits.shape) != (x.shape[0], 10):
        raise ValueError(f"model returned {getattr(logits, 'shape', type(logits))}, expected "
                         f"({x.shape[0]}, 10)")
    if not torch.isfinite(logits).all():
        raise ValueError("model returned non-finite logits")
    return logits.float()


def main():
    path = os.path.join(os.environ["EMPIRIC_OUT"], "model.pt")
    if not os.path.isfile(path) or os.path.islink(path):
        write_result(error="the recipe wrote no model.pt")
        return
    torch.set_num_threads(1)
    try:
        model = torch.jit.load(path, map_location="cpu")
        model.eval()
        hidden = np.load("/hidden/test.npz", allow_pickle=False)
        x = torch.from_numpy(hidden["x"]).float()
        y = torch.from_numpy(hidden["y"]).long()
        with torch.no_grad():
            first = predict(model, x[:BATCH])
            preds = torch.cat([predict(model, x[i:i + BATCH]).argmax(dim=1)
                               for i in range(0, len(x), BATCH)])
            if not torch.allclose(predict(model, x[:BATCH]), first, atol=1e-4, rtol=1e-4):
                raise ValueError("model is not stateless: the same input gave different logits")
        accuracy = float((preds == y).float().mean())
        per_class = [float((preds[y == c] == c).float().mean()) for c in range(10)]
    except Exception as e:  # a malformed model is the recipe's failure, reported as NO_SCORE
        write_result(error=f"model could not be evaluated: {type(e).__name__}: {e}"[:500])
        return
    write_result(metrics={"accuracy": accuracy, "worst_class_accuracy": min(per_class)})


if __name__ == "__main__":
    main()
