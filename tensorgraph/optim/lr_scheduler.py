"""Learning-rate schedules, with PyTorch's names and its exact (recursive) formulas.

A scheduler rewrites ``group["lr"]`` of its optimizer's param groups each time its
``step()`` is called: once per epoch (``StepLR``, ``MultiStepLR``, ``ExponentialLR``,
``CosineAnnealingLR``, ``LambdaLR``, ``MultiplicativeLR``, ``LinearLR``, ``ConstantLR``,
``PolynomialLR``, ``CosineAnnealingWarmRestarts``, ``ReduceLROnPlateau``) or once per
batch (``OneCycleLR``, ``CyclicLR``), always *after* ``optimizer.step()``.
``SequentialLR`` runs schedulers one after another, ``ChainedScheduler`` all at once.
"""

from __future__ import annotations

import math
import warnings
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from typing import Any

from .optimizer import Optimizer

__all__ = ["ChainedScheduler", "ConstantLR", "CosineAnnealingLR",
           "CosineAnnealingWarmRestarts", "CyclicLR", "ExponentialLR", "LRScheduler",
           "LambdaLR", "LinearLR", "MultiStepLR", "MultiplicativeLR", "OneCycleLR",
           "PolynomialLR", "ReduceLROnPlateau", "SequentialLR", "StepLR"]


def check_optimizer(optimizer: Any, who: str) -> Optimizer:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{who}: expected an optimizer (e.g. tg.optim.SGD), got "
                        f"{type(optimizer).__name__}")
    return optimizer


