# compat: rtol=1e-6 atol=1e-8
# Custom autograd Functions as the PyTorch tutorials write them: MyReLU (Tensor methods in
# forward, clone and masked assignment in backward), a constant argument, torch 2's
# setup_context with needs_input_grad, two outputs, double backward, and a walk over
# grad_fn.next_functions as the 60-minute blitz does.
import torch


class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


class MulConstant(torch.autograd.Function):
    @staticmethod
    def forward(ctx, tensor, constant):
        ctx.constant = constant
        return tensor * constant

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.constant, None


class LinearFunction(torch.autograd.Function):
    @staticmethod
    def forward(input, weight, bias):
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    def setup_context(ctx, inputs, output):
        input, weight, bias = inputs
        ctx.save_for_backward(input, weight, bias)

    @staticmethod
    def backward(ctx, grad_output):
        input, weight, bias = ctx.saved_tensors
        grad_input = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            grad_input = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t().mm(input)
        if bias is not None and ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)
        return grad_input, grad_weight, grad_bias


class SinCos(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.sin(), x.cos()

    @staticmethod
    def backward(ctx, g_sin, g_cos):
        x, = ctx.saved_tensors
        return g_sin * x.cos() - g_cos * x.sin()


torch.manual_seed(0)
x = torch.randn(5, 3)
w1 = torch.randn(3, 8, requires_grad=True)
w2 = torch.randn(8, 1, requires_grad=True)
y = torch.randn(5, 1)
for step in range(5):
    h = MyReLU.apply(x.mm(w1))
    pred = MulConstant.apply(h.mm(w2), 0.5)
    loss = (pred - y).pow(2).sum()
    print(step, round(loss.item(), 6))
    loss.backward()
    with torch.no_grad():
        w1 -= 1e-2 * w1.grad
        w2 -= 1e-2 * w2.grad
        w1.grad = None
        w2.grad = None

a = torch.randn(4, 3, dtype=torch.double, requires_grad=True)
w = torch.randn(2, 3, dtype=torch.double, requires_grad=True)
b = torch.randn(2, dtype=torch.double, requires_grad=True)
out = LinearFunction.apply(a, w, b)
out.pow(2).sum().backward()
print("linear", out.sum().item(), a.grad.sum().item(), w.grad.sum().item(), b.grad.sum().item())
print("gradcheck", torch.autograd.gradcheck(LinearFunction.apply, (a, w, b)))

t = torch.linspace(0, 1, 4, requires_grad=True)
s, c = SinCos.apply(t)
(s.sum() + 2 * c.sum()).backward()
print("sincos", [round(v, 6) for v in t.grad.tolist()])

z = torch.tensor([1.5], requires_grad=True)
(g,) = torch.autograd.grad(MulConstant.apply(z, 3.0) ** 2, z, create_graph=True)
(gg,) = torch.autograd.grad(g, z)
print("double", g.item(), gg.item())

loss = (MyReLU.apply(x.mm(w1)).mm(w2) - y).pow(2).mean()
fn, names = loss.grad_fn, []
while fn is not None:
    names.append(type(fn).__name__)
    fn = next((f for f, _ in fn.next_functions if f is not None), None)
print("walk ends in", names[-1])
