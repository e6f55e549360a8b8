"""Primitive ops: each a Function with forward and backward side by side."""

from .elementwise import (
    Add,
    Copy,
    Exp,
    Log,
    Maximum,
    Mul,
    Neg,
    Pow,
    ReLU,
    Sigmoid,
    Tanh,
    Where,
)
from .linalg import MatMul
from .reduce import Max, Sum
from .shape import Cat, Expand, GetItem, IndexAdd, Permute, Reshape

__all__ = [
    "Add", "Cat", "Copy", "Exp", "Expand", "GetItem", "IndexAdd", "Log", "MatMul", "Max",
    "Maximum", "Mul", "Neg", "Permute", "Pow", "ReLU", "Reshape", "Sigmoid", "Sum",
    "Tanh", "Where",
]
