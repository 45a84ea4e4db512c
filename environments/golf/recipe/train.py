"""Golf: train a small byte-level transformer language model on Debian's fortunes, in torch on CPU.

The harness runs this file in a sandbox with the public training text in $EMPIRIC_DATA/train.txt
and a seed in $EMPIRIC_SEED. It must write the trained model as TorchScript to
$EMPIRIC_OUT/model.pt. The evaluator loads that file with torch.jit.load (it never imports this
script) and measures bits per byte on fortunes this script never sees.

The model contract (see README.md): forward(x) takes a LongTensor [B, T] of byte values 0..255 with
1 <= T <= model.context_length and returns float logits [B, T, 256], where logits[:, t] predicts
byte t + 1 from bytes 0..t only (causal). The evaluator checks causality and statelessness.

Training is bounded by a step count, not by wallclock, so a run is deterministic for a seed. The
artifact that counts against the size cap is this source file plus everything in $EMPIRIC_OUT.
Printed output is for humans only: nothing printed here counts towards the score.
"""
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# --- knobs (specialists edit these) -------------------------------------------------------------
# opt
LEARNING_RATE = 0.002
BETA1 = 0.9
BETA2 = 0.99
WEIGHT_DECAY = 0.01
GRAD_CLIP = 1.0
# arch
EMBED_DIM = 96
N_LAYERS = 2
N_HEADS = 4
MLP_RATIO = 3
CONTEXT_LENGTH = 64
OUTPUT_HEAD = "untied"
# sched
STEPS = 600
WARMUP_STEPS = 20
LR_DECAY = "cosine"
MIN_LR_RATIO = 0.1
# data
BATCH_SIZE = 32
# reg
DROPOUT = 0.0
# runtime (small matrices: one thread is as fast as two and immune to CPU-quota thrashing)
THREADS = 1
# logging
EVAL_EVERY = 100
LOCAL_VAL_BYTES = 32768
VOCAB = 256


class CausalSelfAttention(nn.Module):
    def __init__(self, dim: int, heads: int, context: int, dropout: float):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.drop = nn.Dropout(dropout)
        mask = torch.tril(torch.ones(context, context, dtype=torch.bool))
        self.register_buffer("mask", mask.view(1, 1, context, context), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(c, dim=2)
        q = q.view(b, t, self.heads, c // self.heads).transpose(1, 2)
        k = k.view(b, t, self.heads, c // self.heads).transpose(1, 2)
        v = v.view(b, t, self.heads, c // self.heads).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(c // self.heads))
        att = att.masked_fill(~self.mask[:, :, :t, :t], float("-inf"))
        att = self.drop(F.softmax(att, dim=-1))
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
        return self.drop(self.proj(y))


class Block(nn.Module):
    def __init__(self, dim: int, heads: int, context: int, mlp_ratio: int, dropout: float):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = CausalSelfAttention(dim, heads, context, dropout)
        self.ln2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp_ratio * dim), nn.GELU(),
                                 nn.Linear(mlp_ratio * dim, dim), nn.Dropout(dropout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class ByteGPT(nn.Module):
    def __init__(self, dim: int, layers: int, heads: int, context: int, mlp_ratio: int,
                 dropout: float):
        super().__init__()
        self.context_length = context
        self.tok = nn.Embedding(VOCAB, dim)
        self.pos = nn.Embedding(context, dim)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList([Block(dim, heads, context, mlp_ratio, dropout)
                                     for _ in range(layers)])
        self.ln = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, VOCAB, bias=False)
        if OUTPUT_HEAD == "tied":
            self.head.weight = self.tok.weight  # one matrix for input and output embeddings
        self.apply(self._init)

    @staticmethod
    def _init(module: nn.Module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        t = x.shape[1]
        positions = torch.arange(t, device=x.device)
        h = self.drop(self.tok(x) + self.pos(positions))
        for block in self.blocks:
            h = block(h)
        return self.head(self.ln(h))


def load_bytes(data_dir):
    with open(os.path.join(data_dir, "train.txt"), "rb") as f:
        data = torch.frombuffer(bytearray(f.read()), dtype=torch.uint8).long()
    # The last LOCAL_VAL_BYTES of the public text are a local validation slice for printing only.
    return data[:-LOCAL_VAL_BYTES], data[-LOCAL_VAL_BYTES:]


def get_batch(data, generator):
    starts = torch.randint(0, len(data) - CONTEXT_LENGTH - 1, (BATCH_SIZE,), generator=generator)
    offsets = torch.arange(CONTEXT_LENGTH + 1)
    chunk = data[starts[:, None] + offsets[None, :]]
    return chunk[:, :-1], chunk[:, 1:]


def learning_rate(step):
    if step < WARMUP_STEPS:
        return LEARNING_RATE * (step + 1) / WARMUP_STEPS
    progress = (step - WARMUP_STEPS) / max(1, STEPS - WARMUP_STEPS)
    if LR_DECAY == "cosine":
        factor = MIN_LR_RATIO + (1.0 - MIN_LR_RATIO) * 0.5 * (1.0 + math.cos(math.pi * progress))
    elif LR_DECAY == "linear":
        factor = 1.0 - (1.0 - MIN_LR_RATIO) * progress
    else:
        factor = 1.0
    return LEARNING_RATE * factor


def make_optimizer(model):
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": WEIGHT_DECAY},
              {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=LEARNING_RATE, betas=(BETA1, BETA2))


@torch.no_grad()
def local_bpb(model, data):
    model.eval()
    usable = (len(data) - 1) // CONTEXT_LENGTH * CONTEXT_LENGTH
    x = data[:usable].view(-1, CONTEXT_LENGTH)
    y = data[1:usable + 1].view(-1, CONTEXT_LENGTH)
    loss = F.cross_entropy(model(x).view(-1, VOCAB), y.reshape(-1))
    model.train()
    return loss.item() / math.log(2)


def main():
    seed = int(os.environ.get("EMPIRIC_SEED", "0"))
    data_dir = os.environ.get("EMPIRIC_DATA", "/data")
    out_dir = os.environ.get("EMPIRIC_OUT", "/work/out")
    torch.set_num_threads(THREADS)
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)

    train, val = load_bytes(data_dir)
    dim = -(-EMBED_DIM // N_HEADS) * N_HEADS  # round the width up to a multiple of the heads
    model = ByteGPT(dim, N_LAYERS, N_HEADS, CONTEXT_LENGTH, MLP_RATIO, DROPOUT)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{n_params} parameters, {len(train)} training bytes, threads {torch.get_num_threads()}")
    optimizer = make_optimizer(model)

    started = time.time()
    for step in range(STEPS):
        lr = learning_rate(step)
        for group in optimizer.param_groups:
            group["lr"] = lr
        x, y = get_batch(train, generator)
        loss = F.cross_entropy(model(x).view(-1, VOCAB), y.reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if GRAD_CLIP > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), GRAD_CLIP)
        optimizer.step()
        if (step + 1) % EVAL_EVERY == 0 or step + 1 == STEPS:
            print(f"step {step + 1}/{STEPS} lr {lr:.5f} train_bpb {loss.item() / math.log(2):.3f} "
                  f"local_val_bpb {local_bpb(model, val):.3f} {time.time() - started:.1f}s",
                  flush=True)

    model.eval()
    scripted = torch.jit.script(model)
    scripted.save(os.path.join(out_dir, "model.pt"))
    print(f"saved model.pt ({os.path.getsize(os.path.join(out_dir, 'model.pt'))} bytes) "
          f"after {time.time() - started:.1f}s", flush=True)


if __name__ == "__main__":
    main()
