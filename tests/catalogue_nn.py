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

P2 = [((3, 4), (3, 4)), ((5,), (5,)), ((2, 3, 2), (2, 3, 2))]

LOSSES = [
    Op("smooth_l1", lambda a, b: F.smooth_l1_loss(a, b), lambda a, b: TF().smooth_l1_loss(a, b),
       P2),
    Op("smooth_l1_beta_sum", lambda a, b: F.smooth_l1_loss(a, b, reduction="sum", beta=0.4),
       lambda a, b: TF().smooth_l1_loss(a, b, reduction="sum", beta=0.4), P2),
    Op("smooth_l1_beta0_none", lambda a, b: F.smooth_l1_loss(a, b, reduction="none", beta=0),
       lambda a, b: TF().smooth_l1_loss(a, b, reduction="none", beta=0), P2),
    Op("huber", lambda a, b: F.huber_loss(a, b), lambda a, b: TF().huber_loss(a, b), P2),
    Op("huber_delta_none", lambda a, b: F.huber_loss(a, b, reduction="none", delta=0.3),
       lambda a, b: TF().huber_loss(a, b, reduction="none", delta=0.3), P2),
    Op("kl_div_batchmean", lambda a, b: F.kl_div(a, b, reduction="batchmean"),
       lambda a, b: TF().kl_div(a, b, reduction="batchmean"), P2, ("real", "positive")),
    Op("kl_div_sum_log_target", lambda a, b: F.kl_div(a, b, reduction="sum", log_target=True),
       lambda a, b: TF().kl_div(a, b, reduction="sum", log_target=True), P2),
    Op("kl_div_none", lambda a, b: F.kl_div(a, b, reduction="none"),
       lambda a, b: TF().kl_div(a, b, reduction="none"), P2, ("real", "positive")),
    Op("cosine_similarity", F.cosine_similarity, lambda a, b: TF().cosine_similarity(a, b),
       [((3, 4), (3, 4)), ((2, 3, 2), (2, 3, 2)), ((3, 4), (1, 4))]),
    Op("cosine_similarity_last", lambda a, b: F.cosine_similarity(a, b, dim=-1),
       lambda a, b: TF().cosine_similarity(a, b, dim=-1), [((3, 4), (3, 4)), ((4,), (4,))]),
    Op("normalize", F.normalize, lambda a: TF().normalize(a), [((3, 4),), ((2, 3, 2),)]),
    Op("normalize_p1_dim0", lambda a: F.normalize(a, p=1, dim=0),
       lambda a: TF().normalize(a, p=1, dim=0), [((3, 4),)], "away0"),
    Op("normalize_p3", lambda a: F.normalize(a, p=3, dim=-1),
       lambda a: TF().normalize(a, p=3, dim=-1), [((3, 4),)], "away0"),
    Op("pairwise_distance", F.pairwise_distance, lambda a, b: TF().pairwise_distance(a, b),
       [((3, 4), (3, 4)), ((3, 4), (4,))]),
    Op("pairwise_distance_p1_keep", lambda a, b: F.pairwise_distance(a, b, p=1, keepdim=True),
       lambda a, b: TF().pairwise_distance(a, b, p=1, keepdim=True), [((3, 4), (3, 4))]),
]

IMG = [((2, 3, 5, 6),)]


def _pad_op(name, pad, mode, value=None, shapes=IMG):
    return Op(name, lambda a: F.pad(a, pad, mode, value), lambda a: TF().pad(a, pad, mode, value),
              shapes)


