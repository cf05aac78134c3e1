"""Run under ``mpiexec -n N``: every multi-process check of ft.distributed in one launch.

Each check raises AssertionError on failure (the exception hook then aborts the job with the
rank and traceback); rank 0 prints ``CHECK <name> ok`` after each. The oracle of every
training check is one process on the concatenated batch, computed on every rank.
"""

import sys
import time
import types

import numpy as np

import funtorch as ft
import funtorch.distributed as dist
from funtorch.distributed import _shm
from funtorch.distributed._backend import MPIGroup

GLOBAL_BATCH = 12  # divisible by 2 and 3
STEPS = 3


def report(group, name):
    group.barrier()
    if group.rank == 0:
        print(f"CHECK {name} ok", flush=True)


def assert_same_on_all_ranks(group, value, what):
    gathered = group.allgather(np.ascontiguousarray(value))
    for rank, row in enumerate(gathered):
        assert np.array_equal(row, gathered[0]), f"{what}: rank {rank} differs from rank 0"


def rank_data(rank, shape, dtype):
    rng = np.random.default_rng(100 + rank)
    return (rng.standard_normal(shape) * 10).astype(dtype)


def check_group_collectives(group):
    n, r = group.size, group.rank
    for dtype in (np.float64, np.float32, np.int64):
        every = np.stack([rank_data(k, (2 * n, 3), dtype) for k in range(n)])
        mine = every[r]
        for op, oracle in (("sum", every.sum(0)), ("max", every.max(0)), ("min", every.min(0))):
            out = group.allreduce(mine, op)
            assert out.dtype == mine.dtype and np.allclose(out, oracle), (op, dtype)
            assert_same_on_all_ranks(group, out, f"allreduce {op}")
        assert np.allclose(group.allreduce(mine, "mean"), every.mean(0))
        assert np.array_equal(group.allgather(mine), every)
        rows = slice(2 * r, 2 * r + 2)
        assert np.allclose(group.reduce_scatter(mine, "sum"), every.sum(0)[rows])
        assert np.array_equal(group.bcast(mine, n - 1), every[n - 1])
    report(group, "group collectives")


def check_torch_collectives(group):
    n, r = group.size, group.rank
    every = np.stack([rank_data(k, (n, 2), np.float64) for k in range(n)])
    x = ft.asarray(every[r])
    np.testing.assert_allclose(dist.all_reduce(x, op="sum").numpy(), every.sum(0), rtol=1e-12)
    np.testing.assert_allclose(ft.psum(x, "world").numpy(), every.sum(0), rtol=1e-12)
    np.testing.assert_allclose(ft.pmean({"a": x}, "world")["a"].numpy(), every.mean(0),
                               rtol=1e-12)
    np.testing.assert_array_equal(dist.broadcast(x, 0).numpy(), every[0])
    # JAX's rule: grad on a rank is that of the sum over ranks, so grad of pmean(local
    # loss) is the local gradient (psum's transpose is psum)
    grads = ft.grad(lambda v: ft.pmean((v ** 2).sum(), "world"))(x)
    np.testing.assert_allclose(grads.numpy(), 2 * every[r], rtol=1e-12)
    report(group, "torch and JAX collectives")


def make_mlp():
    return ft.nn.Sequential(ft.nn.Linear(8, 16), ft.nn.Tanh(), ft.nn.Linear(16, 4))


def make_cnn():
    return ft.nn.Sequential(ft.nn.Conv2d(1, 3, 3, padding=1), ft.nn.ReLU(), ft.nn.MaxPool2d(2),
                            ft.nn.Flatten(), ft.nn.Linear(3 * 4 * 4, 4))


def batches(kind):
    rng = np.random.default_rng(7)
    shape = (GLOBAL_BATCH, 8) if kind == "mlp" else (GLOBAL_BATCH, 1, 8, 8)
    return [(ft.asarray(rng.standard_normal(shape)),
             ft.asarray(rng.integers(0, 4, GLOBAL_BATCH))) for _ in range(STEPS)]


def flat_params(model):
    return np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])


def train(model, data, group=None, rank=0, size=1):
    """SGD with momentum on ``data``; rank ``rank`` of ``size`` takes its slice of each
    batch. Checks after every step that the parameters are bitwise equal across ranks."""
    opt = ft.optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
    per_rank = GLOBAL_BATCH // size
    for x, y in data:
        part = slice(rank * per_rank, (rank + 1) * per_rank)
        opt.zero_grad()
        ft.nn.functional.cross_entropy(model(x[part]), y[part]).backward()
        opt.step()
        if group is not None:
            assert_same_on_all_ranks(group, flat_params(model), "parameters after a step")
    return flat_params(model)


def fresh(make, seed):
    ft.manual_seed(seed)
    return make()


