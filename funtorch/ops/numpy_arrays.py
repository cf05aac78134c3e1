"""NumPy/JAX array manipulation beyond the core families: stacking and splitting
(``hstack``, ``vstack``, ``array_split``), rearranging (``roll``, ``rot90``), creation
(``meshgrid``, ``geomspace``, ``tri``), index helpers and set operations.

The public names are collected in ``__all__`` and re-exported as ``funtorch.<name>``.
"""

__all__: list[str] = []
