"""Multitask: one training recipe for four small classification tasks, in plain numpy.

The score is CORE-style: the mean over tasks of the centred accuracy (acc - chance) / (1 - chance)
on hidden test splits, chance = 1 / number of classes. The same code and the same knobs train one
multi-layer perceptron per task, so an edit helps only if it helps on average.

The harness runs this file with the public splits in $EMPIRIC_DATA/<task>/train.npz (tasks listed
in $EMPIRIC_DATA/tasks.json) and a seed in $EMPIRIC_SEED. It must write one model per task to
$EMPIRIC_OUT/<task>.npz as plain arrays (see README.md): weight_0, bias_0, ..., weight_k, bias_k,
x_mean, x_scale and activation ("relu" or "tanh"). Printed output is for humans only.
"""
import json
import os
import time

import numpy as np

# --- knobs (specialists edit these) -------------------------------------------------------------
# opt
OPTIMIZER = "sgd"
LEARNING_RATE = 0.01
MOMENTUM = 0.5
BETA2 = 0.999
BATCH_SIZE = 32
# arch
HIDDEN_UNITS = 32
HIDDEN_LAYERS = 1
ACTIVATION = "tanh"
INIT_SCALE = 1.0
# sched
EPOCHS = 20
LR_SCHEDULE = "constant"
# data
NORMALIZATION = "standard"
VALIDATION_FRACTION = 0.0
# reg
WEIGHT_DECAY = 0.0001
INPUT_NOISE = 0.0


def activate(z):
    return np.maximum(z, 0.0) if ACTIVATION == "relu" else np.tanh(z)


def activate_grad(z, a):
    return (z > 0).astype(z.dtype) if ACTIVATION == "relu" else 1.0 - a * a


def softmax(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def init_params(sizes, rng):
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        gain = 2.0 if ACTIVATION == "relu" else 1.0
        params.append(rng.normal(0.0, INIT_SCALE * np.sqrt(gain / n_in), (n_in, n_out)).astype(np.float32))
        params.append(np.zeros(n_out, np.float32))
    return params


def forward(params, x):
    """Returns the logits and the per-layer (pre-activation, activation) cache for backprop."""
    cache, h = [], x
    for i in range(0, len(params) - 2, 2):
        z = h @ params[i] + params[i + 1]
        a = activate(z)
        cache.append((h, z, a))
        h = a
    cache.append((h, None, None))
    return h @ params[-2] + params[-1], cache


def backward(params, cache, d_logits):
    grads = [None] * len(params)
    d = d_logits
    for layer in range(len(params) // 2 - 1, -1, -1):
        h_in = cache[layer][0]
        grads[2 * layer] = h_in.T @ d + WEIGHT_DECAY * params[2 * layer]
        grads[2 * layer + 1] = d.sum(axis=0)
        if layer > 0:
            _, z, a = cache[layer - 1]
            d = (d @ params[2 * layer].T) * activate_grad(z, a)
    return grads


class Optimizer:
    def __init__(self, params):
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, params, grads, lr):
        self.t += 1
        for p, g, m, v in zip(params, grads, self.m, self.v):
            if OPTIMIZER == "adam":
                m *= MOMENTUM
                m += (1 - MOMENTUM) * g
                v *= BETA2
                v += (1 - BETA2) * g * g
                m_hat = m / (1 - MOMENTUM ** self.t) if MOMENTUM > 0 else m
                v_hat = v / (1 - BETA2 ** self.t)
                p -= lr * m_hat / (np.sqrt(v_hat) + 1e-8)
            else:
                m *= MOMENTUM
                m -= lr * g
                p += m


def learning_rate(epoch):
    if LR_SCHEDULE == "cosine":
        return LEARNING_RATE * 0.5 * (1.0 + np.cos(np.pi * epoch / EPOCHS))
    if LR_SCHEDULE == "linear":
        return LEARNING_RATE * (1.0 - epoch / EPOCHS)
    return LEARNING_RATE


def accuracy(params, x, y):
    return float((np.argmax(forward(params, x)[0], axis=1) == y).mean()) if len(y) else float("nan")


def train_task(x_all, y_all, n_classes, rng):
    order = rng.permutation(len(x_all))
    n_val = int(len(x_all) * VALIDATION_FRACTION)
    val, train = order[:n_val], order[n_val:]
    if NORMALIZATION == "standard":
        mean, scale = x_all[train].mean(axis=0), x_all[train].std(axis=0) + 1e-6
    elif NORMALIZATION == "minmax":
        low, high = x_all[train].min(axis=0), x_all[train].max(axis=0)
        mean, scale = low, (high - low) + 1e-6
    else:
        mean, scale = np.zeros(x_all.shape[1], np.float32), np.ones(x_all.shape[1], np.float32)
    x, y = (x_all[train] - mean) / scale, y_all[train]
    x_val, y_val = (x_all[val] - mean) / scale, y_all[val]

    params = init_params([x.shape[1]] + [HIDDEN_UNITS] * HIDDEN_LAYERS + [n_classes], rng)
    optimizer = Optimizer(params)
    best = ([p.copy() for p in params], -1.0)
    for epoch in range(EPOCHS):
        lr = learning_rate(epoch)
        shuffled = rng.permutation(len(x))
        for start in range(0, len(x), BATCH_SIZE):
            batch = shuffled[start:start + BATCH_SIZE]
            xb = x[batch]
            if INPUT_NOISE > 0:
                xb = xb + rng.normal(0.0, INPUT_NOISE, xb.shape).astype(np.float32)
            logits, cache = forward(params, xb)
            d_logits = softmax(logits)
            d_logits[np.arange(len(batch)), y[batch]] -= 1.0
            optimizer.step(params, backward(params, cache, d_logits / len(batch)), lr)
        if n_val:
            val_acc = accuracy(params, x_val, y_val)
            if val_acc > best[1]:
                best = ([p.copy() for p in params], val_acc)
    if n_val:
        params = best[0]
    return params, mean.astype(np.float32), scale.astype(np.float32), accuracy(params, x, y)


def main():
    seed = int(os.environ.get("EMPIRIC_SEED", "0"))
    data_dir = os.environ.get("EMPIRIC_DATA", "/data")
    out_dir = os.environ.get("EMPIRIC_OUT", "/work/out")
    rng = np.random.default_rng(seed)
    with open(os.path.join(data_dir, "tasks.json")) as f:
        tasks = json.load(f)

    started = time.time()
    for task in sorted(tasks):
        data = np.load(os.path.join(data_dir, task, "train.npz"))
        x, y, n_classes = data["x"].astype(np.float32), data["y"], int(data["n_classes"])
        params, mean, scale, train_acc = train_task(x, y, n_classes, rng)
        arrays = {f"weight_{i // 2}" if i % 2 == 0 else f"bias_{i // 2}": p.astype(np.float32)
                  for i, p in enumerate(params)}
        np.savez(os.path.join(out_dir, f"{task}.npz"), x_mean=mean, x_scale=scale,
                 activation=np.array(ACTIVATION), **arrays)
        print(f"{task}: {len(y)} rows, {n_classes} classes, train_acc {train_acc:.4f} "
              f"{time.time() - started:.2f}s", flush=True)


if __name__ == "__main__":
    main()
