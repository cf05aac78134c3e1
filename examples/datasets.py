"""Small real datasets for the examples: NumPy loaders and ``ft.data`` datasets.

The tables live in ``examples/data/`` (source, licences and formats are in
``examples/data/README.md``). Every ``load_*`` function returns a :class:`Split`
of NumPy arrays with a fixed, seeded, stratified train/test split; features are
standardised with the training set's mean and standard deviation only, so no
test statistic leaks into training. The ``*_datasets`` builders wrap the same
split in two ``ft.data.TensorDataset`` objects, ready for ``ft.data.DataLoader``.

Example:
    >>> import datasets
    >>> data = datasets.load_breast_cancer(seed=0)
    >>> data.x_train.shape, data.x_test.shape
    ((456, 30), (113, 30))
    >>> train, test = datasets.digits_datasets(seed=0)
    >>> len(train), len(test), train[0][0].shape
    (1438, 359, (64,))
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import NamedTuple

import numpy as np

__all__ = [
    "Split", "breast_cancer_datasets", "digits_datasets", "load_breast_cancer", "load_digits",
    "standardize", "to_datasets", "train_test_split",
]

DATA_DIR = Path(__file__).resolve().parent / "data"


class Split(NamedTuple):
    """A train/test split of one dataset.

    Attributes:
        x_train: features, shape ``(n_train, n_features)``, standardised.
        y_train: integer labels, shape ``(n_train,)``, dtype int64.
        x_test: features, shape ``(n_test, n_features)``, standardised with
            the training statistics.
        y_test: integer labels, shape ``(n_test,)``.
        class_names: names of the classes, in label order.

    Example:
        >>> import datasets
        >>> datasets.load_digits().class_names[:3]
        ('0', '1', '2')
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple


