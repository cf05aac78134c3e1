"""A small training run for test_training_state.py, run in fresh processes.

``python training_state_script.py full OUT``: train STEPS steps, save the results.
``... first CKPT``: train STOP steps (mid-epoch), save the whole training state, exit.
``... resume CKPT OUT``: load the state in this fresh process and finish the run.

The state: a PyTorch-style model (BatchNorm, Dropout drawing from the global generator),
its Adam optimizer and StepLR scheduler, a functional model with its pure Adam state (a
NamedTuple holding Modules), the global generator's key and the DataLoader position.
"""

import sys

import numpy as np

import funtorch as ft
from funtorch import nn

STEPS, STOP, BATCH = 14, 5, 5  # 8 batches per epoch: stop mid-epoch 0, finish in epoch 1


def build():
    ft.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.3),
                          nn.Linear(8, 1))
    opt = ft.optim.Adam(model.parameters(), lr=1e-2)
    sched = ft.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    pure_model = nn.Linear(4, 1)
    pure = ft.optim.adam(1e-2)
    rng = np.random.default_rng(0)
    data = ft.data.TensorDataset(ft.array(rng.normal(size=(40, 4)).astype(np.float32)),
                                 ft.array(rng.normal(size=(40, 1)).astype(np.float32)))
    loader = ft.data.DataLoader(data, batch_size=BATCH, shuffle=True)  # global generator
    return {"model": model, "opt": opt, "sched": sched, "pure_model": pure_model,
            "pure_state": pure.init(pure_model), "step": 0, "epoch": 0, "losses": []}, pure, \
        loader


def _pure_loss(model, x, y):
    return ft.mean((model(x) - y) ** 2)


def train_step(run, pure, x, y):
    model, opt = run["model"], run["opt"]
    opt.zero_grad()
    loss = ft.mean((model(x) - y) ** 2)
    loss.backward()
    opt.step()
    run["sched"].step()
    grads = ft.grad(_pure_loss)(run["pure_model"], x, y)
    updates, run["pure_state"] = pure.update(grads, run["pure_state"], run["pure_model"])
    run["pure_model"] = ft.optim.apply_updates(run["pure_model"], updates)
    run["losses"].append(float(loss.item()))
    run["step"] += 1


def train(run, pure, loader, iterator, stop):
    """Train until ``stop`` steps; returns the iterator it stopped in (or None)."""
    while run["step"] < stop:
        iterator = iterator if iterator is not None else iter(loader)
        for x, y in iterator:
            train_step(run, pure, x, y)
            if run["step"] >= stop:
                return iterator
        iterator = None
        run["epoch"] += 1
    return iterator


def results(run):
    return {"losses": run["losses"], "model": run["model"].state_dict(),
            "pure": run["pure_model"], "key": ft.generator.get_key()}


def main(mode, path, out=None):
    run, pure, loader = build()
    if mode == "full":
        train(run, pure, loader, None, STEPS)
        ft.save(results(run), path)
    elif mode == "first":
        iterator = train(run, pure, loader, None, STOP)
        state = {name: run[name] for name in ("model", "pure_model", "pure_state", "step",
                                              "epoch", "losses")}
        state.update(opt=run["opt"].state_dict(), sched=run["sched"].state_dict(),
                     data=iterator.state(), key=ft.generator.get_key())
        ft.save(state, path)
    else:
        state = ft.load(path)
        model = state["model"]
        opt = ft.optim.Adam(model.parameters(), lr=1e-2)
        opt.load_state_dict(state["opt"])
        sched = ft.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
        sched.load_state_dict(state["sched"])
        run.update({name: state[name] for name in ("pure_model", "pure_state", "step",
                                                   "epoch", "losses")},
                   model=model, opt=opt, sched=sched)
        iterator = iter(loader)
        iterator.restore(state["data"])
        ft.generator.set_key(state["key"])  # after restore: nothing else draws from it
        train(run, pure, loader, iterator, STEPS)
        ft.save(results(run), out)


if __name__ == "__main__":
    main(*sys.argv[1:])
