"""Catalog rows: placeholder, filled in by its issue."""
from scanprops.problem import Problem

ROWS: tuple[Problem, ...] = ()
