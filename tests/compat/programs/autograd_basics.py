# The autograd tutorial: requires_grad, backward with a gradient argument, retain_grad,
# hooks, torch.autograd.grad with create_graph (second derivatives), no_grad/detach,
# inference_mode, and a custom torch.autograd.Function.
# compat: rtol=1e-10 atol=1e-12
import torch

x = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64, requires_grad=True)
y = x ** 3 + 2 * x
z = y.sum()
z.backward()
print("dz/dx", x.grad.tolist())

x.grad = None
y = x * 2
y.retain_grad()
out = (y ** 2).mean()
out.backward()
print("y.grad", y.grad.tolist(), "x.grad", x.grad.tolist())

v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float64)
x.grad = None
y = x * 3
y.backward(v)
print("vjp", x.grad.tolist())

seen = []
h = x.register_hook(lambda g: seen.append(g.sum().item()))
x.grad = None
(x.exp()).sum().backward()
h.remove()
print("hook", seen, x.grad.tolist())

(g,) = torch.autograd.grad((x.sin() * x).sum(), x, create_graph=True)
(gg,) = torch.autograd.grad(g.sum(), x)
print("first", g.tolist())
print("second", gg.tolist())

with torch.no_grad():
    w = x * 2
print("no_grad requires_grad", w.requires_grad, x.detach().requires_grad)
with torch.inference_mode():
    w = x * 2
print("inference requires_grad", w.requires_grad)


class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, inp):
        ctx.save_for_backward(inp)
        return inp * inp

    @staticmethod
    def backward(ctx, grad_output):
        (inp,) = ctx.saved_tensors
        return 2 * inp * grad_output


x.grad = None
Square.apply(x).sum().backward()
print("custom", x.grad.tolist())
print("is_leaf", x.is_leaf, y.is_leaf, y.grad_fn is not None)
