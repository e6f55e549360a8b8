# micrograd's tests and demo, the torch side: scalar expressions in float64 with
# requires_grad, .backward(), .data.item() / .grad.item(), then the moons-style demo
# MLP trained with the SVM max-margin loss and L2 regularisation, accuracy by sign.
import math
import random
import torch

x = torch.Tensor([-4.0]).double()
x.requires_grad = True
z = 2 * x + 2 + x
q = z.relu() + z * x
h = (z * z).relu()
y = h + q + q * x
y.backward()
xpt, ypt = x, y
print(ypt.data.item(), xpt.grad.item())

a = torch.Tensor([-4.0]).double()
b = torch.Tensor([2.0]).double()
a.requires_grad = True
b.requires_grad = True
c = a + b
d = a * b + b**3
c = c + c + 1
c = c + 1 + c + (-a)
d = d + d * 2 + (b + a).relu()
d = d + 3 * d + (b - a).relu()
e = c - d
f = e**2
g = f / 2.0
g = g + 10.0 / f
g.backward()
print(f"{g.data.item():.4f} {a.grad.item():.4f} {b.grad.item():.4f}")
print(abs(g.data.item() - 24.70408163265306) < 1e-6, a.grad.item(), b.grad.item())

# A tiny make_moons, deterministic
random.seed(1337)
torch.manual_seed(1337)
n = 60
t = torch.linspace(0, math.pi, n // 2)
outer = torch.stack([torch.cos(t), torch.sin(t)], 1)
inner = torch.stack([1 - torch.cos(t), 1 - torch.sin(t) - 0.5], 1)
X = torch.cat([outer, inner]) + 0.1 * torch.randn(n, 2)
y = torch.cat([torch.ones(n // 2), -torch.ones(n // 2)])
print(X.shape, y[:3], y[-3:], X.mean(0))


class MLP(torch.nn.Module):
    def __init__(self, nin, nouts):
        super().__init__()
        sz = [nin] + nouts
        self.layers = torch.nn.ModuleList(
            [torch.nn.Linear(sz[i], sz[i + 1]) for i in range(len(nouts))])

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i != len(self.layers) - 1:
                x = x.relu()
        return x


model = MLP(2, [16, 16, 1])
print(model)
print("number of parameters", sum(p.numel() for p in model.parameters()))


def loss(batch_size=None):
    if batch_size is None:
        Xb, yb = X, y
    else:
        ri = torch.randperm(X.shape[0])[:batch_size]
        Xb, yb = X[ri], y[ri]
    scores = model(Xb).squeeze(1)
    losses = (1 + -yb * scores).relu()
    data_loss = losses.sum() * (1.0 / losses.numel())
    alpha = 1e-4
    reg_loss = alpha * sum((p * p).sum() for p in model.parameters())
    total_loss = data_loss + reg_loss
    accuracy = ((yb > 0) == (scores > 0)).float().mean()
    return total_loss, accuracy


total_loss, acc = loss()
print(total_loss, acc)
for k in range(30):
    total_loss, acc = loss()
    model.zero_grad()
    total_loss.backward()
    learning_rate = 1.0 - 0.9 * k / 100
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    if k % 5 == 0:
        print(f"step {k} loss {total_loss.data}, accuracy {acc * 100}%")
h = 0.25
xx, yy = torch.meshgrid(torch.arange(-2, 3, h), torch.arange(-1.5, 2, h), indexing="ij")
Xmesh = torch.stack([xx.ravel(), yy.ravel()], 1)
with torch.no_grad():
    Z = (model(Xmesh).squeeze(1) > 0).reshape(xx.shape)
print(xx.shape, Z.sum().item(), Z.dtype, Z[0, :6])
