"""Custom Functions written the PyTorch way (``torch.autograd.Function`` in user code):
forward/backward receive Tensors, non-Tensor arguments, several outputs, torch 2's
setup_context, needs_input_grad, double backward, once_differentiable, and torch's errors.
Each case runs the same class body with torch and with tensorgraph and compares."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgraph as tg


def relu_fn(lib):
    class MyReLU(lib.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            ctx.save_for_backward(i)
            return i.clamp(min=0)

        @staticmethod
        def backward(ctx, g):
            (i,) = ctx.saved_tensors
            g = g.clone()
            g[i < 0] = 0
            return g

    return MyReLU


def mul_constant_fn(lib):
    class MulConstant(lib.autograd.Function):
        @staticmethod
        def forward(ctx, t, c):
            ctx.c = c
            return t * c

        @staticmethod
        def backward(ctx, g):
            return g * ctx.c, None

    return MulConstant


def linear_fn(lib):
    class LinearFunction(lib.autograd.Function):
        @staticmethod
        def forward(input, weight, bias):
            output = input.mm(weight.t())
            if bias is not None:
                output += bias.unsqueeze(0).expand_as(output)
            return output

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(*inputs)

        @staticmethod
        def backward(ctx, grad_output):
            input, weight, bias = ctx.saved_tensors
            gi = gw = gb = None
            if ctx.needs_input_grad[0]:
                gi = grad_output.mm(weight)
            if ctx.needs_input_grad[1]:
                gw = grad_output.t().mm(input)
            if bias is not None and ctx.needs_input_grad[2]:
                gb = grad_output.sum(0)
            return gi, gw, gb

    return LinearFunction


def two_outputs_fn(lib):
    class TwoOut(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2, x.exp()

        @staticmethod
        def backward(ctx, g1, g2):
            (x,) = ctx.saved_tensors
            return g1 * 2 + g2 * x.exp()

    return TwoOut


def cube_fn(lib):
    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * g * x ** 2

    return Cube


def both(torch, build, *arrays, requires=None):
    """Run ``build(lib)`` on the same float64 arrays in both libraries."""
    out = []
    for lib in (torch, tg):
        ts = [lib.tensor(a, dtype=lib.float64, requires_grad=True) if a is not None else None
              for a in arrays]
        out.append((lib, build(lib), ts))
    return out


def test_tutorial_relu_gets_tensors_and_matches_torch(torch):
    x = np.array([-1.0, 2.0, -0.5, 3.0])
    for lib, fn, (t,) in both(torch, relu_fn, x):
        y = fn.apply(t)
        (y * lib.tensor([1.0, 2.0, 3.0, 4.0], dtype=lib.float64)).sum().backward()
        if lib is torch:
            ref = (y.detach().numpy(), t.grad.numpy(), repr(y).split("grad_fn")[1])
        else:
            np.testing.assert_allclose(y.detach().numpy(), ref[0])
            np.testing.assert_allclose(t.grad.numpy(), ref[1])
            assert repr(y).split("grad_fn")[1] == ref[2] == "=<MyReLUBackward>)"


def test_non_tensor_argument_and_none_gradient(torch):
    x = np.array([1.0, -2.0])
    grads = []
    for lib, fn, (t,) in both(torch, mul_constant_fn, x):
        fn.apply(t, 3.0).sum().backward()
        grads.append(t.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0])


def test_setup_context_style_needs_input_grad_and_optional_bias(torch):
    rng = np.random.default_rng(0)
    a, w, b = rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)
    res = []
    for lib, fn, (ta, tw, tb) in both(torch, linear_fn, a, w, b):
        out = fn.apply(ta, tw, tb)
        out.pow(2).sum().backward()
        no_bias = fn.apply(ta.detach(), tw, None)  # input needs no grad
        no_bias.sum().backward()
        res.append([out.detach().numpy(), ta.grad.numpy(), tw.grad.numpy(), tb.grad.numpy()])
    for got, want in zip(res[1], res[0]):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_several_outputs_each_get_their_gradient(torch):
    x = np.array([0.5, -1.0, 2.0])
    res = []
    for lib, fn, (t,) in both(torch, two_outputs_fn, x):
        p, q = fn.apply(t)
        (p.sum() + 3 * q.sum()).backward()
        only_p = fn.apply(t)[0]  # the other output's gradient arrives as zeros
        t.grad = None
        only_p.sum().backward()
        res.append((p.detach().numpy(), q.detach().numpy(), t.grad.numpy()))
    for got, want in zip(res[1], res[0]):
        np.testing.assert_allclose(got, want)


def test_double_backward_through_a_custom_backward(torch):
    x = np.array([2.0, -1.5])
    res = []
    for lib, fn, (t,) in both(torch, cube_fn, x):
        (g,) = lib.autograd.grad(fn.apply(t).sum(), t, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), t)
        res.append((g.detach().numpy(), gg.numpy()))
    np.testing.assert_allclose(res[1][0], res[0][0])
    np.testing.assert_allclose(res[1][1], res[0][1])  # 6x
    x64 = tg.tensor(x, dtype=tg.float64, requires_grad=True)
    assert tg.autograd.gradcheck(cube_fn(tg).apply, (x64,))
    assert tg.autograd.gradgradcheck(cube_fn(tg).apply, (x64,))


def test_once_differentiable_refuses_a_second_derivative():
    from tensorgraph.autograd.function import once_differentiable

    class Sq(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    x = tg.tensor([3.0], requires_grad=True)
    Sq.apply(x).backward()
    assert x.grad.tolist() == [6.0]
    (g,) = tg.autograd.grad(Sq.apply(x).sum(), x, create_graph=True)
    with pytest.raises(RuntimeError, match="differentiate twice"):
        g.sum().backward()


def test_wrong_number_of_gradients_and_bad_shapes_raise_torch_errors(torch):
    def build(lib, result):
        class Bad(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, y):
                return x * y

            @staticmethod
            def backward(ctx, g):
                return result(lib, g)

        return Bad

    cases = [(lambda lib, g: g, "incorrect number of gradients"),
             (lambda lib, g: (g, g, g), "incorrect number of gradients"),
             (lambda lib, g: (lib.ones(5), g), "invalid gradient at index 0")]
    for result, msg in cases:
        for lib in (torch, tg):
            x = lib.ones(3, requires_grad=True)
            with pytest.raises(RuntimeError, match=msg):
                build(lib, result).apply(x, lib.ones(3)).sum().backward()


def test_second_backward_without_retain_graph_raises():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = cube_fn(tg).apply(x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


def test_next_functions_are_torch_pairs_ending_in_accumulate_grad(torch):
    for lib in (torch, tg):
        w = lib.ones(2, requires_grad=True)
        y = w * 2 + lib.ones(2)
        mul, c = y.grad_fn.next_functions
        assert c == (None, 0) and mul[1] == 0
        (acc, idx), const = mul[0].next_functions
        assert type(acc).__name__ == "AccumulateGrad" and acc.variable is w and idx == 0
        assert const == (None, 0)


def test_grad_accepts_only_inputs_and_materialize_grads(torch):
    for lib in (torch, tg):
        x, z = lib.ones(2, requires_grad=True), lib.ones(2, requires_grad=True)
        gx, gz = lib.autograd.grad((x * 3).sum(), [x, z], only_inputs=True,
                                   materialize_grads=True)
        assert gx.tolist() == [3.0, 3.0] and gz.tolist() == [0.0, 0.0]


def test_variable_is_a_leaf_sharing_memory():
    t = tg.ones(3)
    v = tg.autograd.Variable(t, requires_grad=True)
    assert v.requires_grad and v.is_leaf
    v.data[0] = 5.0
    assert t[0].item() == 5.0
