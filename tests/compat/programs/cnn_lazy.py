# A module-heavy CNN: nn.Sequential with named children, LazyLinear (shape inferred at
# the first call), BatchNorm2d, ModuleDict heads, AdamW + CosineAnnealingLR, train/eval,
# parameter counting, and state_dict round trips. Weights copied from numpy after the
# lazy layer materialises.
# compat: rtol=2e-4 atol=1e-5
# conv1 has no bias, as real code writes a conv before BatchNorm: BatchNorm cancels the
# bias, so its exact gradient is 0 and each library computes float noise (~1e-9) that
# AdamW's m / (sqrt(v) + eps) turns into lr-sized steps in random directions, moving
# running_mean by 1e-3 differently under torch and tensorgraph.
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from numpy_init import numpy_init, numpy_tensor


class Backbone(nn.Module):
    def __init__(self, channels=(4, 8)):
        super().__init__()
        c1, c2 = channels
        self.features = nn.Sequential(OrderedDict([
            ("conv1", nn.Conv2d(1, c1, kernel_size=3, padding=1, bias=False)),
            ("bn1", nn.BatchNorm2d(c1)),
            ("relu1", nn.ReLU()),
            ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(c1, c2, kernel_size=3)),
            ("act2", nn.GELU()),
            ("pool2", nn.AvgPool2d(2)),
        ]))
        self.flatten = nn.Flatten()
        self.proj = nn.LazyLinear(16)

    def forward(self, x):
        return F.relu(self.proj(self.flatten(self.features(x))))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = Backbone()
        self.heads = nn.ModuleDict({"digit": nn.Linear(16, 10), "parity": nn.Linear(16, 2)})
        self.dropout = nn.Dropout(p=0.0)

    def forward(self, x):
        z = self.dropout(self.backbone(x))
        return {name: head(z) for name, head in self.heads.items()}


model = Net()
x = numpy_tensor((16, 1, 12, 12), seed=1)
digits = torch.from_numpy(np.random.default_rng(2).integers(0, 10, 16))
model.eval()  # the dry run must not touch BatchNorm's running stats
with torch.no_grad():
    model(x[:2])  # materialise LazyLinear
model.train()
print(type(model.backbone.proj).__name__, tuple(model.backbone.proj.weight.shape))
numpy_init(model, seed=3)
print("parameters", sum(p.numel() for p in model.parameters()))
print([name for name, _ in model.named_children()])
print(len(list(model.modules())), len(model.state_dict()))

opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.05)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=8)
for step in range(8):
    model.train()
    out = model(x)
    loss = F.cross_entropy(out["digit"], digits) + 0.5 * F.cross_entropy(out["parity"], digits % 2)
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    print(f"step {step} loss {loss.item():.5f} lr {sched.get_last_lr()[0]:.6f}")

model.eval()
with torch.no_grad():
    out = model(x)
    acc = (out["digit"].argmax(dim=1) == digits).float().mean().item()
print("eval acc", acc, "bn running mean", model.backbone.features.bn1.running_mean.tolist())

clone = Net().eval()
with torch.no_grad():
    clone(x[:2])
clone.load_state_dict(model.state_dict())
clone.eval()
with torch.no_grad():
    print("clone agrees", torch.allclose(clone(x)["digit"], out["digit"]))
