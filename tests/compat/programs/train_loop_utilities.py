# The first lines of a modern training script (nanoGPT's train.py, HuggingFace-style
# loops): version checks, TF32 and matmul-precision switches, torch.compile, an autocast
# context and a GradScaler that switch themselves off without CUDA, a CPU GradScaler,
# random_split with fractions, a weighted sampler and a custom collate_fn, warmup then
# cosine (SequentialLR), clip_grad_norm_ with foreach, ReduceLROnPlateau on the
# validation loss, inference_mode evaluation and a scheduler/scaler state_dict resume.
# No dropout: torch.compile draws its dropout masks from another stream than eager torch.
# compat: rtol=1e-4 atol=1e-6
import math
import warnings
from contextlib import nullcontext

import torch
import torch.nn as nn
import torch.nn.functional as F
from packaging import version
from torch.utils.data import DataLoader, TensorDataset, WeightedRandomSampler, random_split

warnings.simplefilter("ignore")  # pin_memory / autocast notes on a CPU-only build
assert version.parse(torch.__version__) >= version.parse("2.0")
print("new api", torch.__version__ >= "2.0", hasattr(F, "scaled_dot_product_attention"))

torch.manual_seed(1337)
torch.backends.cuda.matmul.allow_tf32 = True
torch.backends.cudnn.allow_tf32 = True
torch.set_float32_matmul_precision("high")
print("precision", torch.get_float32_matmul_precision(), torch.backends.cuda.matmul.allow_tf32)
device = "cuda" if torch.cuda.is_available() else "cpu"
device_type = "cuda" if "cuda" in device else "cpu"
dtype = "float16" if device_type == "cuda" else "float32"
ctx = nullcontext() if device_type == "cpu" else torch.amp.autocast(device_type, torch.float16)
scaler = torch.amp.GradScaler("cuda", enabled=(dtype == "float16"))
print("scaler", scaler.is_enabled(), scaler.get_scale())

n = 96
x = torch.randn(n, 6)
y = (x[:, :3].sum(1) > 0).long() + (x[:, 3] > 1).long()
full = TensorDataset(x, y)
train_ds, val_ds = random_split(full, [0.75, 0.25], generator=torch.Generator().manual_seed(42))
print("split", len(train_ds), len(val_ds), train_ds.indices[:6])
labels = y[train_ds.indices]
counts = torch.bincount(labels, minlength=3).float()
weights = (1.0 / counts)[labels]
sampler = WeightedRandomSampler(weights, num_samples=len(train_ds), replacement=True,
                                generator=torch.Generator().manual_seed(0))


def collate(batch):
    xs, ys = zip(*batch)
    return {"input": torch.stack(xs), "label": torch.stack(ys)}


train_dl = DataLoader(train_ds, batch_size=12, sampler=sampler, collate_fn=collate,
                      pin_memory=True, num_workers=0, drop_last=True)
val_dl = DataLoader(val_ds, batch_size=16, shuffle=False, collate_fn=collate)

model = nn.Sequential(nn.Linear(6, 32), nn.GELU(), nn.LayerNorm(32), nn.Linear(32, 3))
model = model.to(device)
raw_model = model  # nanoGPT keeps the uncompiled module for its parameters
if torch.__version__ >= "2.0":
    model = torch.compile(model, mode="default", dynamic=False)
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, betas=(0.9, 0.95), weight_decay=0.1)
steps_per_epoch = len(train_dl)
epochs = 4
warmup = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=steps_per_epoch)
cosine = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps_per_epoch * (epochs - 1),
                                                    eta_min=1e-4)
sched = torch.optim.lr_scheduler.SequentialLR(opt, [warmup, cosine], milestones=[steps_per_epoch])
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=0,
                                                     threshold=0.05, cooldown=1, min_lr=1e-4)
cpu_scaler = torch.amp.GradScaler("cpu", init_scale=2.0**10, growth_interval=3)


@torch.inference_mode()
def evaluate():
    model.eval()
    total, correct = 0.0, 0
    for batch in val_dl:
        inp = batch["input"].to(device, non_blocking=True)
        logits = model(inp)
        total += F.cross_entropy(logits, batch["label"], reduction="sum").item()
        correct += (logits.argmax(1) == batch["label"]).sum().item()
    model.train()
    return total / len(val_ds), correct / len(val_ds)


for epoch in range(epochs):
    for step, batch in enumerate(train_dl):
        inp = batch["input"].to(device, non_blocking=True)
        with ctx:
            loss = F.cross_entropy(model(inp), batch["label"].to(device))
        cpu_scaler.scale(loss).backward()
        cpu_scaler.unscale_(opt)
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0, foreach=True)
        cpu_scaler.step(opt)
        cpu_scaler.update()
        opt.zero_grad(set_to_none=True)
        sched.step()
        if step % 3 == 0:
            print(f"epoch {epoch} step {step} loss {loss.item():.5f} norm {norm.item():.5f} "
                  f"lr {sched.get_last_lr()[0]:.6f} scale {cpu_scaler.get_scale():.0f}")
    val_loss, acc = evaluate()
    plateau.step(val_loss)
    print(f"epoch {epoch} val {val_loss:.5f} acc {acc:.4f} lr {opt.param_groups[0]['lr']:.6f}")
    with torch.no_grad():
        with torch.enable_grad():
            print("grad inside no_grad", (raw_model[0].weight * 2).requires_grad)

state = {"sched": sched.state_dict(), "plateau": plateau.state_dict(),
         "scaler": cpu_scaler.state_dict()}
resumed = torch.amp.GradScaler("cpu")
resumed.load_state_dict(state["scaler"])
print("scaler state", sorted(state["scaler"].items()) == sorted(resumed.state_dict().items()),
      resumed.get_scale())
print("plateau keys", sorted(state["plateau"]))
print("finite", math.isfinite(val_loss), torch.get_num_threads() >= 1)
