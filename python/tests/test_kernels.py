"""gradc.compile(): point, map and batch kernels, the layouts read without copies, and
the layouts refused."""

import gc
import math

import numpy as np
import pytest

import gradc

FORMULA = "x^2*sin(y) + exp(-x*y)/(1 + z^2)"


def exact(x, y, z):
    """The value and gradient of FORMULA, written out by hand."""
    e = np.exp(-x * y) / (1 + z**2)
    return (x**2 * np.sin(y) + e,
            [2 * x * np.sin(y) - y * e, x**2 * np.cos(y) - x * e, -2 * z * e / (1 + z**2)])


@pytest.fixture(scope="module")
def f():
    return gradc.compile(FORMULA)


@pytest.fixture(scope="module")
def points():
    rng = np.random.default_rng(7)
    return rng.uniform(-2, 2, size=(3, 1000))  # (k, N), C order


def test_point_call_with_keywords_or_a_sequence(f):
    assert f.inputs == ["x", "y", "z"] and f.wrt == ["x", "y", "z"]
    value, gradient = f(x=0.5, y=-1.0, z=2.0)
    want_value, want_gradient = exact(0.5, -1.0, 2.0)
    assert value == pytest.approx(want_value, rel=1e-14)
    np.testing.assert_allclose(gradient, want_gradient, rtol=1e-14)
    assert gradient.dtype == np.float64 and gradient.flags.owndata
    assert f([0.5, -1.0, 2.0])[0] == value
    assert f(np.array([0.5, -1.0, 2.0]))[0] == value
    # The compiled value is the interpreter's (point kernels call scalar libm).
    assert value == gradc.parse(FORMULA, context=gradc.Context()).evaluate(x=0.5, y=-1.0, z=2.0)


