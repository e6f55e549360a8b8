"""Functional neural-network ops, as ``torch.nn.functional`` (import it as ``F``).

Example:
    >>> import tensorgraph.nn.functional as F
    >>> logits = F.linear(F.relu(F.linear(x, w1, b1)), w2, b2)
    >>> loss = F.cross_entropy(logits, labels)

This package checks arguments (errors that name the op, shapes and dtypes) and calls
``.apply`` on a ``Function``; every ``Function`` (every gradient) lives in
``tensorgraph/ops/``. Most functions are *composites*: written with the engine's
primitives, they need no backward of their own. A few call *fused* primitives with a
hand-written backward, each saying why in its docstring (speed or numerical
stability): ``linear`` (``ops/linear.py``), ``batch_norm`` (``ops/norm.py``),
``log_softmax`` (``ops/activation.py``), ``cross_entropy`` (``ops/cross_entropy.py``),
``binary_cross_entropy`` and ``binary_cross_entropy_with_logits`` (``ops/loss.py``),
``conv2d`` and ``max_pool2d``. Their gradients of gradients (``create_graph=True``) go
through the composite twin of each (``ops/fused.py``), so higher derivatives work
everywhere.

Where the code lives (this package): activations and softmax in ``activation.py``,
linear in ``linear.py``, conv2d in ``conv.py``, pooling in ``pool.py``, normalisation in
``norm.py``, losses in ``loss.py`` and ``ce.py``; argument checks in ``check.py``.
More families, one file each: activations beyond the basic ones in ``nonlinearity.py``,
``smooth_l1_loss``/``huber_loss``/``poisson_nll_loss``/``gaussian_nll_loss`` in
``regression_loss.py``, margin and ranking losses (``triplet_margin_loss``, ...) in
``margin_loss.py``, norms, similarities, ``pdist`` and ``kl_div`` in ``distance.py``, ``conv1d`` and 1-d pools in ``temporal.py``,
``conv_transpose1d/2d`` in ``conv_transpose.py``, ``unfold``/``fold`` in ``fold.py``,
adaptive pooling in ``adaptive_pool.py``, ``group_norm`` in ``group_norm.py``, channel
dropout in ``channel_dropout.py``, ``pad`` in ``padding.py`` and ``interpolate`` in
``sampling.py``.
"""

from .activation import (
    dropout,
    gelu,
    leaky_relu,
    log_softmax,
    relu,
    sigmoid,
    softmax,
    tanh,
)
from .adaptive_pool import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
)
from .attention import scaled_dot_product_attention
from .ce import cross_entropy, nll_loss
from .channel_dropout import dropout1d, dropout2d, dropout3d
from .conv import conv2d
from .conv_transpose import conv_transpose1d, conv_transpose2d
from .distance import (
    cosine_embedding_loss,
    cosine_similarity,
    kl_div,
    normalize,
    pairwise_distance,
    pdist,
)
from .embedding import embedding, one_hot
from .embedding_bag import embedding_bag
from .gumbel import gumbel_softmax
from .fold import fold, unfold
from .group_norm import group_norm
from .linear import bilinear, flatten, linear
from .loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    l1_loss,
    mse_loss,
)
from .nonlinearity import (
    celu,
    celu_,
    elu,
    elu_,
    glu,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    hardtanh_,
    leaky_relu_,
    logsigmoid,
    mish,
    prelu,
    relu6,
    relu_,
    selu,
    selu_,
    silu,
    softmin,
    softplus,
    softshrink,
    softsign,
    tanhshrink,
    threshold,
    threshold_,
)
from .instance_norm import instance_norm
from .norm import batch_norm, layer_norm, rms_norm
from .pixel_shuffle import pixel_shuffle, pixel_unshuffle
from .padding import pad
from .pool import avg_pool2d, max_pool2d
from .margin_loss import (
    hinge_embedding_loss,
    margin_ranking_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    soft_margin_loss,
    triplet_margin_loss,
    triplet_margin_with_distance_loss,
)
from .regression_loss import gaussian_nll_loss, huber_loss, poisson_nll_loss, smooth_l1_loss
from .sampling import interpolate, upsample
from .temporal import avg_pool1d, conv1d, max_pool1d

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_avg_pool3d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "celu",
    "conv1d",
    "conv2d",
    "conv_transpose1d",
    "conv_transpose2d",
    "cosine_embedding_loss",
    "cosine_similarity",
    "cross_entropy",
    "dropout",
    "dropout1d",
    "dropout2d",
    "dropout3d",
    "elu",
    "embedding",
    "embedding_bag",
    "gumbel_softmax",
    "flatten",
    "fold",
    "gelu",
    "glu",
    "group_norm",
    "hardshrink",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "huber_loss",
    "interpolate",
    "kl_div",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "logsigmoid",
    "max_pool1d",
    "max_pool2d",
    "mish",
    "mse_loss",
    "nll_loss",
    "normalize",
    "one_hot",
    "pad",
    "pairwise_distance",
    "prelu",
    "relu",
    "relu6",
    "scaled_dot_product_attention",
    "selu",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "softmax",
    "softmin",
    "softplus",
    "softshrink",
    "softsign",
    "tanh",
    "tanhshrink",
    "threshold",
    "threshold_",
    "instance_norm",
    "pixel_shuffle",
    "pixel_unshuffle",
    "celu_",
    "elu_",
    "hardtanh_",
    "leaky_relu_",
    "relu_",
    "selu_",
    "unfold",
    "upsample",
    "bilinear",
    "gaussian_nll_loss",
    "hinge_embedding_loss",
    "margin_ranking_loss",
    "multi_margin_loss",
    "multilabel_margin_loss",
    "multilabel_soft_margin_loss",
    "pdist",
    "rms_norm",
    "poisson_nll_loss",
    "soft_margin_loss",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
]
