"""Parameter: a Tensor that a Module registers as a trainable weight."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor


class Parameter(Tensor):
    """A Tensor that is a module's weight: it requires grad by default and is
    registered in ``module.parameters()`` when assigned as a module attribute.

    Args:
        data: a Tensor (shared, not copied), a numpy array or nested lists.
        requires_grad: whether the optimizer should train it (default True).

    Example:
        >>> class Scale(tg.nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.s = tg.nn.Parameter(tg.ones(1))
        >>> [name for name, _ in Scale().named_parameters()]
        ['s']
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        from ..dtypes import get_default_dtype

        if data is None:
            arr = np.empty(0, dtype=get_default_dtype())
        elif isinstance(data, Tensor):
            arr = data.array
        elif isinstance(data, np.ndarray):
            arr = data
        else:
            from ..tensor import tensor

            arr = tensor(data).array
        super().__init__(arr, requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol: Any) -> Any:
        # pickle/deepcopy: rebuild as a Parameter of a copy of the data (no grad_fn).
        return (Parameter, (self.array, self.requires_grad))


class UninitializedParameter(Parameter):
    """A Parameter whose shape is not known yet (a lazy layer's weight before its first
    call). ``materialize(shape)`` gives it storage and turns it into a plain Parameter,
    in place, so an optimizer or a reference holding it sees the real one (as torch).
    """

    __slots__ = ()

    def __init__(self, requires_grad: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        from ..dtypes import get_default_dtype

        super().__init__(np.empty(0, dtype=dtype or get_default_dtype()), requires_grad)

    def materialize(self, shape: tuple, device: Any = None, dtype: Any = None) -> None:
        """Allocate ``shape`` (zeros until the layer initialises it) and become a Parameter."""
        self.array = np.zeros(shape, dtype=dtype or self.array.dtype)
        self.__class__ = Parameter

    def __repr__(self) -> str:
        return "<UninitializedParameter>"

    @property
    def shape(self) -> tuple:
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter. This error usually "
            "happens in `load_state_dict` when trying to load an uninitialized parameter "
            "into an initialized one. Call `forward` to initialize the parameters before "
            "accessing their attributes."
        )


def is_lazy(param: Any) -> bool:
    return isinstance(param, UninitializedParameter)
