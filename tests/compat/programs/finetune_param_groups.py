# Fine-tuning as tutorials write it: freeze a pretrained backbone, train the head, then
# unfreeze with optimizer.add_param_group and a smaller lr, a LinearLR warm-up into
# ExponentialLR via SequentialLR, and gradient clipping by value.
# compat: rtol=1e-4 atol=1e-6
import torch
import torch.nn as nn
import torch.nn.functional as F
from numpy_init import numpy_init, numpy_tensor


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(6, 12), nn.ReLU(), nn.Linear(12, 12), nn.Tanh())
        self.head = nn.Linear(12, 3)

    def forward(self, x):
        return self.head(self.backbone(x))


model = numpy_init(Model(), seed=21)
x = numpy_tensor((40, 6), seed=22)
y = (x[:, 0] > 0).long() + (x[:, 1] > 0.5).long()

for p in model.backbone.parameters():
    p.requires_grad_(False)
trainable = [n for n, p in model.named_parameters() if p.requires_grad]
print("trainable", trainable)
opt = torch.optim.SGD(model.head.parameters(), lr=0.2, momentum=0.9)
warmup = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.2, total_iters=3)
decay = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
sched = torch.optim.lr_scheduler.SequentialLR(opt, [warmup, decay], milestones=[3])

for epoch in range(10):
    if epoch == 5:
        for p in model.backbone.parameters():
            p.requires_grad_(True)
        opt.add_param_group({"params": model.backbone.parameters(), "lr": 0.02})
        print("unfrozen, groups", len(opt.param_groups))
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    torch.nn.utils.clip_grad_value_(model.parameters(), 0.5)
    opt.step()
    sched.step()
    print(f"epoch {epoch} loss {loss.item():.5f} lrs {[round(g['lr'], 6) for g in opt.param_groups]}")
print("backbone grad", model.backbone[0].weight.grad.abs().sum().item())
