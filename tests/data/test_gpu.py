"""The CUDA paths: pin_memory=True and Pipeline.to("cuda") (run with `pytest -m gpu`)."""

import json

import numpy as np
import pytest

import funtorch as ft
from funtorch.data import DataLoader, Pipeline

from data import helpers

pytestmark = [pytest.mark.gpu,
              pytest.mark.skipif(not ft.cuda.is_available(), reason="needs CuPy and a GPU")]


@pytest.mark.parametrize("num_workers", [0, 2])
def test_pin_memory_delivers_batches_on_the_gpu(num_workers):
    loader = DataLoader(helpers.Pairs(10), batch_size=4, shuffle=True, seed=0,
                        pin_memory=True, num_workers=num_workers)
    reference = list(DataLoader(helpers.Pairs(10), batch_size=4, shuffle=True, seed=0))
    batches = list(loader)
    assert len(batches) == len(reference) == 3
    for (x, y), (x_ref, y_ref) in zip(batches, reference):
        assert x.device == ft.device("cuda") and y.device == ft.device("cuda")
        np.testing.assert_array_equal(x.numpy(), x_ref.numpy())
        np.testing.assert_array_equal(y.numpy(), y_ref.numpy())


def test_pin_memory_iterator_state_is_exact_despite_the_copy_thread():
    def make():
        return DataLoader(helpers.Range(20), batch_size=3, shuffle=True, seed=1, pin_memory=True)

    reference = [b.tolist() for b in make()]
    it = iter(make())
    head = [next(it).tolist() for _ in range(2)]
    fresh = iter(make())
    fresh.restore(json.loads(json.dumps(it.state())))
    assert head + [b.tolist() for b in fresh] == reference


def test_pipeline_to_cuda_copies_in_the_background_and_resumes():
    def make():
        return Pipeline.from_dataset(helpers.Pairs(9)).batch(2).to("cuda")

    batches = list(make())
    assert all(x.device == ft.device("cuda") for x, _ in batches)
    assert batches[0][0].numpy().tolist() == [[0, 0, 0], [1, 1, 1]]
    it = iter(make())
    next(it)
    fresh = iter(make())
    fresh.restore(it.state())
    assert [y.tolist() for _, y in fresh] == [y.tolist() for _, y in batches[1:]]
