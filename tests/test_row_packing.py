"""Rows packed as they are read (``agents.row_packing``) give the matrix numpy would make of the same values."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from agents.row_packing import RowFormat


def test_packed_rows_are_the_matrix_of_their_values():
    rows = [(True, 3, 0.1, False, -1, 2.5e300), (False, 0, -0.0, True, 7, 1e-300)]
    form = RowFormat(6)
    matrix = form.matrix([form.pack(*row) for row in rows])
    expected = np.array(rows, dtype=np.float64)
    assert matrix.shape == (2, 6) and matrix.dtype == np.float64
    assert matrix.tobytes() == expected.tobytes()      # to the bit, the sign of -0.0 included
    assert matrix.flags.writeable and matrix.flags.c_contiguous


def test_no_rows_give_an_empty_matrix_of_the_width():
    assert RowFormat(4).matrix([]).shape == (0, 4)


def test_a_row_of_the_wrong_length_is_refused():
    with pytest.raises(struct.error):
        RowFormat(3).pack(1.0, 2.0)
