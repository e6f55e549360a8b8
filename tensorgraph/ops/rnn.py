"""One LSTM layer over a whole sequence as a single fused primitive.

Written with primitives (``nn.functional.rnn.lstm_step`` in a loop) an LSTM records
about 15 nodes per time step, each with its own small temporaries and Python overhead;
for the benchmark LSTM (2 layers, width 256, 64 steps, batch 32) that is ~2000 nodes
per forward. :class:`LSTMLayer` runs the time loop in numpy: the input projection of
all steps is one (batched) GEMM, each step is one GEMM plus elementwise work on the
step's four (N, H) gate blocks, and the backward (backpropagation through time) is the
mirror loop with the weight and bias gradients as one GEMM at the end: measured ~4x
faster than the composite on that benchmark. Under ``backward(create_graph=True)`` the gradient goes through
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
        # one call on all four beats four). The factors -1 and -2 are folded into
        # copies of the weights' rows and the bias (exact: powers of two), so the GEMMs
        # give the scaled pre-activations. exp overflows to inf for a < -88 (float32):
        # 1 / (1 + inf) = 0 is the limit.
        # Gate-major layout: acts is (4, T, N, H), so each gate of a step is one
        # contiguous (N, H) block (elementwise ops on a gate's strided slice of an
        # (N, 4H) row block cost ~2x more), and the per-step GEMM is one batched
        # h (W_hh^T per gate) straight into that layout; measured ~3.5 ms per layer
        # faster than the (T, N, 4H) layout on the benchmark LSTM.
        dt = np.result_type(x, w_ih)
        scale = np.full((4, 1, 1), -1, dtype=dt)
        scale[2] = -2
        w_ih_s = np.multiply(w_ih.reshape(4, H, -1), scale).transpose(0, 2, 1)  # (4, I, H)
        acts = np.matmul(x.reshape(T * N, -1), w_ih_s).reshape(4, T, N, H)
        if b_ih is not None:
            acts += ((b_ih + b_hh).reshape(4, 1, H) * scale).reshape(4, 1, 1, H)
        w_hh_s = np.ascontiguousarray(np.multiply(w_hh.reshape(4, H, H), scale).transpose(0, 2, 1))
        numer = np.ones((4, 1, 1), dtype=dt)
        numer[2] = 2  # g = 2 / (1 + exp(-2a)) - 1
        out = np.empty((T, N, 2 * H), dtype=acts.dtype)
        tanh_c = np.empty((T, N, H), dtype=acts.dtype)
        h, c = h0, c0
        hw, ig = np.empty((4, N, H), dtype=acts.dtype), np.empty((N, H), dtype=acts.dtype)
        h0_nonzero = bool(np.any(h0))
        with np.errstate(over="ignore"):
            for t in range(T):
                a = acts[:, t]  # (4, N, H): the gates overwrite their pre-activations
                if t or h0_nonzero:  # h_0 = 0 (nn.LSTM's default state): nothing to add
                    a += np.matmul(h, w_hh_s, out=hw)
                np.exp(a, out=a)
                a += 1
                np.divide(numer, a, out=a)
                a[2] -= 1
                i, f, g, o = a
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
        i, f, gg, o = acts  # (T, N, H) each: the forward keeps the gates gate-major
        dt = acts.dtype
        da = np.empty((T, N, 4, H), dt)
        dh, dc, tmp_n = np.zeros((N, H), dt), np.zeros((N, H), dt), np.empty((N, H), dt)
        c_by_dh = np.empty((N, H), dt)  # d c / d h = o (1 - tanh^2 c) at step t
        side = np.empty((4, N, H), dt)
        # dh_{t-1} = da_t W_hh as (W_hh^T da_t^T)^T: in the loop that orientation with a
        # contiguous W_hh^T runs ~1.3x faster (0.23 vs 0.29 ms, measured), copy included.
        w_hh_t, dh_t = np.ascontiguousarray(w_hh.T), np.empty((H, N), dt)
        need = ctx.needs_input_grad
        for t in range(T - 1, -1, -1):
            a, g_t, tc = acts[:, t], gg[t], tanh_c[t]
            np.subtract(1, a, out=side)  # the gates' side, gate-major (contiguous blocks)
            side *= a  # s (1 - s) for all four (the g block is replaced next)
            np.multiply(g_t, g_t, out=side[2])
            np.subtract(1, side[2], out=side[2])
            side[0] *= g_t
            side[1] *= out[t - 1, :, H:] if t else c0  # c_{t-1}
            side[2] *= i[t]
            side[3] *= tc
            np.multiply(tc, tc, out=c_by_dh)
            np.subtract(1, c_by_dh, out=c_by_dh)
            c_by_dh *= o[t]
            dh += g[t, :, :H]
            dc += g[t, :, H:]
            dc += np.multiply(dh, c_by_dh, out=tmp_n)
            np.multiply(side[:3].transpose(1, 0, 2), dc[:, None, :], out=da[t, :, :3])
            np.multiply(side[3], dh, out=da[t, :, 3])
            if t or need[2]:
                dc *= f[t]
            if t or need[1]:  # (dh_0 only when h0 needs it)
                np.copyto(dh, np.matmul(w_hh_t, da[t].reshape(N, 4 * H).T, out=dh_t).T)
        da2 = da.reshape(T * N, 4 * H)
        dx = (da2 @ w_ih).reshape(x.shape) if need[0] else None
        if dx is not None and reverse:
            dx = dx[::-1]
        dw_ih = dw_hh = db = None
        need_b = len(need) > 5 and (need[5] or need[6])
        if need[3] or need[4]:
            # dW_ih, dW_hh (and db) from one GEMM: da^T [x_t | h_{t-1} | 1] (bigger is
            # faster; the ones column makes db the GEMM's last column).
            I = x.shape[2]
            xh = np.empty((T, N, I + H + need_b), dtype=dt)
            xh[:, :, :I] = x
            xh[0, :, I:I + H] = h0
            xh[1:, :, I:I + H] = out[:-1, :, :H]
            if need_b:
                xh[:, :, -1] = 1
            dw = da2.T @ xh.reshape(T * N, -1)
            dw_ih, dw_hh = dw[:, :I], dw[:, I:I + H]
            if need_b:
                db = dw[:, -1]
        elif need_b:
            db = da2.sum(axis=0)
        grads = [dx, dh if need[1] else None, dc if need[2] else None, dw_ih, dw_hh]
        if len(need) > 5:
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
