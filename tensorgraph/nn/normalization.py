"""BatchNorm1d/2d, InstanceNorm1d/2d/3d, LayerNorm and GroupNorm."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .. import dtypes
from ..creation import ones, zeros
from ..tensor import Tensor
from . import functional as F
from . import init
from .functional.group_norm import group_norm
from .module import Module
from .parameter import Parameter


class _BatchNorm(Module):
    """Shared body of BatchNorm1d/2d: normalise each channel over the batch.

    In training, each channel is normalised with the batch's mean and (biased)
    variance, and the running estimates move towards them:
    ``running = (1 - momentum) * running + momentum * batch_stat``, where the variance
    fed to the running estimate is the unbiased one (n / (n - 1)), as in PyTorch.
    In ``eval()`` mode the running estimates are used instead.
    """

    _expected_dims: tuple = ()
    _layout = ""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: Any = None,
                 dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        dtype = dtype or dtypes.get_default_dtype()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(ones(num_features, dtype=dtype))
            if bias:
                self.bias = Parameter(zeros(num_features, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", zeros((), dtype=dtypes.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            init.zeros_(self.running_mean)
            init.ones_(self.running_var)
            init.zeros_(self.num_batches_tracked)

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim not in self._expected_dims:
            want = " or ".join(f"{d}D" for d in self._expected_dims)
            raise ValueError(
                f"{type(self).__name__}: expected {want} input {self._layout} (got "
                f"{input.ndim}D input of shape {tuple(input.shape)})."
            )
        if input.shape[1] != self.num_features:
            raise ValueError(
                f"{type(self).__name__}: input has {input.shape[1]} channels (dim 1 of shape "
                f"{tuple(input.shape)}) but the layer was built for num_features="
                f"{self.num_features}."
            )

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            nbt = self.num_batches_tracked
            np.add(nbt.array, 1, out=nbt.array)
            nbt._version += 1
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(nbt.array)
        # batch statistics in training, or when there are no running estimates at all
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        keep = not self.training or self.track_running_stats
        return F.batch_norm(
            input,
            self.running_mean if keep else None,
            self.running_var if keep else None,
            self.weight, self.bias, use_batch, factor, self.eps,
        )

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation over ``(N, C)`` or ``(N, C, L)`` inputs (per feature C).

    Args:
        num_features: C.
        eps: added to the variance for stability (default 1e-5).
        momentum: weight of the newest batch in the running stats (default 0.1);
            None for a cumulative average.
        affine: learn a per-channel scale ``weight`` (ones) and shift ``bias`` (zeros).
        bias: learn the shift (keyword only; when affine).
        track_running_stats: keep ``running_mean``/``running_var`` buffers for eval.

    Shape:
        ``(N, C)`` or ``(N, C, L)``, output the same.

    Example:
        >>> bn = tg.nn.BatchNorm1d(100)
        >>> bn(tg.randn(20, 100)).shape
        torch.Size([20, 100])
    """

    _expected_dims = (2, 3)
    _layout = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of ``(N, C, H, W)`` images, per channel C (arguments as
    :class:`BatchNorm1d`).

    Example:
        >>> bn = tg.nn.BatchNorm2d(16)
        >>> bn(tg.randn(4, 16, 8, 8)).shape
        torch.Size([4, 16, 8, 8])
    """

    _expected_dims = (4,)
    _layout = "(N, C, H, W)"


class _InstanceNorm(_BatchNorm):
    """Shared body of InstanceNorm1d/2d/3d: each (sample, channel) plane normalised over
    its spatial dims; unbatched inputs (one dim fewer) work too, as torch."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False,
                 device: Any = None, dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias=bias)

    def forward(self, input: Tensor) -> Tensor:
        full = self._expected_dims[0]  # (N, C, spatial...); unbatched drops N
        if input.ndim not in (full - 1, full):
            raise ValueError(f"expected {full - 1}D or {full}D input (got "
                             f"{input.ndim}D input)")
        batched = input.ndim == full
        c = input.shape[1 if batched else 0]
        if c != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={int(batched)} to match "
                                 f"num_features ({self.num_features}), but got: {c}.")
            warnings.warn(f"input's size at dim={int(batched)} does not match num_features. "
                          "You can silence this warning by not passing in num_features, "
                          "which is not used because affine=False", UserWarning, stacklevel=2)
        x = input if batched else input.unsqueeze(0)
        out = F.instance_norm(
            x, self.running_mean, self.running_var, self.weight, self.bias,
            self.training or not self.track_running_stats,
            0.0 if self.momentum is None else self.momentum, self.eps)
        return out if batched else out.squeeze(0)


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation of ``(N, C, L)`` (or unbatched ``(C, L)``): each channel of
    each sample normalised over L.

    Args:
        num_features: C.
        eps: added to the variance (default 1e-5).
        momentum: weight of the newest statistics in the running ones (default 0.1).
        affine: learn per-channel ``weight``/``bias`` (default False, as torch).
        track_running_stats: keep running statistics and use them in eval mode
            (default False: eval mode normalises with the input's own statistics).

    Example:
        >>> tg.nn.InstanceNorm1d(4)(tg.randn(2, 4, 10)).shape
        torch.Size([2, 4, 10])
    """

    _expected_dims = (3,)


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation of ``(N, C, H, W)`` (or ``(C, H, W)``), arguments as
    :class:`InstanceNorm1d` (style transfer's normalisation)."""

    _expected_dims = (4,)


class InstanceNorm3d(_InstanceNorm):
    """Instance normalisation of ``(N, C, D, H, W)`` (or ``(C, D, H, W)``)."""

    _expected_dims = (5,)


class LayerNorm(Module):
    """Normalise over the last ``len(normalized_shape)`` dims of each sample (no
    running stats; same in train and eval).

    Args:
        normalized_shape: int or tuple: the trailing dims to normalise over.
        eps: added to the variance for stability (default 1e-5).
        elementwise_affine: learn ``weight`` (ones) and ``bias`` (zeros) of that shape.
        bias: learn the bias (when elementwise_affine).

    Example:
        >>> ln = tg.nn.LayerNorm(10)
        >>> ln(tg.randn(4, 10)).shape
        torch.Size([4, 10])
    """

    def __init__(self, normalized_shape: Any, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if isinstance(normalized_shape, (int, np.integer)):
            normalized_shape = (int(normalized_shape),)
        self.normalized_shape = tuple(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        dtype = dtype or dtypes.get_default_dtype()
        if elementwise_affine:
            self.weight = Parameter(ones(self.normalized_shape, dtype=dtype))
            if bias:
                self.bias = Parameter(zeros(self.normalized_shape, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.elementwise_affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class RMSNorm(Module):
    """Root-mean-square normalisation over the trailing ``normalized_shape`` dims:
    ``x / sqrt(mean(x^2) + eps) * weight`` (no mean subtraction, no bias).

    Args:
        normalized_shape: int or tuple: the trailing dims to normalise over.
        eps: added to the mean square (None: the dtype's machine epsilon).
        elementwise_affine: learn ``weight`` (ones) of that shape.
    """

    def __init__(self, normalized_shape: Any, eps: float | None = None,
                 elementwise_affine: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        if isinstance(normalized_shape, (int, np.integer)):
            normalized_shape = (int(normalized_shape),)
        self.normalized_shape = tuple(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(ones(self.normalized_shape,
                                         dtype=dtype or dtypes.get_default_dtype()))
        else:
            self.register_parameter("weight", None)

    def reset_parameters(self) -> None:
        if self.elementwise_affine:
            init.ones_(self.weight)

    def forward(self, x: Tensor) -> Tensor:
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class GroupNorm(Module):
    """Normalise each sample over groups of channels (batch-size independent).

    Args:
        num_groups: how many groups the channels split into (must divide num_channels).
        num_channels: C of the ``(N, C, *)`` input.
        eps: added to the variance (default 1e-5).
        affine: learn a per-channel ``weight`` (ones) and ``bias`` (zeros).
        bias: learn the bias (when affine), keyword-only as torch.

    Example:
        >>> tg.nn.GroupNorm(3, 6)(tg.randn(2, 6, 4, 4)).shape
        torch.Size([2, 6, 4, 4])
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__()
        if num_channels % num_groups:
            raise ValueError("num_channels must be divisible by num_groups")
        self.num_groups, self.num_channels = num_groups, num_channels
        self.eps, self.affine = eps, affine
        dtype = dtype or dtypes.get_default_dtype()
        if affine:
            self.weight = Parameter(ones(num_channels, dtype=dtype))
            if bias:
                self.bias = Parameter(zeros(num_channels, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
                f"affine={self.affine}, bias={self.bias is not None}")
