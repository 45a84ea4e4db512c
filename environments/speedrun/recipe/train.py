"""Speedrun: train a small convolutional network on the 8x8 digits as fast as possible, in torch.

The score is this process's wallclock, measured by the harness from outside the container (from
container start to exit, so interpreter start-up and imports count). A trial only counts if the
model it writes reaches the accuracy gate on a hidden test split, averaged over the seeds in the
spec. The harness runs this file with the public training split in $EMPIRIC_DATA/train.npz and a
seed in $EMPIRIC_SEED; it must write the trained model as TorchScript to $EMPIRIC_OUT/model.pt.

The model contract (see README.md): forward(x) takes a float tensor [N, 64] of raw pixel values
0..16 (the 8x8 image row by row) and returns logits [N, 10]. Any normalisation is the model's job.
Printed output is for humans only: nothing printed here counts, timings included.
"""
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import numpy as np

# --- knobs (specialists edit these) -------------------------------------------------------------
# opt
LEARNING_RATE = 0.05
MOMENTUM = 0.9
NESTEROV = True
WEIGHT_DECAY = 0.0005
LABEL_SMOOTHING = 0.1
# arch
WIDTH = 32
HIDDEN_UNITS = 128
# sched
EPOCHS = 30
WARMUP_EPOCHS = 2
LR_SCHEDULE = "cosine"
# data
BATCH_SIZE = 32
AUGMENT_SHIFT = 1
# reg
DROPOUT = 0.1
# runtime
THREADS = 1


class DigitNet(nn.Module):
    """Two 3x3 conv blocks (8x8 -> 4x4 -> 2x2) and a small classifier."""

    def __init__(self, width: int, hidden: int, dropout: float, mean: float, std: float):
        super().__init__()
        self.mean = mean
        self.std = std
        self.conv1 = nn.Conv2d(1, width, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, 2 * width, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(2 * width)
        self.fc1 = nn.Linear(2 * width * 4, hidden)
        self.drop = nn.Dropout(dropout)
        self.fc2 = nn.Linear(hidden, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = ((x - self.mean) / self.std).view(-1, 1, 8, 8)
        h = F.max_pool2d(F.relu(self.bn1(self.conv1(h))), 2)
        h = F.max_pool2d(F.relu(self.bn2(self.conv2(h))), 2)
        h = self.drop(F.relu(self.fc1(h.flatten(1))))
        return self.fc2(h)


def load_data(data_dir):
    data = np.load(os.path.join(data_dir, "train.npz"))
    return torch.from_numpy(data["x"]).float(), torch.from_numpy(data["y"]).long()


def augment(x, generator):
    """Random translation by up to AUGMENT_SHIFT pixels (zero fill), one shift per batch."""
    if AUGMENT_SHIFT <= 0:
        return x
    dx, dy = (torch.randint(-AUGMENT_SHIFT, AUGMENT_SHIFT + 1, (2,), generator=generator)).tolist()
    img = x.view(-1, 8, 8)
    img = torch.roll(img, shifts=(dy, dx), dims=(1, 2))
    if dy > 0:
        img[:, :dy, :] = 0
    elif dy < 0:
        img[:, dy:, :] = 0
    if dx > 0:
        img[:, :, :dx] = 0
    elif dx < 0:
        img[:, :, dx:] = 0
    return img.reshape(-1, 64)


def learning_rate(epoch, step, steps_per_epoch):
    progress = (epoch * steps_per_epoch + step) / max(1, EPOCHS * steps_per_epoch)
    warmup = WARMUP_EPOCHS / max(1, EPOCHS)
    if progress < warmup:
        return LEARNING_RATE * progress / warmup
    if LR_SCHEDULE == "cosine":
        return LEARNING_RATE * 0.5 * (1.0 + math.cos(math.pi * (progress - warmup) / (1 - warmup)))
    if LR_SCHEDULE == "linear":
        return LEARNING_RATE * (1.0 - (progress - warmup) / (1 - warmup))
    return LEARNING_RATE


def train_epoch(model, optimizer, x, y, epoch, generator):
    model.train()
    order = torch.randperm(len(x), generator=generator)
    steps = math.ceil(len(x) / BATCH_SIZE)
    total = 0.0
    for step in range(steps):
        batch = order[step * BATCH_SIZE:(step + 1) * BATCH_SIZE]
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(epoch, step, steps)
        logits = model(augment(x[batch].clone(), generator))
        loss = F.cross_entropy(logits, y[batch], label_smoothing=LABEL_SMOOTHING)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(batch)
    return total / len(x)


@torch.no_grad()
def accuracy(model, x, y):
    model.eval()
    return (model(x).argmax(dim=1) == y).float().mean().item()


def main():
    seed = int(os.environ.get("EMPIRIC_SEED", "0"))
    data_dir = os.environ.get("EMPIRIC_DATA", "/data")
    out_dir = os.environ.get("EMPIRIC_OUT", "/work/out")
    torch.set_num_threads(THREADS)
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    started = time.time()

    x, y = load_data(data_dir)
    model = DigitNet(WIDTH, HIDDEN_UNITS, DROPOUT, float(x.mean()), float(x.std()))
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM,
                                nesterov=NESTEROV and MOMENTUM > 0, weight_decay=WEIGHT_DECAY)
    for epoch in range(EPOCHS):
        loss = train_epoch(model, optimizer, x, y, epoch, generator)
        if (epoch + 1) % 5 == 0 or epoch + 1 == EPOCHS:
            print(f"epoch {epoch + 1}/{EPOCHS} loss {loss:.4f} "
                  f"train_acc {accuracy(model, x, y):.4f} {time.time() - started:.2f}s", flush=True)

    model.eval()
    torch.jit.script(model).save(os.path.join(out_dir, "model.pt"))
    print(f"done in {time.time() - started:.2f}s (the harness measures its own time)", flush=True)


if __name__ == "__main__":
    main()
