# "A Gentle Introduction to torch.autograd" and the autograd tutorial: Q = 3a^3 - b^2 with
# an external gradient, vector-Jacobian products, the Jacobian via torch.autograd.functional,
# grad accumulation and zeroing, requires_grad_ freezing, and the eye(4,5) pow example.
import torch

torch.manual_seed(0)
a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)
Q = 3 * a**3 - b**2
external_grad = torch.tensor([1., 1.])
Q.backward(gradient=external_grad)
print(9 * a**2 == a.grad)
print(-2 * b == b.grad)
print(a.grad, b.grad, str(Q.grad_fn).split(" ")[0])

x = torch.ones(5)
y = torch.zeros(3)
w = torch.randn(5, 3, requires_grad=True)
bb = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w) + bb
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"Gradient function for z = {str(z.grad_fn).split(' ')[0]}")
print(f"Gradient function for loss = {str(loss.grad_fn).split(' ')[0]}")
loss.backward()
print(w.grad)
print(bb.grad)
z = torch.matmul(x, w) + bb
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w) + bb
print(z.requires_grad)
z = torch.matmul(x, w) + bb
z_det = z.detach()
print(z_det.requires_grad)

inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")

x = torch.randn(3, requires_grad=True)
y = x * 2
while y.data.norm() < 1000:
    y = y * 2
print(y)
v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(v)
print(x.grad)
print(x.requires_grad)
print((x ** 2).requires_grad)
with torch.no_grad():
    print((x ** 2).requires_grad)
print(x.requires_grad)
y = x.detach()
print(y.requires_grad)
print(x.eq(y).all())


def exp_reducer(x):
    return x.exp().sum(dim=1)


inputs = torch.rand(2, 2)
print(torch.autograd.functional.jacobian(exp_reducer, inputs))


def pow_reducer(x):
    return x.pow(3).sum()


print(torch.autograd.functional.hessian(pow_reducer, inputs))
print(torch.autograd.functional.vjp(exp_reducer, inputs, torch.ones(2))[1])
print(torch.autograd.functional.jvp(exp_reducer, inputs, torch.ones(2, 2))[1])

# Freezing as the tutorial shows: only the new classifier gets gradients.
model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
for param in model.parameters():
    param.requires_grad = False
model[2] = torch.nn.Linear(8, 2)
opt = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
out = model(torch.randn(5, 4)).sum()
out.backward()
print([p.grad is None for p in model.parameters()])
print(sum(p.numel() for p in model.parameters() if p.requires_grad))
opt.step()
print(model[2].bias)

# grad of a non-scalar via sum, and torch.autograd.grad with allow_unused
x = torch.linspace(-2, 2, 5, requires_grad=True)
y = torch.sigmoid(x)
g, = torch.autograd.grad(y.sum(), x)
print(g)
u = torch.ones(2, requires_grad=True)
g = torch.autograd.grad((x ** 2).sum(), [x, u], allow_unused=True)
print(g[0], g[1])
g = torch.autograd.grad((x ** 2).sum(), [x, u], allow_unused=True, materialize_grads=True)
print(g[1])

# tuple inputs, hvp/vhp, create_graph through a jacobian
def f2(x, y):
    return (x * y.sin()).sum(), x.pow(2) + y


xs, ys = torch.randn(3), torch.randn(3)
J = torch.autograd.functional.jacobian(f2, (xs, ys))
print(len(J), len(J[0]), J[0][0], J[1][1])
H = torch.autograd.functional.hessian(lambda x, y: (x * y.sin()).sum() + (x ** 3).sum(), (xs, ys))
print(H[0][0], H[0][1], H[1][1])
print(torch.autograd.functional.hvp(pow_reducer, inputs, torch.ones(2, 2))[1])
print(torch.autograd.functional.vhp(pow_reducer, inputs, torch.ones(2, 2))[1])
xg = torch.tensor([1.0, 2.0], requires_grad=True)
Jg = torch.autograd.functional.jacobian(lambda t: t ** 3, xg, create_graph=True)
Jg.trace().backward()
print(Jg.requires_grad, xg.grad)
