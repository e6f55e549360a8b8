"""Op catalogue entries for singular values and the matrix norms built on them, einsum
with a repeated index (diagonals), the cubic/area/trilinear resizes and adaptive max
pooling."""

from __future__ import annotations

from op_catalogue import Op, T

import tensorgraph as tg
import tensorgraph.nn.functional as F


def TF():
    return T().nn.functional


MATS = [((3, 4),), ((4, 3),), ((2, 3, 3),)]
IMG = [((2, 3, 5, 6),), ((1, 1, 4, 3),)]

OPS = [
    # ---- singular values and the norms on them (second order through svd_backward)
    Op("svdvals", tg.linalg.svdvals, lambda a: T().linalg.svdvals(a), MATS),
    Op("matrix_norm_nuc", lambda a: tg.linalg.matrix_norm(a, "nuc"),
       lambda a: T().linalg.matrix_norm(a, "nuc"), MATS),
    Op("matrix_norm_2", lambda a: tg.linalg.matrix_norm(a, 2),
       lambda a: T().linalg.matrix_norm(a, 2), MATS),
    Op("matrix_norm_-2_dims_keep", lambda a: tg.linalg.matrix_norm(a, -2, (0, 2), True),
       lambda a: T().linalg.matrix_norm(a, -2, (0, 2), True), [((2, 3, 4),)]),
    Op("linalg.norm_nuc", lambda a: tg.linalg.norm(a, "nuc"),
       lambda a: T().linalg.norm(a, "nuc"), [((3, 4),)]),
    Op("Tensor.norm_nuc", lambda a: a.norm("nuc"), lambda a: a.norm("nuc"), [((4, 3),)]),
    # ---- einsum with an index repeated inside one operand
    Op("einsum_diag", lambda a: tg.einsum("ii->i", a), lambda a: T().einsum("ii->i", a),
       [((3, 3),)]),
    Op("einsum_trace", lambda a: tg.einsum("ii", a), lambda a: T().einsum("ii", a),
       [((4, 4),)]),
    Op("einsum_batch_diag", lambda a: tg.einsum("bii->bi", a),
       lambda a: T().einsum("bii->bi", a), [((2, 3, 3),)]),
    Op("einsum_diag_times", lambda a, b: tg.einsum("ii,ij->j", a, b),
       lambda a, b: T().einsum("ii,ij->j", a, b), [((3, 3), (3, 4))]),
    Op("einsum_dots_diag", lambda a: tg.einsum("...ii->...i", a),
       lambda a: T().einsum("...ii->...i", a), [((2, 3, 3),)]),
    # ---- resizes
    Op("interpolate_bicubic", lambda x: F.interpolate(x, scale_factor=2, mode="bicubic"),
       lambda x: TF().interpolate(x, scale_factor=2, mode="bicubic"), IMG),
    Op("interpolate_bicubic_corners", lambda x: F.interpolate(
        x, size=(7, 4), mode="bicubic", align_corners=True),
       lambda x: TF().interpolate(x, size=(7, 4), mode="bicubic", align_corners=True), IMG),
    Op("interpolate_bicubic_down_recompute", lambda x: F.interpolate(
        x, scale_factor=0.7, mode="bicubic", recompute_scale_factor=True),
       lambda x: TF().interpolate(x, scale_factor=0.7, mode="bicubic",
                                  recompute_scale_factor=True), [((1, 2, 8, 9),)]),
    Op("interpolate_area", lambda x: F.interpolate(x, size=(3, 4), mode="area"),
       lambda x: TF().interpolate(x, size=(3, 4), mode="area"), IMG),
    Op("interpolate_area_scale", lambda x: F.interpolate(x, scale_factor=0.5, mode="area"),
       lambda x: TF().interpolate(x, scale_factor=0.5, mode="area"), [((2, 3, 7),)]),
    Op("interpolate_trilinear", lambda x: F.interpolate(
        x, scale_factor=(1.5, 0.5, 2), mode="trilinear"),
       lambda x: TF().interpolate(x, scale_factor=(1.5, 0.5, 2), mode="trilinear"),
       [((1, 2, 4, 3, 2),)]),
    # ---- adaptive pools
    Op("adaptive_max_pool2d", lambda x: F.adaptive_max_pool2d(x, (3, 4)),
       lambda x: TF().adaptive_max_pool2d(x, (3, 4)), [((2, 3, 7, 5),), ((3, 5, 6),)]),
    Op("adaptive_max_pool2d_global", lambda x: F.adaptive_max_pool2d(x, 1),
       lambda x: TF().adaptive_max_pool2d(x, 1), [((2, 3, 4, 4),)]),
    Op("adaptive_max_pool1d", lambda x: F.adaptive_max_pool1d(x, 4),
       lambda x: TF().adaptive_max_pool1d(x, 4), [((2, 3, 7),)]),
    Op("adaptive_avg_pool3d", lambda x: F.adaptive_avg_pool3d(x, (2, 3, 1)),
       lambda x: TF().adaptive_avg_pool3d(x, (2, 3, 1)), [((1, 2, 4, 5, 3),)]),
]

OPS += [
    Op("einsum_diag_with_dots", lambda a, b: tg.einsum("ii,...i->...", a, b),
       lambda a, b: T().einsum("ii,...i->...", a, b), [((3, 3), (2, 3))]),
]