class LRScheduler:
    """Base class: subclasses compute the next learning rates in ``get_lr()``.

    Args:
        optimizer: the optimizer whose ``group["lr"]`` values are scheduled.
        last_epoch: index of the last epoch; -1 (the default) starts a new schedule and
            records each group's ``initial_lr``.

    Example:
        >>> sched = tg.optim.lr_scheduler.StepLR(opt, step_size=30, gamma=0.1)
        >>> for epoch in range(100):
        ...     train_one_epoch(); sched.step()
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        self.optimizer = check_optimizer(optimizer, type(self).__name__)
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"{type(self).__name__}: param_groups[{i}] has no 'initial_lr', "
                        f"needed to resume at last_epoch={last_epoch}. Load the optimizer's "
                        "state_dict first, or start with last_epoch=-1 and load this "
                        "scheduler's state_dict instead."
                    )
        self.base_lrs: list[float] = [g["initial_lr"] for g in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        """The constructor's step: sets the first lr, no decay (torch's _initial_step)."""
        self._step_count = 0
        self._is_initial = True
        self._get_lr_called_within_step = False  # torch's flag (its state_dict has it)
        self.step()
        self._is_initial = False

    def get_lr(self) -> list[float]:
        """The learning rates for ``self.last_epoch`` (already advanced by ``step``)."""
        raise NotImplementedError

    def get_last_lr(self) -> list[float]:
        """The learning rates the last ``step()`` set, one per param group."""
        return self._last_lr

    def step(self, epoch: int | None = None) -> None:
        """Advance the schedule one epoch (or jump to ``epoch``, with the closed form
        where one exists) and write the new learning rates into the optimizer."""
        if self._step_count == 1 and self.optimizer._step_calls == 0:
            warnings.warn(
                f"{type(self).__name__}.step() was called before optimizer.step(); call "
                "optimizer.step() first (as in PyTorch >= 1.1), or the first value of the "
                "schedule is skipped.", UserWarning, stacklevel=2)
        self._step_count += 1
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        """Advance one epoch (or jump to ``epoch`` by the closed form, where one exists)
        and write the learning rates into the optimizer."""
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            closed = getattr(self, "_get_closed_form_lr", None)
            values = closed() if closed is not None else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = [g["lr"] for g in self.optimizer.param_groups]

    def _current(self) -> list[float]:
        return [g["lr"] for g in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer (plain Python values; ``tg.save`` can write it)."""
        return {k: (dict(v) if isinstance(v, Counter) else v)
                for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()``; call it after the optimizer's ``load_state_dict``."""
        self.__dict__.update(state_dict)


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    Args:
        optimizer: the optimizer to schedule.
        step_size: epochs between decays.
        gamma: decay factor.
        last_epoch: see :class:`LRScheduler`.

    Example:
        >>> sched = StepLR(opt, step_size=30, gamma=0.1)  # lr 0.1, 0.01 at 30, 0.001 at 60
    """

    def __init__(self, optimizer: Optimizer, step_size: float, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        # torch takes a float step_size too: the lr decays at epochs where
        # epoch % step_size == 0 (2.5 -> epochs 5, 10, ...).
        if (not isinstance(step_size, (int, float)) or isinstance(step_size, bool)
                or step_size <= 0):
            raise ValueError(f"StepLR: step_size must be a positive number, got "
                             f"{step_size!r}")
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current()
        return [lr * self.gamma for lr in self._current()]

    def _get_closed_form_lr(self) -> list[float]:
        return [b * self.gamma ** (self.last_epoch // self.step_size) for b in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` at each epoch listed in ``milestones``.

    Args:
        optimizer: the optimizer to schedule.
        milestones: epochs at which to decay (a repeated epoch decays twice).
        gamma: decay factor.
        last_epoch: see :class:`LRScheduler`.

    Example:
        >>> sched = MultiStepLR(opt, milestones=[30, 80], gamma=0.1)
    """

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch not in self.milestones:
            return self._current()
        factor = self.gamma ** self.milestones[self.last_epoch]
        return [lr * factor for lr in self._current()]

    def _get_closed_form_lr(self) -> list[float]:
        milestones = sorted(self.milestones.elements())
        return [b * self.gamma ** bisect_right(milestones, self.last_epoch)
                for b in self.base_lrs]

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        super().load_state_dict(state_dict)
        self.milestones = Counter(dict(self.milestones))  # a checkpoint stores a dict


class ExponentialLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every epoch.

    Example:
        >>> sched = ExponentialLR(opt, gamma=0.95)
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return self._current()
        return [lr * self.gamma for lr in self._current()]

    def _get_closed_form_lr(self) -> list[float]:
        return [b * self.gamma ** self.last_epoch for b in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    r"""Cosine annealing from the base lr to ``eta_min`` over ``T_max`` epochs:
    ``eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2``.

    The update is PyTorch's recursive form (each lr computed from the previous one), so
    the values match ``torch.optim.lr_scheduler.CosineAnnealingLR`` exactly, also after
    someone else changed ``group["lr"]``; past ``T_max`` it rises again (a period of
    ``2 * T_max``).

    Args:
        optimizer: the optimizer to schedule.
        T_max: epochs of one half period.
        eta_min: the lowest learning rate.
        last_epoch: see :class:`LRScheduler`.

    Example:
        >>> sched = CosineAnnealingLR(opt, T_max=50, eta_min=1e-5)
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current()
        if self._step_count == 1 and t > 0:
            return [eta_min + (b - eta_min) * (1 + math.cos(t * math.pi / T)) / 2
                    for b in self.base_lrs]
        if (t - 1 - T) % (2 * T) == 0:
            return [lr + (b - eta_min) * (1 - math.cos(math.pi / T)) / 2
                    for b, lr in zip(self.base_lrs, self._current())]
        return [(1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
                * (lr - eta_min) + eta_min for lr in self._current()]

    def _get_closed_form_lr(self) -> list[float]:
        return [self.eta_min + (b - self.eta_min)
                * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for b in self.base_lrs]




# The cyclic and metric-driven schedules live in their own file (this one would pass 400
# lines); they subclass LRScheduler, so they are imported once it exists.
from .lr_chain import ChainedScheduler, SequentialLR
from .lr_cyclic import OneCycleLR, ReduceLROnPlateau
from .lr_factor import ConstantLR, LambdaLR, LinearLR, MultiplicativeLR, PolynomialLR
from .lr_restarts import CosineAnnealingWarmRestarts, CyclicLR
