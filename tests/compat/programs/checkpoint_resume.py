# Save and resume training: model + optimizer + scheduler state_dicts to a file and to
# an io.BytesIO, the resumed run continuing exactly like the uninterrupted one.
# compat: rtol=1e-6 atol=1e-8
import io
import os
import tempfile

import torch
import torch.nn as nn
from numpy_init import numpy_init, numpy_tensor

X, Y = numpy_tensor((32, 5), seed=1), numpy_tensor((32, 1), seed=2)


def setup():
    model = numpy_init(nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 1)), seed=5)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    return model, opt, sched


def train(model, opt, sched, steps):
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(X), Y)
        loss.backward()
        opt.step()
        sched.step()
        losses.append(round(loss.item(), 7))
    return losses


model, opt, sched = setup()
print("first", train(model, opt, sched, 5))
checkpoint = {"model": model.state_dict(), "optimizer": opt.state_dict(),
              "scheduler": sched.state_dict(), "epoch": 5}
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "ckpt.pt")
    torch.save(checkpoint, path)
    loaded = torch.load(path)
buffer = io.BytesIO()
torch.save(model.state_dict(), buffer)
buffer.seek(0)
weights_only = torch.load(buffer)
print("keys", sorted(loaded), sorted(weights_only))
print("continued", train(model, opt, sched, 5))
model2, opt2, sched2 = setup()
model2.load_state_dict(loaded["model"])
opt2.load_state_dict(loaded["optimizer"])
sched2.load_state_dict(loaded["scheduler"])
print("resumed", train(model2, opt2, sched2, 5), "from epoch", loaded["epoch"])
print("lr", sched2.get_last_lr())
