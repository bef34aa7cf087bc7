#include "arrays.hpp"

#include <Python.h>

namespace gradc::python {
namespace {

// NumPy's flag for data at an address its type's alignment divides.
constexpr int kAligned = py::detail::npy_api::NPY_ARRAY_ALIGNED_;

std::string type_name(py::handle value) { return py::str(value.get_type().attr("__name__")); }

std::string shape_text(const py::array& a) {
    std::string out = "(";
    for (py::ssize_t d = 0; d < a.ndim(); ++d) out += (d > 0 ? ", " : "") + std::to_string(a.shape(d));
    return out + (a.ndim() == 1 ? ",)" : ")");
}

bool is_float64(const py::array& a) { return a.dtype().equal(py::dtype::of<double>()); }

std::string dtype_refusal(const std::string& what, const py::array& a) {
    return what + " holds " + std::string(py::str(a.dtype())) +
           "; kernels read float64 (native byte order): convert it with np.asarray(" + what +
           ", dtype=np.float64), a copy";
}

// A number given for an input: a Python float or int, or a NumPy scalar.
bool is_number(py::handle value) {
    return !py::isinstance<py::array>(value) && !py::isinstance<py::str>(value) && PyNumber_Check(value.ptr()) &&
           !py::isinstance<py::sequence>(value);
}

const double* column_data(const std::string& name, py::handle value, std::size_t& count, bool& first) {
    if (!py::isinstance<py::array>(value))
        throw py::type_error(name + " is a " + type_name(value) + "; give a number or a 1-D float64 NumPy array " +
                             "(np.asarray(" + name + ", dtype=np.float64) makes one)");
    const py::array a = py::reinterpret_borrow<py::array>(value);
    if (!is_float64(a)) throw py::type_error(dtype_refusal(name, a));
    if (a.ndim() != 1)
        throw py::type_error(name + " has shape " + shape_text(a) +
                             "; give each variable a 1-D array, or all of them in one 2-D array f(points)");
    if (a.shape(0) > 1 && a.strides(0) != static_cast<py::ssize_t>(sizeof(double)))
        throw py::type_error(name + " is a strided view (its values " + std::to_string(a.strides(0)) +
                             " bytes apart): kernels read contiguous values; np.ascontiguousarray(" + name +
                             ") makes a copy that is");
    if ((a.flags() & kAligned) == 0)
        throw py::type_error(name +
                             " is not aligned to 8 bytes (a buffer read at an odd offset): "
                             "np.require(" +
                             name + ", requirements=\"A\") makes an aligned copy");
    const auto n = static_cast<std::size_t>(a.shape(0));
    if (first) {
        count = n;
        first = false;
    } else if (n != count) {
        throw py::value_error(name + " has " + std::to_string(n) + " values where the arrays before it have " +
                              std::to_string(count));
    }
    return static_cast<const double*>(a.data());
}

void read_points(const std::vector<std::string>& names, py::handle value, CallInputs& in) {
    const std::size_t k = names.size();
    const py::array a = py::reinterpret_borrow<py::array>(value);
    if (!is_float64(a)) throw py::type_error(dtype_refusal("points", a));
    const std::string layouts =
        "; the kernel reads " + std::to_string(k) + " variables: give (k, N) in C order or (N, k) in Fortran order";
    if (a.ndim() != 2) throw py::type_error("points has shape " + shape_text(a) + layouts);
    const auto rows = static_cast<std::size_t>(a.shape(0)), cols = static_cast<std::size_t>(a.shape(1));
    const bool c_order = (a.flags() & py::array::c_style) != 0, f_order = (a.flags() & py::array::f_style) != 0;
    std::size_t n = 0;
    if (rows == k && c_order) {
        n = cols;
    } else if (cols == k && f_order) {
        n = rows;
        in.fortran = true;
    } else if (cols == k && c_order) {
        throw py::type_error(
            "points is a C-ordered (N, k) array, whose columns are not contiguous: pass "
            "np.asfortranarray(points), a copy, or keep the data as (k, N) in C order, which is read as it lies");
    } else if (rows == k && f_order) {
        throw py::type_error(
            "points is a Fortran-ordered (k, N) array, whose rows are not contiguous: "
            "np.ascontiguousarray(points) makes a copy kernels can read");
    } else if (rows == k || cols == k) {
        throw py::type_error(
            "points is a strided view: np.ascontiguousarray(points) or np.asfortranarray(points) "
            "makes a copy kernels can read");
    } else {
        throw py::type_error("points has shape " + shape_text(a) + layouts);
    }
    if ((a.flags() & kAligned) == 0)
        throw py::type_error(
            "points is not aligned to 8 bytes (a buffer read at an odd offset): "
            "np.require(points, requirements=\"A\") makes an aligned copy");
    in.rows = true;
    in.count = n;
    const auto* data = static_cast<const double*>(a.data());
    for (std::size_t i = 0; i < k; ++i) {
        in.is_column[i] = true;
        in.columns[i] = data + i * n;
    }
    in.keep.push_back(py::reinterpret_borrow<py::object>(value));
}

}  // namespace

CallInputs read_call(const std::vector<std::string>& names, const py::args& args, const py::kwargs& kwargs) {
    const std::size_t k = names.size();
    CallInputs in;
    in.is_column.assign(k, false);
    in.numbers.assign(k, 0.0);
    in.columns.assign(k, nullptr);
    if (args.size() > 1 || (!args.empty() && !kwargs.empty()))
        throw py::type_error("give the inputs either by name (f(x=..., y=...)) or as one array f(points)");
    if (args.size() == 1) {
        const py::handle value = args[0];
        if (py::isinstance<py::array>(value) && py::reinterpret_borrow<py::array>(value).ndim() == 2) {
            read_points(names, value, in);
            return in;
        }
        if (!py::isinstance<py::sequence>(value) && !py::isinstance<py::array>(value))
            throw py::type_error("f(point) takes a sequence of " + std::to_string(k) + " numbers or a 2-D array");
        if (py::len(value) != k)
            throw py::value_error(
                "the point has " + std::to_string(py::len(value)) + " values; the kernel reads " + std::to_string(k) +
                (k == 1 ? ": for many values of " + names[0] + ", call f(" + names[0] + "=values) with a 1-D array"
                        : ""));
        const py::sequence point = py::reinterpret_borrow<py::sequence>(value);
        for (std::size_t i = 0; i < k; ++i) {
            const py::object number = point[i];
            if (!is_number(number))
                throw py::type_error(
                    "f(point) takes numbers; for many points give a 2-D float64 array "
                    "(np.asarray(points, dtype=np.float64) makes one)");
            in.numbers[i] = py::float_(number).cast<double>();
        }
        return in;
    }
    bool first = true;
    for (std::size_t i = 0; i < k; ++i) {
        if (!kwargs.contains(names[i])) {
            std::string all;
            for (const std::string& n : names) all += (all.empty() ? "" : ", ") + n;
            throw py::type_error("no value for " + names[i] + "; the kernel reads " + all);
        }
        const py::handle value = kwargs[names[i].c_str()];
        if (is_number(value)) {
            in.numbers[i] = py::float_(py::reinterpret_borrow<py::object>(value)).cast<double>();
        } else {
            in.columns[i] = column_data(names[i], value, in.count, first);
            in.is_column[i] = true;
            in.rows = true;
            in.keep.push_back(py::reinterpret_borrow<py::object>(value));
        }
    }
    for (const auto& [key, value] : kwargs) {
        const std::string name = key.cast<std::string>();
        if (std::find(names.begin(), names.end(), name) == names.end())
            throw py::type_error("the kernel reads no variable " + name);
    }
    return in;
}

py::array_t<double> new_array(const std::vector<std::size_t>& shape, bool fortran) {
    std::vector<py::ssize_t> extents(shape.begin(), shape.end()), strides(shape.size());
    py::ssize_t stride = sizeof(double);
    for (std::size_t d = 0; d < shape.size(); ++d) {
        const std::size_t axis = fortran ? d : shape.size() - 1 - d;
        strides[axis] = stride;
        stride *= std::max<py::ssize_t>(extents[axis], 1);
    }
    return py::array_t<double>(extents, strides);
}

py::array_t<double> result_array(const std::vector<std::size_t>& shape, bool fortran, py::handle given,
                                 const std::string& what) {
    if (!given) return new_array(shape, fortran);
    std::string wanted = "(";
    for (std::size_t d = 0; d < shape.size(); ++d) wanted += (d > 0 ? ", " : "") + std::to_string(shape[d]);
    wanted += shape.size() == 1 ? ",)" : ")";
    const std::string need = what + " must be a writeable float64 array of shape " + wanted + " in " +
                             (fortran ? "Fortran" : "C") + " order, as the call returns it";
    if (!py::isinstance<py::array>(given)) throw py::type_error(need + "; it is a " + type_name(given));
    const py::array a = py::reinterpret_borrow<py::array>(given);
    bool same_shape = a.ndim() == static_cast<py::ssize_t>(shape.size());
    for (std::size_t d = 0; same_shape && d < shape.size(); ++d)
        same_shape = a.shape(static_cast<py::ssize_t>(d)) == static_cast<py::ssize_t>(shape[d]);
    const int order = fortran ? py::array::f_style : py::array::c_style;
    if (!is_float64(a) || !same_shape || (a.flags() & order) == 0 || !a.writeable() || (a.flags() & kAligned) == 0)
        throw py::type_error(need + "; it is " + std::string(py::str(a.dtype())) + " of shape " + shape_text(a) +
                             ((a.flags() & order) == 0 ? ", not in that order" : "") +
                             (a.writeable() ? "" : ", read-only"));
    return py::reinterpret_borrow<py::array_t<double>>(given);
}

}  // namespace gradc::python
