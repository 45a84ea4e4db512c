"""Digits: train a one-hidden-layer perceptron with minibatch SGD in plain numpy.

The harness runs this file in a sandbox with the public training split in $EMPIRIC_DATA and a seed
in $EMPIRIC_SEED. It must write the trained model to $EMPIRIC_OUT/model.npz; the evaluator scores
that file on data this script never sees. Printed output is for humans only: nothing printed here
counts towards the score.
"""
import os
import time

import numpy as np

# --- knobs (specialists edit these) -------------------------------------------------------------
LEARNING_RATE = 0.01
MOMENTUM = 0.0
BATCH_SIZE = 64
HIDDEN_UNITS = 32
ACTIVATION = "tanh"
EPOCHS = 10
LR_SCHEDULE = "constant"
WEIGHT_DECAY = 0.0
VALIDATION_FRACTION = 0.1


def activate(z):
    return np.maximum(z, 0.0) if ACTIVATION == "relu" else np.tanh(z)


def activate_grad(z, a):
    return (z > 0).astype(z.dtype) if ACTIVATION == "relu" else 1.0 - a * a


def learning_rate(epoch):
    if LR_SCHEDULE == "cosine":
        return LEARNING_RATE * 0.5 * (1.0 + np.cos(np.pi * epoch / EPOCHS))
    if LR_SCHEDULE == "step":
        return LEARNING_RATE * (0.1 ** (epoch // max(1, EPOCHS // 3)))
    return LEARNING_RATE


def softmax(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def main():
    seed = int(os.environ.get("EMPIRIC_SEED", "0"))
    data_dir = os.environ.get("EMPIRIC_DATA", "/data")
    out_dir = os.environ.get("EMPIRIC_OUT", "/work/out")
    rng = np.random.default_rng(seed)

    data = np.load(os.path.join(data_dir, "train.npz"))
    x_all, y_all = data["x"].astype(np.float32) / 16.0, data["y"].astype(np.int64)
    order = rng.permutation(len(x_all))
    n_val = int(len(x_all) * VALIDATION_FRACTION)
    val, train = order[:n_val], order[n_val:]
    x, y = x_all[train], y_all[train]
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    x = (x - mean) / scale
    x_val = (x_all[val] - mean) / scale

    n_in, n_out = x.shape[1], 10
    w1 = rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, HIDDEN_UNITS)).astype(np.float32)
    b1 = np.zeros(HIDDEN_UNITS, np.float32)
    w2 = rng.normal(0.0, np.sqrt(1.0 / HIDDEN_UNITS), (HIDDEN_UNITS, n_out)).astype(np.float32)
    b2 = np.zeros(n_out, np.float32)
    params = [w1, b1, w2, b2]
    velocity = [np.zeros_like(p) for p in params]

    started = time.time()
    for epoch in range(EPOCHS):
        lr = learning_rate(epoch)
        shuffled = rng.permutation(len(x))
        for start in range(0, len(x), BATCH_SIZE):
            batch = shuffled[start:start + BATCH_SIZE]
            xb, yb = x[batch], y[batch]
            z1 = xb @ w1 + b1
            a1 = activate(z1)
            probs = softmax(a1 @ w2 + b2)
            probs[np.arange(len(yb)), yb] -= 1.0
            d_logits = probs / len(yb)
            d_a1 = d_logits @ w2.T
            d_z1 = d_a1 * activate_grad(z1, a1)
            grads = [xb.T @ d_z1 + WEIGHT_DECAY * w1, d_z1.sum(axis=0),
                     a1.T @ d_logits + WEIGHT_DECAY * w2, d_logits.sum(axis=0)]
            for p, v, g in zip(params, velocity, grads):
                v *= MOMENTUM
                v -= lr * g
                p += v
        val_acc = (np.argmax(activate(x_val @ w1 + b1) @ w2 + b2, axis=1) == y_all[val]).mean()
        print(f"epoch {epoch + 1}/{EPOCHS} lr {lr:.4f} val_acc {val_acc:.4f}", flush=True)

    np.savez(os.path.join(out_dir, "model.npz"), weight_0=w1, bias_0=b1, weight_1=w2, bias_1=b2,
             x_mean=mean, x_scale=scale, activation=np.array(ACTIVATION))
    print(f"trained in {time.time() - started:.2f}s", flush=True)


if __name__ == "__main__":
    main()
