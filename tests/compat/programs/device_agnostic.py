# Device-agnostic boilerplate as real scripts write it: pick cuda / mps / cpu, seed
# everything, cudnn flags, tensors made with device=, .to(device) for models and
# batches, torch.compile, inference_mode, and a --amp switch that stays off on CPU.
# compat: rtol=1e-5 atol=1e-6
import argparse
import random

import numpy as np
import torch
import torch.nn as nn
from numpy_init import numpy_init

parser = argparse.ArgumentParser()
parser.add_argument("--amp", action="store_true")
args = parser.parse_args()

if torch.cuda.is_available():
    device = torch.device("cuda")
elif torch.backends.mps.is_available():
    device = torch.device("mps")
else:
    device = torch.device("cpu")
print("device", device, device.type, torch.cuda.device_count(), torch.accelerator.is_available())

random.seed(0)
np.random.seed(0)
torch.manual_seed(0)
torch.cuda.manual_seed_all(0)
torch.backends.cudnn.deterministic = True
torch.backends.cudnn.benchmark = False
torch.set_float32_matmul_precision("high")

model = numpy_init(nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 2)), seed=9)
model = model.to(device)
model = torch.compile(model)
print("param device", next(model.parameters()).device)
x = torch.linspace(0, 1, 12, device=device).reshape(4, 3)
target = torch.zeros(4, dtype=torch.long, device=device)
w = torch.ones(2, device=device)
scaler = torch.amp.GradScaler(enabled=args.amp)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(3):
    with torch.autocast(device_type=device.type, enabled=args.amp):
        loss = nn.functional.cross_entropy(model(x.to(device)), target.to(device), weight=w)
    opt.zero_grad()
    scaler.scale(loss).backward()
    scaler.step(opt)
    scaler.update()
    print("loss", loss.item(), loss.device)

with torch.inference_mode():
    out = model(x).cpu()
print("out", out.tolist(), out.requires_grad)
print("dtype", x.to(device, torch.float64).dtype == torch.float64, x.cpu().device == device)
