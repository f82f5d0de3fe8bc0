"""Numbers read off agents for a compiled rule: each row packed as it is read, then one matrix.

A phase that applies its rules to many users at once reads a row of numbers per user (a case, a
trainee, a user at a workplace). Packing each row into bytes as it is read (``RowFormat.pack``:
bools and integers become floats, as numpy would convert them) and joining the bytes into one
array costs about a third less than collecting tuples and converting them value by value
(``numpy.fromiter``), which was 8 % of a run of the default office.
"""

from __future__ import annotations

import struct

import numpy as np


class RowFormat:
    """``n_columns`` float64 numbers in this machine's byte order: ``pack(*numbers)`` gives a row."""

    __slots__ = ("n_columns", "pack")

    def __init__(self, n_columns: int):
        self.n_columns = n_columns
        self.pack = struct.Struct(f"={n_columns}d").pack

    def matrix(self, rows: list[bytes]) -> np.ndarray:
        """The packed ``rows`` as one writable float64 matrix, a row per entry (0 rows: shape (0, n))."""
        return np.frombuffer(bytearray().join(rows), np.float64).reshape(len(rows), self.n_columns)
