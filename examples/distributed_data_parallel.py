"""Train the quickstart MLP data-parallel on N processes; get what one process gets.

What this teaches:

* ``ft.distributed.init()`` joins the job ``mpiexec`` started (one process is a world of
  one: the same script runs with plain ``python`` and every collective is the identity);
* ``ft.data.DistributedSampler`` gives each rank its share of one shared shuffled order:
  with a per-rank batch of ``global_batch / N``, the N ranks' batches of a step together
  are exactly the batch one process would take;
* ``ft.distributed.broadcast_parameters`` starts every rank from rank 0's weights and
  ``ft.distributed.average_gradients`` averages the gradients (in buckets) before the
  optimizer step, so every rank applies the same update and the weights stay identical;
* the checkpoint is written by rank 0 only, then every rank waits at a barrier.

In float64 the N-process run follows the 1-process run to rounding, so both print the
same final accuracy::

    python examples/distributed_data_parallel.py                                # 1 process
    python -m funtorch.distributed.run -n 2 examples/distributed_data_parallel.py  # 2 ranks
    python -m funtorch.distributed.run -n 2 examples/distributed_data_parallel.py --smoke
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from datasets import digits_datasets  # examples/datasets.py, next to this script
from quickstart import accuracy, init_params, loss_fn

import funtorch as ft
import funtorch.distributed as dist

DEFAULT_OUT = Path(__file__).resolve().parent / "out"


def make_steps(optimizer):
    """Return ``(grad_step, update_step)``, each jitted; the gradient averaging (host
    collectives) runs between them."""
    grad_step = ft.jit(ft.value_and_grad(loss_fn))

    @ft.jit
    def update_step(params, opt_state, grads):
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return ft.optim.apply_updates(params, updates), opt_state

    return grad_step, update_step


def train(args, world):
    """Train on this rank's share; return ``(params, mean losses over ranks per step)``."""
    train_set, _ = digits_datasets(seed=args.seed)
    sampler = ft.data.DistributedSampler(train_set, shuffle=True, seed=args.seed,
                                         drop_last=True)
    loader = ft.data.DataLoader(train_set, batch_size=args.batch_size // world,
                                sampler=sampler, drop_last=True)
    params = dist.broadcast_parameters(init_params(ft.random.key(args.seed)))
    optimizer = ft.optim.adamw(lr=args.lr, weight_decay=1e-4)
    opt_state = optimizer.init(params)
    grad_step, update_step = make_steps(optimizer)
    losses = []
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)  # a new shared order every epoch
        for step, (x, y) in enumerate(loader):
            if step == args.max_steps:
                break
            loss, grads = grad_step(params, x, y)
            grads = dist.average_gradients(grads)
            params, opt_state = update_step(params, opt_state, grads)
            losses.append(float(dist.all_reduce(loss, op="mean")))
    return params, losses


def save_on_rank_0(params, path):
    """Rank 0 writes the checkpoint; every rank returns once it is on disk."""
    if dist.get_rank() == 0:
        path.parent.mkdir(parents=True, exist_ok=True)
        ft.save(params, path)
    dist.barrier()


def parse_args(argv=None):
    """Parse the command line (see ``--help``)."""
    parser = argparse.ArgumentParser(
        description="Data-parallel training of the quickstart MLP on the digits "
                    "(launch with python -m funtorch.distributed.run -n N).")
    parser.add_argument("--epochs", type=int, default=20, help="passes over the data (20)")
    parser.add_argument("--batch-size", type=int, default=64,
                        help="global batch, split evenly over the ranks (64)")
    parser.add_argument("--lr", type=float, default=2e-3, help="AdamW learning rate (2e-3)")
    parser.add_argument("--seed", type=int, default=0, help="seed of split, weights, order (0)")
    parser.add_argument("--smoke", action="store_true", help="1 epoch of 5 steps, for CI")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder for the checkpoint (examples/out)")
    args = parser.parse_args(argv)
    args.epochs, args.max_steps = (1, 5) if args.smoke else (args.epochs, sys.maxsize)
    return args


def main(argv=None):
    """Train on every rank, checkpoint on rank 0, print from rank 0; return the accuracy."""
    args = parse_args(argv)
    ft.set_default_dtype(ft.float64)  # so that N ranks and 1 process agree to rounding
    group = dist.init()
    if args.batch_size % group.size:
        raise SystemExit(f"--batch-size {args.batch_size} must be a multiple of the number "
                         f"of ranks ({group.size})")
    start = time.perf_counter()
    params, losses = train(args, group.size)
    elapsed = time.perf_counter() - start
    _, test_set = digits_datasets(seed=args.seed)
    test_acc = accuracy(params, test_set, "cpu")
    save_on_rank_0(params, args.out / "distributed_data_parallel.ft")
    if group.rank == 0:
        print(f"{group.size} rank(s) x {args.batch_size // group.size} samples per step: "
              f"{len(losses)} steps in {elapsed:.1f} s, final train loss {losses[-1]:.6f}")
        print(f"final test accuracy {test_acc:.4f}")
    dist.shutdown()
    return test_acc


if __name__ == "__main__":
    main()