def check_ddp(group, kind):
    make = make_mlp if kind == "mlp" else make_cnn
    data = batches(kind)
    oracle = train(fresh(make, 0), data)
    runs = []
    for _ in range(2):
        ddp = dist.DistributedDataParallel(fresh(make, group.rank), bucket_cap_mb=0.0005)
        assert len(ddp._buckets) > 1, "the check should exercise several buckets"
        runs.append(train(ddp, data, group, group.rank, group.size))
    assert np.abs(runs[0] - oracle).max() <= 1e-12, np.abs(runs[0] - oracle).max()
    assert np.array_equal(runs[0], runs[1]), "two identical DDP runs differ"
    report(group, f"ddp {kind}")


def check_no_sync(group):
    (xa, ya), (xb, yb) = batches("mlp")[:2]
    per, r = GLOBAL_BATCH // group.size, group.rank
    part = slice(r * per, (r + 1) * per)
    ddp = dist.DistributedDataParallel(fresh(make_mlp, r))
    with ddp.no_sync():
        ft.nn.functional.cross_entropy(ddp(xa[part]), ya[part]).backward()
    ft.nn.functional.cross_entropy(ddp(xb[part]), yb[part]).backward()
    oracle = fresh(make_mlp, 0)
    for x, y in ((xa, ya), (xb, yb)):
        ft.nn.functional.cross_entropy(oracle(x), y).backward()
    for p, q in zip(ddp.parameters(), oracle.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=0, atol=1e-12)
    report(group, "no_sync accumulation")


def check_functional(group):
    r, n = group.rank, group.size
    x, y = batches("mlp")[0]
    params = {"w": ft.asarray(rank_data(0, (8, 4), np.float64)), "b": ft.zeros(4)}

    def loss(p, xs, ys):
        return ft.nn.functional.cross_entropy(xs @ p["w"] + p["b"], ys)

    per = GLOBAL_BATCH // n
    local = ft.grad(loss)(params, x[r * per:(r + 1) * per], y[r * per:(r + 1) * per])
    averaged = dist.average_gradients(local)
    oracle = ft.grad(loss)(params, x, y)
    jitted = ft.jit(dist.average_gradients)(local)  # under a transform: pmean, one program
    for name in params:
        np.testing.assert_allclose(averaged[name].numpy(), oracle[name].numpy(), atol=1e-12)
        np.testing.assert_allclose(jitted[name].numpy(), oracle[name].numpy(), atol=1e-12)
        assert_same_on_all_ranks(group, averaged[name].numpy(), "average_gradients")
        assert_same_on_all_ranks(group, jitted[name].numpy(), "jitted average_gradients")
    mine = {"w": ft.full((3,), float(r)), "step": r, "tag": "x", "flag": r == 0}
    got = dist.broadcast_parameters(mine, root=n - 1)
    assert got["step"] == n - 1 and got["tag"] == "x" and got["flag"] == (n == 1)
    np.testing.assert_array_equal(got["w"].numpy(), np.full(3, float(n - 1)))
    opt = ft.optim.adamw(lr=1e-3)
    state = opt.init({"w": ft.full((2,), float(r))})
    state = opt.update({"w": ft.full((2,), float(r))}, state, {"w": ft.zeros(2)})[1]
    synced = dist.broadcast_optimizer_state(state)
    assert_same_on_all_ranks(group, np.concatenate(
        [np.ravel(leaf.numpy()) for leaf in ft.tree.leaves(synced)]), "optimizer state")
    report(group, "functional helpers")


def check_sampler_and_loader(group):
    n, r = group.size, group.rank
    sampler = ft.data.DistributedSampler(range(10))
    assert (sampler.num_replicas, sampler.rank) == (n, r)
    mine = np.array(list(sampler))
    every = group.allgather(mine)
    assert sorted(set(every.ravel().tolist())) == list(range(10))
    loader = ft.data.DataLoader(ft.data.TensorDataset(ft.arange(4)), num_workers=1)
    assert loader.multiprocessing_context.get_start_method() == "spawn"
    report(group, "sampler and loader")


def check_errors_are_raised_not_hung(group):
    n, r = group.size, group.rank
    group.debug = True
    try:
        group.allreduce(np.zeros(3 if r == 0 else 4), "sum")
    except dist.CollectiveMismatchError as err:
        text = str(err)
        assert "allreduce" in text and "(3,)" in text and "(4,)" in text, text
        assert f"ranks that differ from rank 0: {list(range(1, n))}" in text, text
    else:
        raise AssertionError("mismatched shapes were not detected")
    group.debug = False
    sub = MPIGroup(group.comm.Dup(), timeout=1.0)
    if r == 0:
        try:
            sub.allreduce(np.ones(2), "sum")
        except dist.DistributedTimeoutError as err:
            assert "allreduce(op='sum')" in str(err) and "1 s" in str(err), str(err)
            pending = err.request
        else:
            raise AssertionError("a skipped collective did not time out")
    group.barrier()
    if r == 0:
        pending.Wait()  # the late ranks complete the orphaned request, so MPI can finalize
    else:
        sub.allreduce(np.ones(2), "sum")
    sub.close()
    report(group, "mismatch and timeout raise")


