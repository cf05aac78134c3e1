"""Every collective on real MPI ranks equals the vmap oracle (N ranks == vmap over N
slices): values, VJPs with per-rank cotangents, and the jitted call. pytest launches this
file itself under ``mpiexec -n 3`` (an odd size; ``mpi_checks.py`` covers 2 ranks, and each
launch costs ~7 s on 2 cores); run as a script it is the per-rank check."""

import sys

import numpy as np
import pytest

import funtorch as ft

pytestmark = pytest.mark.mpi


@pytest.mark.parametrize("nprocs", [3])
def test_collectives_on_mpi_ranks_match_the_vmap_oracle(run_mpi, nprocs):
    result = run_mpi(nprocs, "test_collectives_mpi.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "CHECK collectives against vmap ok" in result.stdout, result.stdout + result.stderr


def _check_case(name, f, group):
    from test_collectives_compose import _slices

    n, r = group.size, group.rank
    X = _slices(n)
    G = np.random.default_rng(2).normal(size=(n,) + ft.vmap(
        lambda x: f(x, "i"), axis_name="i")(ft.array(X)).shape[1:])
    want = np.asarray(ft.vmap(lambda x: f(x, "i"), axis_name="i")(ft.array(X)))[r]
    got = np.asarray(f(ft.array(X[r]), "world"))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12, err_msg=name)
    jitted = np.asarray(ft.jit(lambda x: f(x, "world"))(ft.array(X[r])))
    np.testing.assert_allclose(jitted, want, rtol=1e-12, atol=1e-12, err_msg=name + " jit")

    def vjp_on(axis):
        return lambda x, g: ft.vjp(lambda x: f(x, axis), x)[1](g)[0]
    want = np.asarray(ft.vmap(vjp_on("i"), axis_name="i")(ft.array(X), ft.array(G)))[r]
    got = np.asarray(vjp_on("world")(ft.array(X[r]), ft.array(G[r])))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12, err_msg=name + " vjp")


def main():
    import funtorch.distributed as dist
    from test_collectives_compose import GROUP_CASES

    ft.set_default_dtype(ft.float64)
    group = dist.init(timeout=60)
    for name, f in sorted(GROUP_CASES.items()):
        _check_case(name, f, group)
    group.barrier()
    if group.rank == 0:
        print("CHECK collectives against vmap ok", flush=True)
    dist.shutdown()


if __name__ == "__main__":
    sys.exit(main())
