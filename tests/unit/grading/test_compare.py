"""compare_tree: structure first, then type, exact shape, dtype and values, naming the path."""

import math

import numpy as np
import pytest

from grader.engine.wire import ArrayValue, OpaqueValue
from grader.grading.compare import compare_tree, outputs_equal


def arr(values, dtype=np.float32, origin="jax"):
    return ArrayValue(np.array(values, dtype=dtype), origin)


def test_identical_arrays_agree():
    assert compare_tree(arr([1.0, 2.0]), arr([1.0, 2.0]), 1e-5, 1e-6) is None


def test_numpy_array_counts_as_an_array():
    assert compare_tree(arr([1.0, 2.0]), arr([1.0, 2.0], origin="numpy"), 1e-5, 1e-6) is None


def test_values_within_tolerance_agree_and_outside_do_not():
    assert compare_tree(arr([100.0]), arr([100.0005]), 1e-5, 1e-6) is None
    m = compare_tree(arr([100.0]), arr([100.01]), 1e-5, 1e-6)
    assert m.kind == "values" and m.path == "output" and m.worst_index == (0,)


def test_worst_element_is_named():
    m = compare_tree(arr([[0.0, 0.0], [0.0, 0.0]]), arr([[0.0, 0.1], [0.0, 2.0]]), 1e-5, 1e-6)
    assert m.worst_index == (1, 1)
    assert m.max_abs_error == pytest.approx(2.0)
    assert m.expected_at_worst == 0.0 and m.received_at_worst == pytest.approx(2.0)
    assert m.mismatched == 2 and m.total == 4


def test_no_broadcasting_between_shapes():
    m = compare_tree(arr([1.0, 2.0, 3.0, 4.0]), arr([[1.0], [2.0], [3.0], [4.0]]), 1e-5, 1e-6)
    assert m.kind == "shape"
    assert "(4,)" in m.expected and "(4, 1)" in m.received


def test_dtype_must_match():
    m = compare_tree(arr([1.0]), arr([1.0], dtype=np.float64), 1e-5, 1e-6)
    assert m.kind == "dtype" and "float64" in m.received


def test_list_is_not_an_array():
    m = compare_tree(arr([1.0, 2.0]), [1.0, 2.0], 1e-5, 1e-6)
    assert m.kind == "type" and "list" in m.received


def test_opaque_object_and_subclass_fail():
    assert compare_tree(arr([1.0]), OpaqueValue("mod.AlwaysEqual"), 1e-5, 1e-6).kind == "type"
    assert (
        compare_tree(arr([1.0]), ArrayValue(np.array([1.0], np.float32), "numpy-scalar"), 1e-5, 1e-6).kind
        == "type"
    )


def test_nan_matches_only_nan():
    assert compare_tree(arr([math.nan, 1.0]), arr([math.nan, 1.0]), 1e-5, 1e-6) is None
    m = compare_tree(arr([1.0, 1.0]), arr([math.nan, 1.0]), 1e-5, 1e-6)
    assert m.kind == "values" and m.worst_index == (0,) and m.max_abs_error == math.inf
    assert compare_tree(arr([math.nan]), arr([1.0]), 1e-5, 1e-6).kind == "values"


def test_infinities_match_only_same_sign():
    assert compare_tree(arr([math.inf]), arr([math.inf]), 1e-5, 1e-6) is None
    assert compare_tree(arr([math.inf]), arr([-math.inf]), 1e-5, 1e-6).kind == "values"


def test_nested_structure_paths():
    expected = {"a": (arr([1.0]), arr([2.0]))}
    assert compare_tree(expected, {"a": (arr([1.0]), arr([2.0]))}, 1e-5, 1e-6) is None
    m = compare_tree(expected, {"a": (arr([1.0]), arr([3.0]))}, 1e-5, 1e-6)
    assert m.path == "output['a'][1]"
    assert compare_tree(expected, {"b": (arr([1.0]), arr([2.0]))}, 1e-5, 1e-6).kind == "structure"
    assert compare_tree(expected, {"a": [arr([1.0]), arr([2.0])]}, 1e-5, 1e-6).kind == "structure"


def test_integer_arrays_compare_exactly():
    assert compare_tree(arr([1, 2], np.int32), arr([1, 2], np.int32), 1e-5, 1e-6) is None
    assert compare_tree(arr([1, 2], np.int32), arr([1, 3], np.int32), 1e-5, 1e-6).worst_index == (1,)


def test_outputs_equal_is_bitwise():
    assert outputs_equal(arr([0.1, 0.2]), arr([0.1, 0.2]))
    assert not outputs_equal(arr([0.1, 0.2]), arr([0.1, np.nextafter(np.float32(0.2), np.float32(1))]))
    assert not outputs_equal(arr([1.0]), arr([1.0], origin="numpy"))


@pytest.mark.parametrize("name", ["bfloat16", "float8_e4m3fn"])
def test_floats_numpy_knows_only_as_extensions_are_compared_within_the_tolerance(name):
    import ml_dtypes

    dtype = np.dtype(getattr(ml_dtypes, name))
    assert dtype.kind == "V"  # what made them compare exactly before
    expected = arr([1.0, float("nan"), 2.0], dtype)
    assert compare_tree(expected, arr([1.0, float("nan"), 2.0], dtype), 1e-5, 1e-6) is None  # NaN is NaN
    near = arr([1.0, float("nan"), 2.0], dtype)
    near.data[0] = np.array(1.0078125, dtype)  # the next bfloat16 after 1 (float8 rounds it to 1)
    assert compare_tree(expected, near, 1e-2, 0.0) is None
    m = compare_tree(expected, arr([1.0, float("nan"), 3.0], dtype), 1e-2, 0.0)
    assert m.kind == "values" and m.worst_index == (2,) and m.max_abs_error == pytest.approx(1.0)
