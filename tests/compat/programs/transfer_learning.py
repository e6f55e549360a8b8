# compat: rtol=1e-4 atol=1e-5
# Transfer-learning habits: frozen layers, param groups from filter(requires_grad), gradient accumulation,
# clip_grad_value_, StepLR, deepcopy of state_dict, torch.save/load of a checkpoint dict, BatchNorm train/eval.
import os, tempfile, copy
import torch
import torch.nn as nn
import torch.optim as optim
from torch.optim import lr_scheduler

torch.manual_seed(3)

backbone = nn.Sequential(
    nn.Conv2d(3, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(inplace=True),
    nn.MaxPool2d(2),
    nn.Conv2d(6, 12, 3, padding=1), nn.BatchNorm2d(12), nn.ReLU(inplace=True),
    nn.AdaptiveAvgPool2d(1), nn.Flatten(),
)
model = nn.Sequential()
model.add_module("features", backbone)
model.add_module("classifier", nn.Sequential(nn.Dropout(0.2), nn.Linear(12, 4)))

# freeze first conv block
for p in model.features[0].parameters():
    p.requires_grad_(False)
model.features[1].requires_grad_(False)
print("trainable", [n for n, p in model.named_parameters() if p.requires_grad])

X = torch.randn(40, 3, 8, 8)
y = torch.randint(0, 4, (40,))
crit = nn.CrossEntropyLoss()
params = [
    {"params": filter(lambda p: p.requires_grad, model.features.parameters()), "lr": 0.01},
    {"params": model.classifier.parameters()},
]
optimizer = optim.SGD(params, lr=0.1, momentum=0.9)
scheduler = lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
accum = 2
best_wts, best_acc = None, -1.0
tmp = tempfile.mkdtemp()
for epoch in range(5):
    model.train()
    optimizer.zero_grad()
    for step, i in enumerate(range(0, 40, 10)):
        out = model(X[i:i+10])
        loss = crit(out, y[i:i+10]) / accum
        loss.backward()
        if (step + 1) % accum == 0:
            torch.nn.utils.clip_grad_value_(model.parameters(), clip_value=0.05)
            optimizer.step()
            optimizer.zero_grad()
    scheduler.step()
    model.eval()
    with torch.no_grad():
        out = model(X)
        _, preds = torch.max(out, 1)
        acc = torch.sum(preds == y.data).double() / len(y)
        vloss = crit(out, y)
    print(f"epoch {epoch} lr {scheduler.get_last_lr()} val {vloss.item():.6f} acc {acc:.4f} {acc.dtype}")
    if acc > best_acc:
        best_acc = acc
        best_wts = copy.deepcopy(model.state_dict())
        torch.save({"epoch": epoch, "model_state_dict": model.state_dict(),
                    "optimizer_state_dict": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(), "loss": vloss}, os.path.join(tmp, "ckpt.pt"))

print("frozen unchanged?", model.features[0].weight.grad is None)
model.load_state_dict(best_wts)
ck = torch.load(os.path.join(tmp, "ckpt.pt"), weights_only=True)
print("ckpt epoch", ck["epoch"], "loss", ck["loss"], type(ck["loss"]).__name__)
model2 = copy.deepcopy(model)
for m in model2.modules():
    if hasattr(m, "reset_parameters"):
        m.reset_parameters()
res = model2.load_state_dict(ck["model_state_dict"])
print(res)
opt2 = optim.SGD([{"params": [p for p in model2.features.parameters() if p.requires_grad], "lr": 0.01},
                  {"params": model2.classifier.parameters()}], lr=0.1, momentum=0.9)
opt2.load_state_dict(ck["optimizer_state_dict"])
print("opt2 lrs", [g["lr"] for g in opt2.param_groups], len(opt2.state))
sch2 = lr_scheduler.StepLR(opt2, step_size=2, gamma=0.5)
sch2.load_state_dict(ck["scheduler"])
print("sched", ck["scheduler"])
model2.eval()
with torch.no_grad():
    print(torch.allclose(model2(X), model(X)), model2(X)[0])
# cosine + one-cycle
o = optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
cs = lr_scheduler.CosineAnnealingLR(o, T_max=5, eta_min=0.001)
lrs = []
for _ in range(7):
    o.step(); cs.step(); lrs.append(round(cs.get_last_lr()[0], 7))
print("cos", lrs)
o = optim.AdamW([nn.Parameter(torch.zeros(1))], lr=0.1)
oc = lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=10)
lrs, moms = [], []
for _ in range(10):
    o.step(); lrs.append(round(oc.get_last_lr()[0], 7)); moms.append(round(o.param_groups[0]["betas"][0], 5)); oc.step()
print("1cycle", lrs)
print("moms", moms)