def test_map_over_a_c_ordered_k_by_n_array(f, points):
    values, gradients = f(points)
    assert values.shape == (1000,) and gradients.shape == (3, 1000)
    assert values.flags.owndata and gradients.flags.owndata and gradients.flags.c_contiguous
    want_values, want_gradients = exact(*points)
    np.testing.assert_allclose(values, want_values, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(gradients, np.array(want_gradients), rtol=1e-12, atol=1e-14)
    for r in (0, 1, 2, 997, 998, 999):  # every lane position, and the tail past the last vector
        v, g = f(*[], x=points[0, r], y=points[1, r], z=points[2, r])
        assert values[r] == pytest.approx(v, rel=1e-14)
        np.testing.assert_allclose(gradients[:, r], g, rtol=1e-13)


def test_fortran_n_by_k_and_one_array_per_variable_give_the_same(f, points):
    values, gradients = f(points)
    fortran = np.asfortranarray(points.T)
    v2, g2 = f(fortran)
    assert g2.shape == (1000, 3) and g2.flags.f_contiguous and g2.flags.owndata
    np.testing.assert_array_equal(v2, values)
    np.testing.assert_array_equal(g2, gradients.T)
    v3, g3 = f(x=points[0], y=points[1], z=points[2])
    np.testing.assert_array_equal(v3, values)
    np.testing.assert_array_equal(g3, gradients)


def test_numbers_among_arrays_are_the_same_for_every_row(f, points):
    values, gradients = f(x=points[0], y=0.25, z=points[2])
    want_values, want_gradients = exact(points[0], 0.25, points[2])
    np.testing.assert_allclose(values, want_values, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(gradients, np.array(want_gradients), rtol=1e-12, atol=1e-14)


def test_sum_over_rows_is_the_sum_of_the_map(f, points):
    value, gradient = f.sum(points)
    values, gradients = f(points)
    assert value == pytest.approx(math.fsum(values), rel=1e-13)
    np.testing.assert_allclose(gradient, [math.fsum(g) for g in gradients], rtol=1e-12)
    # A fixed order of summation: the same bits on 1, 2 and 3 threads.
    for threads in (2, 3):
        g = gradc.compile(FORMULA, threads=threads)
        assert g.threads == threads
        v, grad = g.sum(points)
        assert v == value and np.array_equal(grad, gradient)


def test_gradient_by_some_variables_only(points):
    g = gradc.compile(FORMULA, wrt=["z", "x"])
    assert g.inputs == ["x", "y", "z"] and g.wrt == ["z", "x"]
    value, gradient = g(x=0.5, y=-1.0, z=2.0)
    _, full = exact(0.5, -1.0, 2.0)
    np.testing.assert_allclose(gradient, [full[2], full[0]], rtol=1e-14)
    values, gradients = g(points)
    assert gradients.shape == (2, 1000)


def test_hessian_against_finite_differences_of_the_gradient():
    h = gradc.compile(FORMULA, hessian=True)
    at = np.array([0.5, -1.0, 2.0])
    value, gradient, hessian = h(at)
    assert hessian.shape == (3, 3) and np.array_equal(hessian, hessian.T)
    step = 1e-6
    for j in range(3):
        e = np.zeros(3)
        e[j] = step
        column = (h(at + e)[1] - h(at - e)[1]) / (2 * step)
        np.testing.assert_allclose(hessian[:, j], column, rtol=1e-7, atol=1e-9)
    rows = np.tile(at[:, None], (1, 37)).copy()
    values, gradients, hessians = h(rows)
    assert hessians.shape == (3, 3, 37)
    np.testing.assert_allclose(hessians[:, :, 36], hessian, rtol=1e-13)
    _, _, fortran = h(np.asfortranarray(rows.T))
    assert fortran.shape == (37, 3, 3)
    np.testing.assert_array_equal(fortran[5], hessians[:, :, 5])
    total = h.sum(rows)[2]
    np.testing.assert_allclose(total, 37 * hessian, rtol=1e-13)


@pytest.mark.parametrize("make,message", [
    (lambda p: p.astype(np.float32), r"float32.*np\.asarray\(points, dtype=np\.float64\)"),
    (lambda p: p.astype(object), r"object.*float64"),
    (lambda p: p.astype(">f8"), r"float64 \(native byte order\)"),
    (lambda p: np.ascontiguousarray(p.T), r"C-ordered \(N, k\).*np\.asfortranarray"),
    (lambda p: p[:, ::2], r"strided view.*np\.ascontiguousarray"),
    (lambda p: p[:2], r"shape \(2, 1000\).*\(k, N\) in C order or \(N, k\) in Fortran order"),
])
def test_layouts_that_would_need_a_copy_are_refused(f, points, make, message):
    with pytest.raises(TypeError, match=message):
        f(make(points))


def test_columns_that_would_need_a_copy_are_refused(f, points):
    with pytest.raises(TypeError, match=r"x is a list.*np\.asarray\(x, dtype=np\.float64\)"):
        f(x=list(points[0]), y=points[1], z=points[2])
    with pytest.raises(TypeError, match=r"y holds float32"):
        f(x=points[0], y=points[1].astype(np.float32), z=points[2])
    with pytest.raises(TypeError, match=r"z is a strided view.*np\.ascontiguousarray\(z\)"):
        f(x=np.ascontiguousarray(points[0, ::2]), y=np.ascontiguousarray(points[1, ::2]), z=points[2, ::2])
    with pytest.raises(TypeError, match=r"z has shape \(3, 1000\)"):
        f(x=points[0], y=points[1], z=points)
    with pytest.raises(ValueError, match="y has 999 values where the arrays before it have 1000"):
        f(x=points[0], y=points[1, :999], z=points[2])
    with pytest.raises(TypeError, match="no value for z; the kernel reads x, y, z"):
        f(x=1.0, y=2.0)
    with pytest.raises(TypeError, match="reads no variable w"):
        f(x=1.0, y=2.0, z=3.0, w=4.0)
    with pytest.raises(ValueError, match="the point has 2 values; the kernel reads 3"):
        f([1.0, 2.0])
    with pytest.raises(TypeError, match="at least one input as an array"):
        f.sum(x=1.0, y=2.0, z=3.0)


def test_results_written_into_the_callers_arrays(f, points):
    values, gradients = f(points)
    out = (np.empty(1000), np.empty((3, 1000)))
    returned = f(points, out=out)
    assert returned[0] is out[0] and returned[1] is out[1]
    np.testing.assert_array_equal(out[0], values)
    np.testing.assert_array_equal(out[1], gradients)
    fortran = (np.empty(1000), np.empty((1000, 3), order="F"))
    f(np.asfortranarray(points.T), out=fortran)
    np.testing.assert_array_equal(fortran[1], gradients.T)
    with pytest.raises(TypeError, match=r"out\[1\] must be a writeable float64 array of shape \(3, 1000\) in C order"):
        f(points, out=(np.empty(1000), np.empty((1000, 3))))
    with pytest.raises(TypeError, match=r"out\[1\] .* in Fortran order.*not in that order"):
        f(np.asfortranarray(points.T), out=(np.empty(1000), np.empty((1000, 3))))
    read_only = np.empty(1000)
    read_only.flags.writeable = False
    with pytest.raises(TypeError, match="read-only"):
        f(points, out=(read_only, np.empty((3, 1000))))
    with pytest.raises(ValueError, match="out= takes 2 arrays"):
        f(points, out=(np.empty(1000),))
    with pytest.raises(TypeError, match="a point's results are small"):
        f(x=1.0, y=2.0, z=3.0, out=(np.empty(1), np.empty(3)))


def test_out_arrays_that_share_memory_are_refused(f, points):
    buffer = np.empty(3000)
    with pytest.raises(ValueError, match=r"out\[0\] and out\[1\] share memory"):
        f(points, out=(buffer[1000:2000], buffer.reshape(3, 1000)))
    block = np.empty((4, 1000))
    f(points, out=(block[0], block[1:]))  # neighbours, not overlapping
    with pytest.raises(ValueError, match=r"out\[0\] shares memory with an input"):
        f(x=points[0], y=points[1], z=points[2], out=(points[0], np.empty((3, 1000))))
    with pytest.raises(TypeError, match=r"out= takes a tuple of 2 arrays, \(values, gradient\)"):
        f(points, out=np.empty(1000))
    with pytest.raises(TypeError, match="takes no out="):
        f.sum(points, out=(np.empty(1000), np.empty((3, 1000))))


def test_more_refusals_with_their_way_out(points):
    f = gradc.compile(FORMULA)
    unaligned = np.frombuffer(bytes(8 * 1001), dtype=np.float64, offset=1, count=1000)
    assert not unaligned.flags.aligned
    with pytest.raises(TypeError, match=r"x is not aligned.*np\.require\(x, requirements=\"A\"\)"):
        f(x=unaligned, y=points[1], z=points[2])
    with pytest.raises(TypeError, match=r"Fortran-ordered \(k, N\).*np\.ascontiguousarray"):
        f(np.asfortranarray(points))
    with pytest.raises(TypeError, match=r"f\(point\) takes numbers; for many points give a 2-D float64 array"):
        f([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    one = gradc.compile("x^2")
    with pytest.raises(ValueError, match=r"the point has 1000 values; the kernel reads 1: .*f\(x=values\)"):
        one(points[0])
    # A square array is read by its order: C as (k, N), Fortran as (N, k).
    square = np.array([[1.0, 2.0, 3.0], [0.5, 0.25, 0.125], [2.0, 1.0, 0.0]])
    np.testing.assert_array_equal(f(square)[0], f(x=square[0], y=square[1], z=square[2])[0])
    np.testing.assert_array_equal(f(np.asfortranarray(square))[0], f(x=square[:, 0].copy(), y=square[:, 1].copy(),
                                                                     z=square[:, 2].copy())[0])


def test_strided_views_are_read_without_a_copy_once_made_contiguous(f, points):
    view = points[:, ::2]
    values, _ = f(np.ascontiguousarray(view))
    np.testing.assert_array_equal(values, f(points)[0][::2])


def test_a_kernel_outlives_the_objects_it_came_from():
    ctx = gradc.Context()
    x, y = ctx.symbols("x y")
    kernel = gradc.compile(gradc.sin(x) * y)
    assert kernel.inputs == ["x", "y"]  # the order the context made them
    expected = kernel(x=1.0, y=2.0)
    del ctx, x, y
    gc.collect()
    assert kernel(x=1.0, y=2.0)[0] == expected[0] == math.sin(1.0) * 2.0
    values, _ = kernel(np.array([[1.0, 2.0], [2.0, 3.0]]))
    assert values[1] == pytest.approx(math.sin(2.0) * 3.0, rel=1e-15)


def test_options_reach_the_code_generator():
    text = "log(1 + exp(x))"
    stable = gradc.compile(text)
    raw = gradc.compile(text, stable_forms=False)
    assert stable(x=800.0)[0] == 800.0  # softplus(800)
    assert raw(x=800.0)[0] == math.inf   # log(1 + inf)
    exact_lanes = gradc.compile("sin(x)", vector_math=False)
    xs = np.linspace(-10, 10, 101)
    np.testing.assert_array_equal(exact_lanes(x=xs)[0], [math.sin(v) for v in xs])
