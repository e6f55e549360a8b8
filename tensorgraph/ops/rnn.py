"""One LSTM layer over a whole sequence as a single fused primitive.

Written with primitives (``nn.functional.rnn.lstm_step`` in a loop) an LSTM records
about 15 nodes per time step, each with its own small temporaries and Python overhead;
for the benchmark LSTM (2 layers, width 256, 64 steps, batch 32) that is ~2000 nodes
per forward. :class:`LSTMLayer` runs the time loop in numpy: the input projection of
all steps is one GEMM, each step is one GEMM plus elementwise work on a (N, 4H) block,
and the backward (backpropagation through time) is the mirror loop with the weight
gradients as two GEMMs at the end: measured ~4x faster than the composite on that
benchmark. Under ``backward(create_graph=True)`` the gradient goes through
:func:`lstm_layer_composite` (``composite_grad``), so higher derivatives work.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Function


class LSTMLayer(Function):
    """y = [h_t, c_t] for t = 1..T,  c_t = f c_{t-1} + i g,  h_t = o tanh(c_t);
    dx = da W_ih,  dh0 = da_1 W_hh,  dc0 = dc_1 f_1,  dw_ih = sum_t da_t^T x_t,
    dw_hh = sum_t da_t^T h_{t-1},  db_ih = db_hh = sum_t da_t  (da: backward through time)

    The gates: a = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh, i, f, o = sigmoid(a_i, a_f,
    a_o), g = tanh(a_g). Backward through time, from t = T down: dc += dh o (1 - tanh^2
    c_t);  da = (dc g, dc c_{t-1}, dc i, dh tanh c_t) * the gates' derivatives;
    dh_{t-1} = da W_hh,  dc_{t-1} = dc f.

    Inputs ``x (T, N, I), h0 (N, H), c0 (N, H), w_ih (4H, I), w_hh (4H, H)`` and
    optionally ``b_ih, b_hh (4H,)``; ``reverse=True`` runs from t = T down to 1.
    Output ``(T, N, 2H)``: h and c of each step, in time order. Fused for speed (see
    the module docstring).
    """

    @staticmethod
    def forward(ctx, x, h0, c0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
        x_in = x
        if reverse:
            x = x[::-1]
        T, N, _ = x.shape
        H = w_hh.shape[1]
        # All four gates with one exp: sigmoid(a) = 1 / (1 + exp(-a)) for i, f, o and
        # tanh(a) = 2 sigmoid(2a) - 1 for g (numpy's exp is cheaper than its tanh, and
        # one call on (N, 4H) beats four on slices). The factors -1 and -2 are folded
        # into copies of the weights' rows and the bias (exact: powers of two), so the
        # GEMMs give the scaled pre-activations.
        # exp overflows to inf for a < -88 (float32): 1 / (1 + inf) = 0 is the limit.
        # The per-step GEMM is W_hh h^T -> (4H, N), added to the gates transposed: in
        # the time loop OpenBLAS runs that orientation ~2x faster than h W_hh^T (0.20
        # vs 0.40 ms at N=32, H=256, measured), far more than the strided add costs.
        dt = np.result_type(x, w_ih)
        scale = np.full(4 * H, -1, dtype=dt)
        scale[2 * H:3 * H] = -2
        xw = (x.reshape(T * N, -1) @ np.multiply(w_ih.T, scale)).reshape(T, N, 4 * H)
        if b_ih is not None:
            xw += (b_ih + b_hh) * scale
        w_hh_s = np.multiply(w_hh, scale[:, None])  # (4H, H), C-contiguous
        numer = np.ones(4 * H, dtype=dt)
        numer[2 * H:3 * H] = 2  # g = 2 / (1 + exp(-2a)) - 1
        out = np.empty((T, N, 2 * H), dtype=xw.dtype)
        acts, tanh_c = xw, np.empty((T, N, H), dtype=xw.dtype)  # gates overwrite xw
        h, c = h0, c0
        hw_t, ig = np.empty((4 * H, N), dtype=xw.dtype), np.empty((N, H), dtype=xw.dtype)
        with np.errstate(over="ignore"):
            for t in range(T):
                a = acts[t]
                a += np.matmul(w_hh_s, h.T, out=hw_t).T
                np.exp(a, out=a)
                a += 1
                np.divide(numer, a, out=a)
                a[:, 2 * H:3 * H] -= 1
                i, f, g, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
                h, c_new = out[t, :, :H], out[t, :, H:]  # h_t and c_t written in place
                np.multiply(f, c, out=c_new)
                c_new += np.multiply(i, g, out=ig)
                c = c_new
                np.tanh(c, out=tanh_c[t])
                np.multiply(o, tanh_c[t], out=h)
        ctx.save_for_backward(x_in, h0, c0, w_ih, w_hh)
        # Intermediates (the composite twin recomputes them under create_graph).
        ctx.acts, ctx.tanh_c, ctx.states = acts, tanh_c, out
        return out[::-1] if reverse else out

    @staticmethod
    def composite(ctx, *inputs):
        return lstm_layer_composite(*inputs, reverse=ctx.kwargs.get("reverse", False))

    @staticmethod
    def backward(ctx, g):
        x, h0, c0, w_ih, w_hh = ctx.saved_tensors
        acts, tanh_c, out = ctx.acts, ctx.tanh_c, ctx.states
        reverse = ctx.kwargs.get("reverse", False)
        if reverse:
            x = x[::-1]
        if reverse:
            g = g[::-1]
        T, N, _ = x.shape
        H = w_hh.shape[1]
        # da[t, :, k] is the gradient of gate k's pre-activation: da = (dc g, dc c_{t-1},
        # dc i, dh tanh c_t) * (i', f', g', o'), the derivatives sigmoid' = s (1 - s) and
        # tanh' = 1 - g^2. The gates' side is computed step by step inside the loop,
        # where step t's (N, 4H) block is in cache: measured ~2 ms per layer faster than
        # whole-sequence passes over (T, N, 4H) before the loop.
        i, f, gg, o = (acts[..., k * H:(k + 1) * H] for k in range(4))
        dt = acts.dtype
        da = np.empty((T, N, 4, H), dt)
        dh, dc, tmp_n = np.zeros((N, H), dt), np.zeros((N, H), dt), np.empty((N, H), dt)
        c_by_dh = np.empty((N, H), dt)  # d c / d h = o (1 - tanh^2 c) at step t
        # dh_{t-1} = da_t W_hh as (W_hh^T da_t^T)^T: in the loop that orientation with a
        # contiguous W_hh^T runs ~1.3x faster (0.23 vs 0.29 ms, measured), copy included.
        w_hh_t, dh_t = np.ascontiguousarray(w_hh.T), np.empty((H, N), dt)
        for t in range(T - 1, -1, -1):
            d, a, g_t, tc = da[t], acts[t], gg[t], tanh_c[t]
            sig = d.reshape(N, 4 * H)
            np.subtract(1, a, out=sig)
            sig *= a  # s (1 - s) for all four (the g block is replaced next)
            np.multiply(g_t, g_t, out=d[:, 2])
            np.subtract(1, d[:, 2], out=d[:, 2])
            d[:, 0] *= g_t
            d[:, 1] *= out[t - 1, :, H:] if t else c0  # c_{t-1}
            d[:, 2] *= i[t]
            d[:, 3] *= tc
            np.multiply(tc, tc, out=c_by_dh)
            np.subtract(1, c_by_dh, out=c_by_dh)
            c_by_dh *= o[t]
            dh += g[t, :, :H]
            dc += g[t, :, H:]
            dc += np.multiply(dh, c_by_dh, out=tmp_n)
            by_dc = da[t, :, :3]
            by_dc *= dc[:, None, :]
            da[t, :, 3] *= dh
            dc *= f[t]
            np.copyto(dh, np.matmul(w_hh_t, da[t].reshape(N, 4 * H).T, out=dh_t).T)
        need = ctx.needs_input_grad
        da2 = da.reshape(T * N, 4 * H)
        dx = (da2 @ w_ih).reshape(x.shape) if need[0] else None
        if dx is not None and reverse:
            dx = dx[::-1]
        dw_ih = dw_hh = None
        if need[3] or need[4]:  # both from one GEMM: da^T [x_t | h_{t-1}] (bigger is faster)
            I = x.shape[2]
            xh = np.empty((T, N, I + H), dtype=dt)
            xh[:, :, :I] = x
            xh[0, :, I:] = h0
            xh[1:, :, I:] = out[:-1, :, :H]
            dw = da2.T @ xh.reshape(T * N, I + H)
            dw_ih, dw_hh = dw[:, :I], dw[:, I:]
        grads = [dx, dh if need[1] else None, dc if need[2] else None, dw_ih, dw_hh]
        if len(need) > 5:
            db = da2.sum(axis=0)
            grads += [db if need[5] else None, db if need[6] else None]
        return tuple(grads)


def lstm_layer_composite(x: Any, h0: Any, c0: Any, w_ih: Any, w_hh: Any, b_ih: Any = None,
                         b_hh: Any = None, reverse: bool = False) -> Any:
    """:class:`LSTMLayer` written with primitives (its twin for double backward)."""
    from ..tensor_functions import cat, stack  # composites live above ops; imported on use
    from ..nn.functional.linear import linear
    from ..nn.functional.rnn import lstm_step

    xw = linear(x, w_ih, b_ih)
    T = x.shape[0]
    outs: list = [None] * T
    h, c = h0, c0
    for t in (range(T - 1, -1, -1) if reverse else range(T)):
        h, c = lstm_step(xw[t], (h, c), w_hh, b_hh)
        outs[t] = cat([h, c], -1)
    return stack(outs, 0)