def train_test_split(y, test_fraction=0.2, seed=0):
    """Return shuffled train and test row indices, stratified by label.

    Each class contributes ``round(test_fraction * count)`` rows to the test
    set, so both parts keep the class balance of the whole table.

    Args:
        y: integer labels, shape ``(n,)``.
        test_fraction: share of each class that goes to the test set, in (0, 1).
        seed: seed of the NumPy generator; the same seed gives the same split.

    Returns:
        ``(train_idx, test_idx)``, two int64 index arrays that partition
        ``range(n)``.

    Raises:
        ValueError: if ``test_fraction`` is not strictly between 0 and 1.

    Example:
        >>> import numpy as np, datasets
        >>> train, test = datasets.train_test_split(np.array([0, 0, 1, 1]), 0.5, seed=1)
        >>> sorted(np.concatenate([train, test]).tolist())
        [0, 1, 2, 3]
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"train_test_split: test_fraction must be in (0, 1), got "
                         f"{test_fraction!r}; use e.g. test_fraction=0.2.")
    rng = np.random.default_rng(seed)
    train_parts, test_parts = [], []
    for label in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == label))
        n_test = round(test_fraction * len(rows))
        test_parts.append(rows[:n_test])
        train_parts.append(rows[n_test:])
    train_idx = rng.permutation(np.concatenate(train_parts))
    test_idx = rng.permutation(np.concatenate(test_parts))
    return train_idx, test_idx


def standardize(x_train, x_test):
    """Scale features to zero mean and unit variance using training statistics.

    Constant training columns are left centred but unscaled (their standard
    deviation is replaced by 1), so they never divide by zero.

    Args:
        x_train: training features, shape ``(n_train, d)``.
        x_test: test features, shape ``(n_test, d)``.

    Returns:
        ``(x_train_std, x_test_std)`` with the same shapes and dtypes.

    Example:
        >>> import numpy as np, datasets
        >>> a, b = datasets.standardize(np.array([[1.0], [3.0]]), np.array([[5.0]]))
        >>> a.ravel().tolist(), b.ravel().tolist()
        ([-1.0, 1.0], [3.0])
    """
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0)
    std = np.where(std > 0, std, 1.0).astype(x_train.dtype)
    return (x_train - mean) / std, (x_test - mean) / std


def _split(x, y, class_names, test_fraction, seed, dtype):
    train_idx, test_idx = train_test_split(y, test_fraction, seed)
    x = x.astype(dtype)
    x_train, x_test = standardize(x[train_idx], x[test_idx])
    return Split(x_train, y[train_idx], x_test, y[test_idx], tuple(class_names))


def load_breast_cancer(test_fraction=0.2, seed=0, dtype=np.float32):
    """Load the UCI Breast Cancer Wisconsin (Diagnostic) table, split and standardised.

    569 rows, 30 real features; label 0 is malignant, 1 benign.

    Args:
        test_fraction: share of each class held out for testing.
        seed: seed of the split; the same seed gives the same split.
        dtype: floating dtype of the features.

    Returns:
        A :class:`Split`; ``class_names`` is ``("malignant", "benign")``.

    Example:
        >>> import datasets
        >>> data = datasets.load_breast_cancer()
        >>> data.class_names, int(data.y_train.max())
        (('malignant', 'benign'), 1)
    """
    path = DATA_DIR / "breast_cancer.csv"
    with open(path, encoding="ascii") as file:
        header = file.readline().strip().split(",")
        table = np.loadtxt(file, delimiter=",", dtype=np.float64)
    n_rows, n_features = int(header[0]), int(header[1])
    if table.shape != (n_rows, n_features + 1):
        raise ValueError(f"load_breast_cancer: {path} should hold {n_rows} rows of "
                         f"{n_features + 1} columns, found {table.shape}.")
    x, y = table[:, :-1], table[:, -1].astype(np.int64)
    return _split(x, y, header[2:], test_fraction, seed, dtype)


def load_digits(test_fraction=0.2, seed=0, dtype=np.float32):
    """Load the UCI 8x8 handwritten digits (1797 images), split and standardised.

    Each row is a flattened 8x8 image of pixel counts 0..16; labels are 0..9.

    Args:
        test_fraction: share of each class held out for testing.
        seed: seed of the split; the same seed gives the same split.
        dtype: floating dtype of the features.

    Returns:
        A :class:`Split` with 64 features; ``class_names`` is ``("0", ..., "9")``.

    Example:
        >>> import datasets
        >>> datasets.load_digits().x_train.shape[1]
        64
    """
    path = DATA_DIR / "digits.csv.gz"
    with gzip.open(path, "rt", encoding="ascii") as file:
        table = np.loadtxt(file, delimiter=",", dtype=np.float64)
    if table.ndim != 2 or table.shape[1] != 65:
        raise ValueError(f"load_digits: {path} should hold rows of 65 columns "
                         f"(64 pixels and a label), found {table.shape}.")
    x, y = table[:, :-1], table[:, -1].astype(np.int64)
    return _split(x, y, [str(d) for d in range(10)], test_fraction, seed, dtype)


def to_datasets(split, label_dtype=np.int64, image_shape=None):
    """Wrap a :class:`Split` in two ``ft.data.TensorDataset`` objects ``(train, test)``.

    Args:
        split: a :class:`Split` from one of the ``load_*`` functions.
        label_dtype: dtype of the label arrays (int64 for class indices,
            float32 for binary targets of ``BCEWithLogitsLoss``).
        image_shape: if given, each feature row is reshaped to this shape
            (e.g. ``(1, 8, 8)`` for a convolutional network).

    Returns:
        ``(train, test)``; each sample is a pair ``(features, label)`` of ``ft.Array``.

    Example:
        >>> import numpy as np, datasets
        >>> train, _ = datasets.to_datasets(datasets.load_digits(), image_shape=(1, 8, 8))
        >>> train[0][0].shape
        (1, 8, 8)
    """
    import funtorch as ft  # here, so that the NumPy loaders work without funtorch

    def wrap(x, y):
        if image_shape is not None:
            x = x.reshape((len(x), *image_shape))
        return ft.data.TensorDataset(ft.array(x), ft.array(y.astype(label_dtype)))

    return wrap(split.x_train, split.y_train), wrap(split.x_test, split.y_test)


def breast_cancer_datasets(test_fraction=0.2, seed=0, label_dtype=np.float32):
    """Return the breast-cancer split as ``(train, test)`` ``ft.data.TensorDataset`` objects.

    Features are float32, standardised with training statistics; labels are
    float32 0.0 (malignant) / 1.0 (benign) by default, as ``BCEWithLogitsLoss`` expects.

    Args:
        test_fraction: share of each class held out for testing.
        seed: seed of the split.
        label_dtype: dtype of the labels (``np.int64`` for class indices).

    Returns:
        ``(train, test)`` with 456 and 113 samples of shape ``(30,)``.

    Example:
        >>> import datasets
        >>> train, test = datasets.breast_cancer_datasets()
        >>> len(train), len(test), train[0][1].dtype
        (456, 113, dtype('float32'))
    """
    split = load_breast_cancer(test_fraction=test_fraction, seed=seed)
    return to_datasets(split, label_dtype=label_dtype)


def digits_datasets(test_fraction=0.2, seed=0, images=False):
    """Return the 8x8 digits split as ``(train, test)`` ``ft.data.TensorDataset`` objects.

    Args:
        test_fraction: share of each class held out for testing.
        seed: seed of the split.
        images: if True, samples are ``(1, 8, 8)`` images (channel first, for
            ``Conv2d``); otherwise flat ``(64,)`` vectors.

    Returns:
        ``(train, test)`` with 1438 and 359 samples; labels are int64 in 0..9.

    Example:
        >>> import datasets
        >>> train, test = datasets.digits_datasets(images=True)
        >>> train[0][0].shape, int(train[0][1]) in range(10)
        ((1, 8, 8), True)
    """
    split = load_digits(test_fraction=test_fraction, seed=seed)
    return to_datasets(split, image_shape=(1, 8, 8) if images else None)
