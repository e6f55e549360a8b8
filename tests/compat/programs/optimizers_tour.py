# Every optimizer on the same small regression (float64, weights from numpy), as a
# "which optimizer?" notebook would compare them; LBFGS with a closure and line search.
# compat: rtol=1e-9 atol=1e-12
import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(0)
X = torch.from_numpy(rng.standard_normal((64, 4)))
y = torch.from_numpy(np.sin(X.numpy().sum(1, keepdims=True)))
init = [rng.standard_normal(s) * 0.5 for s in [(16, 4), (16,), (1, 16), (1,)]]


def make_model():
    model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1)).double()
    with torch.no_grad():
        for p, a in zip(model.parameters(), init):
            p.copy_(torch.from_numpy(a))
    return model


configs = [
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01)),
    ("Adadelta", dict(lr=1.0)),
    ("Adamax", dict(lr=0.02)),
    ("NAdam", dict(lr=0.01)),
    ("RAdam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, maximize=False, foreach=False)),
]
loss_fn = nn.MSELoss()
for name, kwargs in configs:
    model = make_model()
    opt = getattr(torch.optim, name)(model.parameters(), **kwargs)
    for step in range(25):
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()
    print(f"{name:8s} {loss.item():.10f}")

model = make_model()
opt = torch.optim.LBFGS(model.parameters(), lr=1, line_search_fn="strong_wolfe")


def closure():
    opt.zero_grad()
    loss = loss_fn(model(X), y)
    loss.backward()
    return loss


for i in range(3):
    print("LBFGS", opt.step(closure).item())
print("LBFGS state", opt.state[next(model.parameters())]["n_iter"])
