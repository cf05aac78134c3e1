"""NumPy/JAX array functions beyond the core families, one ``arrays_*`` module per family:
stacking/splitting (``arrays_join``), growing/shrinking (``arrays_grow``), rearranging
(``arrays_rearrange``), choosing and the functional in-place writers (``arrays_select``),
creation (``arrays_create``), index generators (``arrays_indices``), sorting-based
searches (``arrays_search``), sets and data-dependent index lists (``arrays_sets``),
histograms (``arrays_histogram``), ``vectorize``/``apply_*`` (``arrays_apply``) and
dtype/bit helpers (``arrays_dtypes``).

All are compositions of public ops (no new primitives), so they differentiate, batch and
stage through the rules of the ops they use. Functions whose output size depends on the
values (``unique``, ``argwhere``, ...) take JAX's ``size=``/``fill_value=`` to run under
``jit``/``vmap``. The public names are collected in ``__all__`` and re-exported as
``funtorch.<name>``.
"""

from funtorch.ops.arrays_join import (  # noqa: F401
    array_split, atleast_1d, atleast_2d, atleast_3d, block, column_stack, concat, dsplit,
    dstack, hsplit, hstack, unstack, vsplit, vstack,
)
from funtorch.ops.arrays_grow import (  # noqa: F401
    append, broadcast_arrays, broadcast_shapes, delete, insert, resize,
)
from funtorch.ops.arrays_rearrange import (  # noqa: F401
    copy, diagflat, diagonal, fliplr, flipud, isscalar, iterable, ndim, permute_dims, ravel,
    roll, rollaxis, rot90, shape, size, trim_zeros,
)
from funtorch.ops.arrays_select import (  # noqa: F401
    choose, compress, extract, fill_diagonal, piecewise, place, put, put_along_axis, select,
)
from funtorch.ops.arrays_create import (  # noqa: F401
    bartlett, blackman, empty_like, fromfunction, geomspace, hamming, hanning, identity,
    indices, ix_, kaiser, logspace, meshgrid, tri,
)
from funtorch.ops.arrays_indices import (  # noqa: F401
    diag_indices, diag_indices_from, mask_indices, ravel_multi_index, tril_indices,
    tril_indices_from, triu_indices, triu_indices_from, unravel_index,
)
from funtorch.ops.arrays_search import (  # noqa: F401
    argpartition, digitize, interp, lexsort, partition, searchsorted,
)
from funtorch.ops.arrays_sets import (  # noqa: F401
    argwhere, flatnonzero, intersect1d, isin, setdiff1d, setxor1d, union1d, unique, unique_all,
    unique_counts, unique_inverse, unique_values,
)
from funtorch.ops.arrays_apply import apply_along_axis, apply_over_axes, vectorize  # noqa: F401
from funtorch.ops.arrays_dtypes import (  # noqa: F401
    can_cast, issubdtype, packbits, promote_types, result_type, unpackbits,
)
from funtorch.ops.arrays_histogram import (  # noqa: F401
    bincount, histogram, histogram2d, histogram_bin_edges, histogramdd,
)

# static: tools/static_all.py writes this list (tests/test_typing.py checks it)
__all__ = [
    "append", "apply_along_axis", "apply_over_axes", "argpartition", "argwhere", "array_split",
    "atleast_1d", "atleast_2d", "atleast_3d", "bartlett", "bincount", "blackman", "block",
    "broadcast_arrays", "broadcast_shapes", "can_cast", "choose", "column_stack", "compress",
    "concat", "copy", "delete", "diag_indices", "diag_indices_from", "diagflat", "diagonal",
    "digitize", "dsplit", "dstack", "empty_like", "extract", "fill_diagonal", "flatnonzero",
    "fliplr", "flipud", "fromfunction", "geomspace", "hamming", "hanning", "histogram",
    "histogram2d", "histogram_bin_edges", "histogramdd", "hsplit", "hstack", "identity",
    "indices", "insert", "interp", "intersect1d", "isin", "isscalar", "issubdtype", "iterable",
    "ix_", "kaiser", "lexsort", "logspace", "mask_indices", "meshgrid", "ndim", "packbits",
    "partition", "permute_dims", "piecewise", "place", "promote_types", "put", "put_along_axis",
    "ravel", "ravel_multi_index", "resize", "result_type", "roll", "rollaxis", "rot90",
    "searchsorted", "select", "setdiff1d", "setxor1d", "shape", "size", "tri", "tril_indices",
    "tril_indices_from", "trim_zeros", "triu_indices", "triu_indices_from", "union1d", "unique",
    "unique_all", "unique_counts", "unique_inverse", "unique_values", "unpackbits",
    "unravel_index", "unstack", "vectorize", "vsplit", "vstack",
]
