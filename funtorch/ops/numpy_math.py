"""NumPy/JAX elementwise maths, reductions and statistics beyond the core families
(``log2``, ``arcsinh``, ``hypot``, ``nan*`` reductions, ``cumprod``, ``median``, ...).

The public names are collected in ``__all__`` and re-exported as ``funtorch.<name>``.
"""

__all__: list[str] = []
