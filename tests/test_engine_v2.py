"""Engine v2 against torch: thread-local modes, hook and .grad checks, saved arrays."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import tensorgraph as tg
from tensorgraph.autograd import Function


# ---------------------------------------------------------------- thread-local modes
def _train(seed: int, steps: int, out: dict, barrier: threading.Barrier | None) -> None:
    rng = np.random.default_rng(seed)
    w = tg.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    x = tg.tensor(rng.standard_normal((8, 4)))
    losses = []
    for step in range(steps):
        if barrier is not None and step == 1:
            barrier.wait()  # both threads are mid-training here
        if seed % 2:  # one thread keeps switching no_grad on and off
            with tg.no_grad():
                (x @ w).sum()
        loss = ((x @ w).tanh() ** 2).mean()
        loss.backward()
        with tg.no_grad():
            w -= 0.1 * w.grad
        w.grad = None
        losses.append(loss.item())
    out[seed] = (losses, w.detach().numpy().copy())


def test_two_threads_train_as_if_one_after_another() -> None:
    sequential: dict = {}
    for seed in (1, 2):
        _train(seed, 30, sequential, None)
    concurrent: dict = {}
    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=_train, args=(s, 30, concurrent, barrier))
               for s in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for seed in (1, 2):
        assert concurrent[seed][0] == sequential[seed][0]
        np.testing.assert_array_equal(concurrent[seed][1], sequential[seed][1])


def test_no_grad_in_one_thread_leaves_other_threads_recording() -> None:
    inside, seen = threading.Event(), {}

    def other() -> None:
        inside.wait()
        x = tg.ones(2, requires_grad=True)
        seen["requires_grad"] = (x * 2).requires_grad
        seen["enabled"] = tg.is_grad_enabled()
        with tg.autograd.detect_anomaly():
            seen["anomaly"] = tg.autograd.is_anomaly_enabled()

    t = threading.Thread(target=other)
    t.start()
    with tg.no_grad():
        inside.set()
        t.join()
        assert not tg.is_grad_enabled()
    assert seen == {"requires_grad": True, "enabled": True, "anomaly": True}
    assert not tg.autograd.is_anomaly_enabled()


# ---------------------------------------------------------------- hooks and .grad
@pytest.mark.parametrize("leaf", [True, False])
def test_a_hook_changing_shape_dtype_or_type_raises_as_torch(torch, leaf) -> None:
    def bad_shape(g):
        return g.sum()

    def bad_dtype(g):
        return g.double()

    def bad_type(g):
        return 3.0

    cases = [(bad_shape, RuntimeError, "hook 'bad_shape' has changed the size of value"),
             (bad_dtype, RuntimeError, "hook 'bad_dtype' has changed the type of value"),
             (bad_type, TypeError, "hook 'bad_type'.*returned 'float'")]
    for hook, exc, pattern in cases:
        for lib in (tg, torch):
            x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
            t = x if leaf else x * 2
            t.register_hook(hook)
            with pytest.raises(exc) as info:
                (t * 1).sum().backward()
            if lib is tg:
                import re

                msg = str(info.value)
                assert re.search(pattern, msg), msg
                if hook is bad_shape:
                    assert "(3,)" in msg and "()" in msg
                if hook is bad_dtype:
                    assert "float32" in msg and "float64" in msg


def test_grad_assignment_is_checked_as_torch(torch) -> None:
    for lib in (tg, torch):
        x = lib.zeros(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="assign a gradient of size '\\[2\\]' to a "
                                               "tensor of size '\\[3\\]'"):
            x.grad = lib.zeros(2)
        with pytest.raises(RuntimeError, match="assign a gradient with dtype"):
            x.grad = lib.zeros(3, dtype=lib.float64)
        with pytest.raises(TypeError, match="expected to be a Tensor or None but got grad of "
                                            "type float"):
            x.grad = 3.0
        x.grad = lib.ones(3)
        x.grad = None
        assert x.grad is None


# ---------------------------------------------------------------- what forward saves
class Cube(Function):
    """y = x**3;  dx = 3 g x**2   (wrongly saving x*x, a float that is not an input)"""

    array_io = True  # written on arrays, as tensorgraph's own ops are

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x * x)
        return x * x * x

    @staticmethod
    def backward(ctx, g):
        (x2,) = ctx.saved_tensors
        return 3 * g * x2


class GoodCube(Function):
    """y = x**3;  dx = 3 g x**2"""

    array_io = True  # written on arrays, as tensorgraph's own ops are

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 3 * g * x * x


def test_saving_a_float_that_is_neither_input_nor_output_raises_at_apply() -> None:
    x = tg.tensor([2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="Cube.forward: save_for_backward got a float "
                                           "array of shape \\(1,\\) that is neither an input "
                                           "nor the output"):
        Cube.apply(x)
    (dx,) = tg.autograd.grad(GoodCube.apply(x), x, create_graph=True)
    (ddx,) = tg.autograd.grad(dx, x)
    assert dx.tolist() == [12.0] and ddx.tolist() == [12.0]


def test_saved_output_under_create_graph_is_the_nodes_own_output(torch) -> None:
    """Second derivatives through ops that save their output (exp, tanh, sigmoid,
    log_softmax) use the recorded output, without re-running forward."""
    values = np.array([0.3, -1.2, 2.0])
    for name, f in [("exp", lambda t: t.exp()), ("tanh", lambda t: t.tanh()),
                    ("sigmoid", lambda t: t.sigmoid()),
                    ("log_softmax", lambda t: t.log_softmax(0))]:
        res = []
        for lib in (tg, torch):
            x = lib.tensor(values, requires_grad=True)
            y = (f(x) * lib.tensor([1.0, 2.0, 3.0], dtype=x.dtype)).sum()
            (g,) = lib.autograd.grad(y, x, create_graph=True)
            (h,) = lib.autograd.grad((g * g).sum(), x)
            res.append(h.detach().numpy())
        np.testing.assert_allclose(res[0], res[1], rtol=1e-12, err_msg=name)


# ---------------------------------------------------------------- empty tensors, x / 0
EMPTY_OK = {
    "mean": lambda e: e.mean(), "mean0": lambda e: e.mean(0), "sum0": lambda e: e.sum(0),
    "max1": lambda e: e.max(1).values, "max1_idx": lambda e: e.max(1).indices,
    "min1": lambda e: e.min(1).values, "amax1": lambda e: e.amax(1),
    "argmax1": lambda e: e.argmax(1), "softmax1": lambda e: e.softmax(1),
    "softmax0": lambda e: e.softmax(0), "log_softmax0": lambda e: e.log_softmax(0),
    "var0": lambda e: e.var(0), "std": lambda e: e.std(),
}
EMPTY_RAISES = {
    "max0": (lambda e: e.max(0), IndexError), "max": (lambda e: e.max(), RuntimeError),
    "amax0": (lambda e: e.amax(0), IndexError), "argmax0": (lambda e: e.argmax(0), IndexError),
    "min0": (lambda e: e.min(0), IndexError),
}


@pytest.mark.parametrize("name", sorted(EMPTY_OK))
def test_reductions_of_an_empty_tensor_match_torch(torch, name) -> None:
    ours = EMPTY_OK[name](tg.zeros(0, 3))
    theirs = EMPTY_OK[name](torch.zeros(0, 3))
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("name", sorted(EMPTY_RAISES))
def test_reducing_over_an_empty_dim_raises_as_torch(torch, name) -> None:
    fn, exc = EMPTY_RAISES[name]
    with pytest.raises(exc) as theirs:
        fn(torch.zeros(0, 3))
    with pytest.raises(exc) as ours:
        fn(tg.zeros(0, 3))
    assert str(theirs.value).split(".")[0] in str(ours.value)


def test_division_by_zero_gives_inf_and_nan_silently(torch) -> None:
    cases = [lambda L: L.tensor([1.0, -1.0, 0.0]) / 0, lambda L: L.tensor(0.0) ** -1,
             lambda L: L.tensor([1, 0]) / 0, lambda L: 1 / L.tensor([0.0, -0.0]),
             lambda L: L.tensor([-1.0, 0.0]).log(), lambda L: L.tensor([-1.0]).sqrt(),
             lambda L: L.tensor([2.0]) / L.tensor([0.0]), lambda L: L.tensor([1e30]) * 1e30,
             lambda L: L.tensor([100.0]).exp()]
    for case in cases:
        np.testing.assert_array_equal(case(tg).numpy(), case(torch).numpy())


def test_no_numpy_warning_spam_in_a_users_script(tmp_path) -> None:
    """Run as a user would (default warning filters): x / 0, log(0), empty means and
    softmax over an empty dim print nothing; the user's own numpy code still warns."""
    script = tmp_path / "spam.py"
    script.write_text(
        "import numpy as np\nimport tensorgraph as tg\n"
        "x = tg.tensor([1.0, 0.0], requires_grad=True)\n"
        "y = (x / 0).sum() + x.log().sum() + (1 / x).sum() + (x ** -1).sum()\n"
        "y.backward()\n"
        "e = tg.zeros(0, 3)\n"
        "e.mean(); e.mean(0); e.softmax(0); e.log_softmax(0); e.var(0)\n"
        "print('done')\n"
        "np.ones(1) / 0\n")
    root = Path(__file__).resolve().parents[1]
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(root)}, timeout=120)
    assert run.stdout == "done\n", run.stderr
    lines = [ln for ln in run.stderr.splitlines() if "Warning" in ln]
    assert len(lines) == 1 and "spam.py" in lines[0], run.stderr
