"""tensorgraph: a computation-graph engine with tensor autograd, on numpy.

Script it like PyTorch::

    import tensorgraph as tg
    x = tg.randn(4, 3, requires_grad=True)
    loss = (x.tanh() ** 2).mean()
    loss.backward()
    x.grad          # d loss / d x
"""

# Submodules import what they need themselves, so this order is only isort's.
from . import autograd, data, graph, nn, ops, optim, testing, utils
from .checks import NonFiniteLossWarning
from .dtypes import (
    bfloat16,
    bool_,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    set_default_dtype,
    short,
    uint8,
    uint16,
    uint32,
    uint64,
)
from .autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .creation import (
    arange,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    meshgrid,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    randperm,
    zeros,
    zeros_like,
)
from .random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from .random.sampling import (
    bernoulli,
    multinomial,
    normal,
    rand_like,
    randint_like,
    randn_like,
)
from .serialization import CheckpointError, load, save
from .size import Size
from .tensor_str import get_printoptions, set_printoptions
from .tensor import Tensor, cat, matmul, stack, tensor

# tg.sin(x), tg.sort(x), ...: the function forms of Tensor methods; tg.linalg's norms.
from . import function_forms, linalg
from .function_forms import *  # noqa: F403  (names listed in function_forms.__all__)
from . import tensor_functions_more
from .tensor_functions_more import *  # noqa: F403  (tg.pi, tg.as_tensor, tg.hstack, ...)

# torch.special and torch.distributions (composites of the ops above).
from . import distributions, special
from . import matrix_functions
from .matrix_functions import *  # noqa: F403  (tg.det, tg.svd, tg.kron, tg.tensordot, ...)
from . import arith_forms
from .arith_forms import *  # noqa: F403  (add/sub/mul/rsub, LongTensor, ...)

# compat: devices (CPU only), backends flags, and the torch names that mean nothing here.
from . import accelerator, amp, backends, cuda, distributed, jit, onnx, return_types, version, xpu
from .amp import autocast, is_autocast_enabled
from .device import device, get_default_device, set_default_device
from .dtype_info import can_cast, finfo, iinfo, promote_types, result_type
from .inference import inference_mode, is_inference_mode_enabled
from .runtime import (
    are_deterministic_algorithms_enabled,
    get_float32_matmul_precision,
    get_num_interop_threads,
    get_num_threads,
    is_deterministic_algorithms_warn_only_enabled,
    set_float32_matmul_precision,
    set_num_interop_threads,
    set_num_threads,
    use_deterministic_algorithms,
)
from .unsupported import compile

from . import allocator  # noqa: F401  # isort: skip  (malloc keeps freed memory)

bool = bool_  # torch.bool
__all__ = [
    "CheckpointError", "NonFiniteLossWarning", "Size", "Tensor", "arange", "empty", "empty_like",
    "linalg", "meshgrid", "distributions", "special", "autograd", "bool",
    "bool_", "cat", "data", "double", "dtype", "enable_grad", "eye", "float", "float16", "float32",
    "float64", "from_numpy", "full", "full_like", "get_default_dtype", "graph", "half",
    "int", "int8", "int16", "int32", "int64", "is_grad_enabled", "linspace", "load", "long",
    "manual_seed", "matmul", "nn", "no_grad", "ones", "ones_like", "ops", "optim", "rand",
    "randint", "randn", "randperm", "save", "set_default_dtype", "set_grad_enabled",
    "short", "stack", "tensor", "testing", "uint8", "uint16", "uint32", "uint64", "utils",
    "zeros", "zeros_like",
    *function_forms.__all__,
    *tensor_functions_more.__all__,
    *matrix_functions.__all__,
    *arith_forms.__all__,
    # compat
    "accelerator", "amp", "are_deterministic_algorithms_enabled", "autocast", "backends",
    "can_cast", "compile", "cuda", "device", "distributed", "finfo", "get_default_device",
    "iinfo", "promote_types", "result_type",
    "get_float32_matmul_precision", "get_num_threads", "inference_mode",
    "is_inference_mode_enabled", "jit", "onnx", "version", "set_default_device",
    "set_float32_matmul_precision", "set_num_threads", "use_deterministic_algorithms",
    "get_num_interop_threads", "is_deterministic_algorithms_warn_only_enabled",
    "set_num_interop_threads", "is_autocast_enabled", "bfloat16",
]

__all__ += [  # the random surface (tensorgraph.random)
    "Generator", "bernoulli", "default_generator", "get_rng_state", "initial_seed",
    "multinomial", "normal", "rand_like", "randint_like", "randn_like", "seed",
    "set_rng_state",
]

__version__ = version.__version__
