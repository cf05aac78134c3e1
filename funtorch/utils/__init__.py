"""``torch.utils``'s layout: ``ft.utils.data`` is ``ft.data``, so ported imports keep their
shape (``from funtorch.utils.data import DataLoader``)."""

from funtorch.utils import data  # noqa: F401