SPATIAL = [
    Op("conv1d", lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1, dilation=2),
       lambda x, w, b: TF().conv1d(x, w, b, stride=2, padding=1, dilation=2),
       [((2, 3, 9), (4, 3, 3), (4,))]),
    Op("conv1d_groups_same", lambda x, w: F.conv1d(x, w, padding="same", groups=2),
       lambda x, w: TF().conv1d(x, w, padding="same", groups=2), [((2, 4, 7), (6, 2, 4))]),
    Op("conv_transpose2d", lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1,
                                                               output_padding=1),
       lambda x, w, b: TF().conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1),
       [((2, 3, 4, 3), (3, 2, 3, 3), (2,))]),
    Op("conv_transpose2d_groups_dil", lambda x, w: F.conv_transpose2d(
        x, w, stride=(1, 2), groups=2, dilation=(2, 1)),
       lambda x, w: TF().conv_transpose2d(x, w, stride=(1, 2), groups=2, dilation=(2, 1)),
       [((1, 4, 3, 3), (4, 1, 2, 3))]),
    Op("conv_transpose1d", lambda x, w: F.conv_transpose1d(x, w, stride=3, padding=1),
       lambda x, w: TF().conv_transpose1d(x, w, stride=3, padding=1), [((2, 3, 5), (3, 2, 4))]),
    Op("unfold", lambda x: F.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)),
       lambda x: TF().unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)), IMG),
    Op("fold", lambda x: F.fold(x, (5, 6), (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)),
       lambda x: TF().fold(x, (5, 6), (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)),
       [((2, 18, 12),)]),
    Op("adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, (3, 4)),
       lambda x: TF().adaptive_avg_pool2d(x, (3, 4)), IMG + [((3, 7, 5),)]),
    Op("adaptive_avg_pool1d", lambda x: F.adaptive_avg_pool1d(x, 4),
       lambda x: TF().adaptive_avg_pool1d(x, 4), [((2, 3, 7),)]),
    Op("avg_pool1d", lambda x: F.avg_pool1d(x, 3, 2, 1, count_include_pad=False),
       lambda x: TF().avg_pool1d(x, 3, 2, 1, count_include_pad=False), [((2, 3, 8),)]),
    Op("max_pool1d", lambda x: F.max_pool1d(x, 3, 2, 1), lambda x: TF().max_pool1d(x, 3, 2, 1),
       [((2, 3, 8),)], smooth=False),
    Op("group_norm", lambda x, w, b: F.group_norm(x, 2, w, b),
       lambda x, w, b: TF().group_norm(x, 2, w, b), [((3, 4, 2, 3), (4,), (4,)), ((2, 6, 5), (6,), (6,))]),
    _pad_op("pad_constant", (1, 2, 0, 3), "constant", 0.5),
    _pad_op("pad_crop", (-1, 2, 1, -2), "constant"),
    _pad_op("pad_reflect", (2, 1, 3, 1), "reflect"),
    _pad_op("pad_replicate", (2, 1, 3, 1), "replicate"),
    _pad_op("pad_circular", (2, 1, 3, 1), "circular"),
    _pad_op("pad_reflect_1d", (2, 3), "reflect", shapes=[((2, 3, 5),), ((3, 5),)]),
    _pad_op("pad_constant_3d", (1, 1, 0, 2, 1, 0), "constant", shapes=[((2, 2, 3, 3),)]),
    Op("interpolate_nearest", lambda x: F.interpolate(x, scale_factor=(1.5, 0.7)),
       lambda x: TF().interpolate(x, scale_factor=(1.5, 0.7)), IMG),
    Op("interpolate_nearest_exact", lambda x: F.interpolate(x, size=(7, 4), mode="nearest-exact"),
       lambda x: TF().interpolate(x, size=(7, 4), mode="nearest-exact"), IMG),
    Op("interpolate_bilinear", lambda x: F.interpolate(x, scale_factor=2, mode="bilinear"),
       lambda x: TF().interpolate(x, scale_factor=2, mode="bilinear"), IMG),
    Op("interpolate_bilinear_corners", lambda x: F.interpolate(
        x, size=(8, 4), mode="bilinear", align_corners=True),
       lambda x: TF().interpolate(x, size=(8, 4), mode="bilinear", align_corners=True), IMG),
    Op("interpolate_linear", lambda x: F.interpolate(x, scale_factor=1.7, mode="linear"),
       lambda x: TF().interpolate(x, scale_factor=1.7, mode="linear"), [((2, 3, 6),)]),
]

OPS: list[Op] = ACTIVATIONS + LOSSES + SPATIAL
