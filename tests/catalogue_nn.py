"""Op catalogue entries for the nn.functional additions (activations, losses, distances,
padding, interpolation, fold/unfold, 1-d and transposed convolutions, pooling)."""

from __future__ import annotations

from op_catalogue import Op, T

import tensorgraph.nn.functional as F

U = [((3, 4),), ((),), ((2, 3, 2),)]  # unary shapes, 0-d included


def TF():
    return T().nn.functional


ACTIVATIONS = [
    Op("softplus", F.softplus, lambda a: TF().softplus(a), U),
    Op("softplus_beta", lambda a: F.softplus(a * 30, beta=2, threshold=15),
       lambda a: TF().softplus(a * 30, beta=2, threshold=15), U),
    Op("silu", F.silu, lambda a: TF().silu(a), U),
    Op("mish", F.mish, lambda a: TF().mish(a), U),
    Op("elu", F.elu, lambda a: TF().elu(a), U),
    Op("elu_alpha", lambda a: F.elu(a, 0.3), lambda a: TF().elu(a, 0.3), U),
    Op("selu", F.selu, lambda a: TF().selu(a), U),
    Op("celu", lambda a: F.celu(a, 0.5), lambda a: TF().celu(a, 0.5), U),
    Op("logsigmoid", F.logsigmoid, lambda a: TF().logsigmoid(a), U),
    Op("logsigmoid_big", lambda a: F.logsigmoid(a * 50), lambda a: TF().logsigmoid(a * 50), U),
    Op("softsign", F.softsign, lambda a: TF().softsign(a), U),
    Op("tanhshrink", F.tanhshrink, lambda a: TF().tanhshrink(a), U),
    Op("softmin", lambda a: F.softmin(a, dim=-1), lambda a: TF().softmin(a, dim=-1),
       [((3, 4),), ((2, 3, 2),)]),
    Op("softmin_dim0", lambda a: F.softmin(a, 0), lambda a: TF().softmin(a, 0), [((3, 4),)]),
    Op("glu", F.glu, lambda a: TF().glu(a), [((3, 4),), ((2, 3, 2),)]),
    Op("glu_dim1", lambda a: F.glu(a, 1), lambda a: TF().glu(a, 1), [((3, 4, 5),)]),
    Op("hardtanh", lambda a: F.hardtanh(a * 2), lambda a: TF().hardtanh(a * 2), U),
    Op("hardtanh_range", lambda a: F.hardtanh(a, -0.5, 0.3),
       lambda a: TF().hardtanh(a, -0.5, 0.3), U),
    Op("relu6", lambda a: F.relu6(a * 5), lambda a: TF().relu6(a * 5), U),
    Op("hardswish", lambda a: F.hardswish(a * 4), lambda a: TF().hardswish(a * 4), U),
    # torch has no double backward for hardsigmoid: its twin here is relu6(x + 3) / 6
    Op("hardsigmoid", lambda a: F.hardsigmoid(a * 4), lambda a: TF().relu6(a * 4 + 3) / 6, U),
    Op("threshold", lambda a: F.threshold(a, 0.1, -2.0),
       lambda a: TF().threshold(a, 0.1, -2.0), U),
    Op("hardshrink", F.hardshrink, lambda a: TF().hardshrink(a), U),
    Op("softshrink", lambda a: F.softshrink(a, 0.3), lambda a: TF().softshrink(a, 0.3), U),
    Op("prelu", F.prelu, lambda a, w: TF().prelu(a, w), [((2, 3, 4), (3,)), ((2, 3), (1,)),
                                                         ((3,), (1,)), ((), (1,))]),
]

OPS: list[Op] = ACTIVATIONS
