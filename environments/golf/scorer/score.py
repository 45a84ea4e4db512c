"""Golf evaluator: bits per byte of $EMPIRIC_OUT/model.pt on the hidden validation fortunes.

Runs in its own container with the recipe's output mounted read-only. The model is loaded with
torch.jit.load (TorchScript: no Python from the recipe is imported or executed). The only result
that counts is the JSON this program writes to $EMPIRIC_RESULT, stamped with the run's nonce.

Interface the model must honour (documented in README.md):
  * model.context_length: an int attribute, 1 <= context_length <= MAX_CONTEXT;
  * model(x) with x a LongTensor [B, T] of byte values 0..255, 1 <= T <= context_length, returns
    float logits [B, T, 256]; logits[:, t] is the prediction of byte t + 1 given bytes 0..t.

How the text is scored: the hidden bytes are cut into STREAMS equal contiguous streams (the tail
that does not divide evenly is dropped); each stream is read in consecutive non-overlapping windows
of context_length bytes, one batch per window position, streams as the batch rows. Every byte of a
stream but its first is predicted exactly once, from the bytes before it in the same window.
val_bpb = total cross-entropy in bits / number of predicted bytes (each byte is one UTF-8 byte).

Legality checks (a failing check is reported as an error, i.e. NO_SCORE):
  * causal: on CHECKS window batches the suffix of every row after a random cut is replaced by text
    from another stream; logits before the cut must not change;
  * stateless: the first batch is scored again at the end and must give the same logits;
  * shapes and finiteness of the logits.
"""
import json
import math
import os
import random
import time

import torch
import torch.nn.functional as F

HIDDEN = "/hidden/val.txt"
MAX_CONTEXT = 1024
STREAMS = 32
CHECKS = 3
TOLERANCE = 1e-3


class Illegal(Exception):
    pass


def write_result(**fields):
    fields["nonce"] = os.environ["EMPIRIC_NONCE"]
    with open(os.environ["EMPIRIC_RESULT"], "w") as f:
        json.dump(fields, f)


def run(model, x):
    logits = model(x)
    if not isinstance(logits, torch.Tensor) or tuple(logits.shape) != (x.shape[0], x.shape[1], 256):
        shape = tuple(logits.shape) if isinstance(logits, torch.Tensor) else type(logits).__name__
        raise Illegal(f"model returned {shape}, expected {(x.shape[0], x.shape[1], 256)}")
    logits = logits.float()
    if not torch.isfinite(logits).all():
        raise Illegal("model returned non-finite logits")
    return logits


def check_causal(model, x, logits, rng):
    t = x.shape[1]
    if t < 2:
        return
    cut = rng.randrange(1, t)
    perturbed = x.clone()
    perturbed[:, cut:] = torch.roll(x, shifts=1, dims=0)[:, cut:]
    changed = run(model, perturbed)
    if not torch.allclose(changed[:, :cut], logits[:, :cut], atol=TOLERANCE, rtol=TOLERANCE):
        raise Illegal(f"model is not causal: logits before position {cut} depend on later bytes")


def evaluate(model, data, context):
    streams = data[: len(data) // STREAMS * STREAMS].view(STREAMS, -1)
    length = streams.shape[1]
    rng = random.Random(int(os.environ.get("EMPIRIC_SEED", "0")) * 7919 + 1)
    windows = list(range(0, length - 1, context))
    check_at = set(rng.sample(windows, min(CHECKS, len(windows))))
    total_bits, predicted, first = 0.0, 0, None
    for start in windows:
        end = min(start + context, length - 1)
        x = streams[:, start:end]
        y = streams[:, start + 1:end + 1]
        logits = run(model, x)
        if first is None:
            first = (x, logits)
        if start in check_at:
            check_causal(model, x, logits, rng)
        loss = F.cross_entropy(logits.reshape(-1, 256), y.reshape(-1), reduction="sum")
        total_bits += loss.item() / math.log(2)
        predicted += y.numel()
    again = run(model, first[0])
    if not torch.allclose(again, first[1], atol=TOLERANCE, rtol=TOLERANCE):
        raise Illegal("model is not stateless: the same input gave different logits")
    return total_bits / predicted, predicted


def main():
    path = os.path.join(os.environ["EMPIRIC_OUT"], "model.pt")
    if not os.path.isfile(path) or os.path.islink(path):
        write_result(error="the recipe wrote no model.pt")
        return
    torch.set_num_threads(1)  # small batches: one thread is fastest and deterministic
    started = time.time()
    try:
        model = torch.jit.load(path, map_location="cpu")
        model.eval()
        context = int(model.context_length)
        if not 1 <= context <= MAX_CONTEXT:
            raise Illegal(f"context_length {context} outside 1..{MAX_CONTEXT}")
        with open(HIDDEN, "rb") as f:
            data = torch.frombuffer(bytearray(f.read()), dtype=torch.uint8).long()
        with torch.no_grad():
            bpb, predicted = evaluate(model, data, context)
    except Illegal as e:
        write_result(error=str(e)[:500])
        return
    except Exception as e:  # a malformed model is the recipe's failure, reported as NO_SCORE
        write_result(error=f"model could not be evaluated: {type(e).__name__}: {e}"[:500])
        return
    if not math.isfinite(bpb):
        write_result(error="val_bpb is not finite")
        return
    write_result(metrics={"val_bpb": bpb, "context_length": context, "scored_bytes": predicted,
                          "eval_seconds": round(time.time() - started, 3)})


if __name__ == "__main__":
    main()