def check_shared_memory_sums(group):
    """Many averages in a row, in several buckets, with one rank late at random points and
    some results kept alive: every rank gets exactly the sum of the scaled values in rank
    order (a slot overwritten before another rank read it would show), through shared
    memory (the ranks of these tests share one machine) and through MPI."""
    n, r = group.size, group.rank
    assert group.node is not None, "the ranks share one machine: buckets use shared memory"
    delays = np.random.default_rng(7).uniform(0, 2e-3, (40, n))
    kept = []
    for step in range(40):
        shapes = [(300,), (7, 11), (200,)]
        every = [[np.random.default_rng(1000 * k + step).standard_normal(sh) for sh in shapes]
                 for k in range(n)]
        time.sleep(delays[step, r])
        out = dist.average_gradients({"a": every[r][0], "b": every[r][1], "c": every[r][2]},
                                     bucket_cap_mb=2500 / 2**20)
        for name, i in (("a", 0), ("b", 1), ("c", 2)):
            expected = every[0][i] * (1.0 / n)
            for k in range(1, n):
                expected = expected + every[k][i] * (1.0 / n)
            assert np.array_equal(out[name], expected), (step, name)
        if step % 3 == 0:
            kept.append(out)
    for step, out in zip(range(0, 40, 3), kept):  # never overwritten while held
        every = [np.random.default_rng(1000 * k + step).standard_normal(300) for k in range(n)]
        np.testing.assert_allclose(out["a"], np.mean(every, axis=0), rtol=1e-12, atol=1e-12)
    dist.average_gradients({"a": np.ones(6)})
    # one bucket of 6 values everywhere, but not the same bucket (two new layouts; a known
    # one against a new one): every rank raises instead of adding unrelated buffers
    split = [[{"x": np.ones(1), "y": np.ones(5)}, {"x": np.ones(2), "y": np.ones(4)}],
             [{"a": np.ones(6)}, {"x": np.ones(3), "y": np.ones(3)}]]
    for cases in split:
        mine = cases[min(r, 1)]
        try:
            dist.average_gradients(mine)
        except dist.CollectiveMismatchError as err:
            assert "allreduce" in str(err) and "ranks that differ from rank 0" in str(err)
        else:
            raise AssertionError(f"different buckets were not detected: {mine}")
    for _ in range(3):  # still in step afterwards
        out = dist.average_gradients({"a": np.full(6, float(r))})
        np.testing.assert_array_equal(out["a"], np.full(6, sum(k / n for k in range(n))))
    full = types.SimpleNamespace(f_bavail=0, f_frsize=4096)  # one rank's /dev/shm is full
    real, declined = _shm.os.statvfs, sum(w is None for w in group.node._windows.values())
    _shm.os.statvfs = (lambda path: full) if r == n - 1 else real
    try:
        for _ in range(2):  # every rank takes MPI's path for this bucket, for good
            out = dist.average_gradients({"z": np.full(7, float(r))})
            np.testing.assert_allclose(out["z"], np.full(7, (n - 1) / 2), atol=1e-12)
    finally:
        _shm.os.statvfs = real
    assert sum(w is None for w in group.node._windows.values()) == declined + 1
    keys, budget = len(group.node._windows), _shm.MAX_BYTES
    _shm.MAX_BYTES = group.node._bytes  # windows full: new buckets go through MPI
    try:
        out = dist.average_gradients({"q": np.full(9, float(r))})
        np.testing.assert_allclose(out["q"], np.full(9, (n - 1) / 2), atol=1e-12)
    finally:
        _shm.MAX_BYTES = budget
    assert len(group.node._windows) == keys
    node, group.node = group.node, None  # the same through MPI's allreduce
    try:
        out = dist.average_gradients({"a": np.full(5, float(r))})
        assert_same_on_all_ranks(group, out["a"], "average through MPI")
        np.testing.assert_allclose(out["a"], np.full(5, (n - 1) / 2), atol=1e-12)
    finally:
        group.node = node
    report(group, "shared-memory sums")


CHECKS = {
    "group": check_group_collectives,
    "collectives": check_torch_collectives,
    "ddp_mlp": lambda g: check_ddp(g, "mlp"),
    "ddp_cnn": lambda g: check_ddp(g, "cnn"),
    "no_sync": check_no_sync,
    "functional": check_functional,
    "sampler": check_sampler_and_loader,
    "shared_memory": check_shared_memory_sums,
    "errors": check_errors_are_raised_not_hung,
}


def main(names):
    ft.set_default_dtype(ft.float64)
    group = dist.init(timeout=60)
    for name in names or CHECKS:
        CHECKS[name](group)
    dist.shutdown()


if __name__ == "__main__":
    main(sys.argv[1:])
