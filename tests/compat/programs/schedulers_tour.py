# Learning-rate schedules as a training script logs them: per-epoch schedulers, warm-up
# by SequentialLR, ChainedScheduler, per-batch CyclicLR / OneCycleLR, ReduceLROnPlateau.
# compat: rtol=1e-12 atol=1e-15
import torch
from torch.optim import lr_scheduler

w = torch.nn.Parameter(torch.ones(2))


def opt(kind="sgd"):
    if kind == "adam":
        return torch.optim.Adam([w], lr=0.1)
    return torch.optim.SGD([w], lr=0.1, momentum=0.9)


def trace(make, steps=12, kind="sgd"):
    o = opt(kind)
    s = make(o)
    lrs = []
    for _ in range(steps):
        o.step()
        s.step()
        lrs.append(round(s.get_last_lr()[0], 12))
    return lrs


print("step", trace(lambda o: lr_scheduler.StepLR(o, 3, 0.5)))
print("multistep", trace(lambda o: lr_scheduler.MultiStepLR(o, [2, 5], 0.1)))
print("exp", trace(lambda o: lr_scheduler.ExponentialLR(o, 0.8)))
print("cos", trace(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=5, eta_min=0.01)))
print("lambda", trace(lambda o: lr_scheduler.LambdaLR(o, lambda e: 1 / (1 + e))))
print("mult", trace(lambda o: lr_scheduler.MultiplicativeLR(o, lambda e: 0.9)))
print("linear", trace(lambda o: lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=4)))
print("const", trace(lambda o: lr_scheduler.ConstantLR(o, factor=0.5, total_iters=3)))
print("poly", trace(lambda o: lr_scheduler.PolynomialLR(o, total_iters=8, power=2)))
print("warm", trace(lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2)))
print("cyclic", trace(lambda o: lr_scheduler.CyclicLR(o, 0.01, 0.1, step_size_up=3)))
print("cyclic adam", trace(lambda o: lr_scheduler.CyclicLR(o, 0.01, 0.1, step_size_up=2,
                                                              mode="triangular2"), kind="adam"))
print("onecycle", trace(lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.5, total_steps=12)))
print("sequential", trace(lambda o: lr_scheduler.SequentialLR(
    o, [lr_scheduler.LinearLR(o, 0.1, total_iters=3), lr_scheduler.ExponentialLR(o, 0.7)],
    milestones=[3])))
print("chained", trace(lambda o: lr_scheduler.ChainedScheduler(
    [lr_scheduler.ConstantLR(o, 0.5, total_iters=2), lr_scheduler.ExponentialLR(o, 0.9)])))
o = opt()
plateau = lr_scheduler.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=1)
for val_loss in [1.0, 0.9, 0.95, 0.96, 0.97, 0.5, 0.6, 0.61]:
    o.step()
    plateau.step(val_loss)
    print("plateau", o.param_groups[0]["lr"])
