// gradc.compile(): a formula's value, gradient and optionally Hessian as native code,
// called at one point (a point kernel), at every row of arrays (a map kernel) or summed
// over the rows (a batch kernel). Numbers given instead of arrays are the same for
// every row (the kernels' parameters), so each pattern of numbers and arrays has its
// own kernel, compiled on first use. The GIL is released while a kernel runs; kernels
// are thread-safe, so Python threads may call one at once.
#include <pybind11/stl.h>

#include <algorithm>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "arrays.hpp"
#include "bindings.hpp"
#include "gradc/autodiff.hpp"
#include "gradc/jit.hpp"
#include "gradc/passes.hpp"
#include "gradc/print.hpp"
#include "gradc/thread_pool.hpp"

namespace gradc::python {
namespace {

class Function {
public:
    Function(py::handle formula, py::handle wrt, bool hessian, std::size_t threads, const JitOptions& options)
        : formula_(read_formula(formula)), jit_(shared_jit(options)), hessian_(hessian) {
        ExprContext& ctx = formula_.context->ctx;
        wrt_ = resolve_wrt(formula_, wrt);
        // As compile_point() does: derivatives of the stable form are stable too.
        const Expr value = options.stable_forms ? stable_forms(ctx, formula_.value) : formula_.value;
        outputs_.push_back(value);
        for (const Expr g : gradient(ctx, value, wrt_)) outputs_.push_back(g);
        if (hessian)
            for (const auto& row : gradc::hessian(ctx, value, wrt_))
                for (const Expr e : row) outputs_.push_back(e);
        for (const Expr v : formula_.variables) {
            names_.emplace_back(v->name());
            keys_.push_back(py::str(names_.back()));
        }
        point_ = jit_.compile(outputs_, formula_.variables);
        if (threads != 1) pool_ = std::make_shared<ThreadPool>(threads);
    }

    py::object call(const py::args& args, py::kwargs kwargs) {
        Scratch in_values(names_.size());
        if (args.empty() && read_point_keywords(kwargs, in_values.data())) return point(in_values.data());
        // out=(values, gradient[, hessian]): arrays to write into instead of new ones. A
        // variable called `out` takes a number or a 1-D array, never a tuple.
        py::object given;
        if (kwargs.contains("out")) {
            const py::object out = kwargs["out"];
            const bool variable = std::find(names_.begin(), names_.end(), "out") != names_.end();
            if (py::isinstance<py::tuple>(out) || py::isinstance<py::list>(out)) {
                given = out;
                // A copy: the dict may be the caller's own (PyObject_Call from C).
                kwargs = py::reinterpret_steal<py::kwargs>(PyDict_Copy(kwargs.ptr()));
                if (!kwargs || PyDict_DelItemString(kwargs.ptr(), "out") != 0) throw py::error_already_set();
            } else if (!variable) {
                throw py::type_error("out= takes a tuple of " + std::to_string(hessian_ ? 3 : 2) +
                                     " arrays, (values, gradient" + (hessian_ ? ", hessian)" : ")"));
            }
        }
        const CallInputs in = read_call(names_, args, kwargs);
        if (!in.rows) {
            if (given) throw py::type_error("out= takes the arrays of a call over arrays; a point's results are small");
            return point(in.numbers.data());
        }
        return map(in, given);
    }

    py::object sum(const py::args& args, const py::kwargs& kwargs) {
        if (kwargs.contains("out") && std::find(names_.begin(), names_.end(), "out") == names_.end())
            throw py::type_error("sum() returns a number and small arrays: it takes no out=");
        const CallInputs in = read_call(names_, args, kwargs);
        if (!in.rows) throw py::type_error("sum() adds over the rows of arrays: give at least one input as an array");
        const BatchKernel& kernel = sum_kernel(in.is_column);
        std::vector<double> params;
        std::vector<const double*> columns;
        split(in, params, columns);
        std::vector<double> out(outputs_.size());
        {
            const py::gil_scoped_release release;
            kernel(params, columns, in.count, out, pool_.get());
        }
        return results(out.data());
    }

    const std::vector<std::string>& names() const { return names_; }
    std::vector<std::string> wrt_names() const {
        std::vector<std::string> out;
        for (const Expr v : wrt_) out.emplace_back(v->name());
        return out;
    }
    std::string text() const { return formula_.text; }
    bool has_hessian() const { return hessian_; }
    std::size_t threads() const { return pool_ ? pool_->size() : 1; }

private:
    // (value, gradient[, hessian]) from outputs laid out value, gradient, Hessian rows.
    py::object results(const double* out) const {
        const std::size_t n = wrt_.size();
        py::array_t<double> gradient(static_cast<py::ssize_t>(n));
        std::copy(out + 1, out + 1 + n, gradient.mutable_data());
        if (!hessian_) return py::make_tuple(out[0], gradient);
        py::array_t<double> h = new_array({n, n}, false);
        std::copy(out + 1 + n, out + 1 + n + n * n, h.mutable_data());
        return py::make_tuple(out[0], gradient, h);
    }

    // A point's inputs or outputs: on the stack unless there are many. Each call has
    // its own: calls from several threads run together once the GIL is released.
    class Scratch {
    public:
        explicit Scratch(std::size_t n) {
            if (n > kOnStack) heap_.resize(n);
        }
        double* data() { return heap_.empty() ? stack_ : heap_.data(); }

    private:
        static constexpr std::size_t kOnStack = 64;
        double stack_[kOnStack];
        std::vector<double> heap_;
    };

    py::object point(const double* in) const {
        Scratch out(outputs_.size());
        {
            const py::gil_scoped_release release;
            point_(in, out.data());
        }
        return results(out.data());
    }

    // The common call f(x=1.0, y=2.0), every input a float and nothing else, read
    // straight into `in`; any other call takes read_call()'s checks.
    bool read_point_keywords(const py::kwargs& kwargs, double* in) const {
        if (static_cast<std::size_t>(PyDict_Size(kwargs.ptr())) != keys_.size()) return false;
        for (std::size_t i = 0; i < keys_.size(); ++i) {
            PyObject* value = PyDict_GetItem(kwargs.ptr(), keys_[i].ptr());
            if (value == nullptr || !PyFloat_Check(value)) return false;
            in[i] = PyFloat_AS_DOUBLE(value);
        }
        return true;
    }

    py::object map(const CallInputs& in, const py::object& given) {
        const MapKernel& kernel = map_kernel(in.is_column);
        const std::size_t n = wrt_.size(), rows = in.count;
        const std::size_t parts = hessian_ ? 3 : 2;
        if (given && py::len(given) != parts)
            throw py::value_error("out= takes " + std::to_string(parts) + " arrays, as the call returns");
        std::vector<py::object> parts_given(parts);
        for (std::size_t k = 0; given && k < parts; ++k) parts_given[k] = given[py::int_(k)];
        const auto part = [&](std::size_t k) { return py::handle(parts_given[k]); };
        // (n, N) in C order, or (N, n) in Fortran order after a Fortran input: the same
        // memory, a contiguous block of N values per partial; the Hessian likewise.
        py::array_t<double> values = result_array({rows}, false, part(0), "out[0]");
        py::array_t<double> gradient =
            result_array(in.fortran ? std::vector{rows, n} : std::vector{n, rows}, in.fortran, part(1), "out[1]");
        std::vector<double*> out{values.mutable_data()};
        for (std::size_t i = 0; i < n; ++i) out.push_back(gradient.mutable_data() + i * rows);
        py::array_t<double> h;
        if (hessian_) {
            h = result_array(in.fortran ? std::vector{rows, n, n} : std::vector{n, n, rows}, in.fortran, part(2),
                             "out[2]");
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t j = 0; j < n; ++j)
                    out.push_back(h.mutable_data() + (in.fortran ? i + j * n : i * n + j) * rows);
        }
        if (given) check_apart(in, given);
        std::vector<double> params;
        std::vector<const double*> columns;
        split(in, params, columns);
        {
            const py::gil_scoped_release release;
            kernel(params, columns, rows, out, pool_.get());
        }
        if (!hessian_) return py::make_tuple(values, gradient);
        return py::make_tuple(values, gradient, h);
    }

    // Kernels' inputs and outputs must not overlap (jit.hpp): out= arrays that share
    // memory with each other or with the inputs would give results that depend on the
    // order rows are computed in.
    static void check_apart(const CallInputs& in, const py::object& given) {
        const py::object may_share = py::module_::import("numpy").attr("may_share_memory");
        const std::size_t parts = py::len(given);
        for (std::size_t a = 0; a < parts; ++a) {
            for (std::size_t b = a + 1; b < parts; ++b)
                if (may_share(given[py::int_(a)], given[py::int_(b)]).cast<bool>())
                    throw py::value_error("out[" + std::to_string(a) + "] and out[" + std::to_string(b) +
                                          "] share memory: give arrays of their own");
            for (const py::object& input : in.keep)
                if (may_share(given[py::int_(a)], input).cast<bool>())
                    throw py::value_error("out[" + std::to_string(a) +
                                          "] shares memory with an input: the kernel "
                                          "would overwrite values it has still to read");
        }
    }

    // The numbers (parameters) and arrays (columns) of a call, each in input order.
    static void split(const CallInputs& in, std::vector<double>& params, std::vector<const double*>& columns) {
        for (std::size_t i = 0; i < in.is_column.size(); ++i) {
            if (in.is_column[i])
                columns.push_back(in.columns[i]);
            else
                params.push_back(in.numbers[i]);
        }
    }

    // The kernel of `kernels` for this pattern of numbers (parameters) and arrays
    // (columns), compiled by `(jit_.*compile)(outputs, params, columns)` on first use.
    template <typename K, typename Compile>
    const K& kernel_for(std::map<std::vector<bool>, K>& kernels, const std::vector<bool>& is_column, Compile compile) {
        auto it = kernels.find(is_column);
        if (it != kernels.end()) return it->second;
        std::vector<Expr> params, columns;
        for (std::size_t i = 0; i < is_column.size(); ++i)
            (is_column[i] ? columns : params).push_back(formula_.variables[i]);
        return kernels.emplace(is_column, (jit_.*compile)(outputs_, params, columns)).first->second;
    }
    const MapKernel& map_kernel(const std::vector<bool>& is_column) {
        return kernel_for(maps_, is_column, &Jit::compile_map);
    }
    const BatchKernel& sum_kernel(const std::vector<bool>& is_column) {
        return kernel_for(sums_, is_column, &Jit::compile_sum);
    }

    Formula formula_;  // keeps the context of the outputs alive
    Jit jit_;
    bool hessian_;
    std::vector<Expr> wrt_;
    std::vector<Expr> outputs_;  // value, gradient by wrt_, then with hessian_ the n x n Hessian row by row
    std::vector<std::string> names_;
    std::vector<py::str> keys_;  // names_ as Python strings, for keyword lookups
    Kernel point_;
    // Kernels over arrays by which inputs are arrays; compiled with the GIL held, which
    // also guards these maps.
    std::map<std::vector<bool>, MapKernel> maps_;
    std::map<std::vector<bool>, BatchKernel> sums_;
    std::shared_ptr<ThreadPool> pool_;
};

}  // namespace

// Never destroyed, so no LLVM teardown runs while Python finalizes; kernels hold their
// own reference to the session.
Jit& shared_jit(const JitOptions& options) {
    static std::mutex mutex;
    static auto* jits = new std::map<std::tuple<bool, bool, bool>, Jit>();
    const std::lock_guard lock(mutex);
    const auto key = std::make_tuple(options.vector_math, options.contract_fma, options.stable_forms);
    auto it = jits->find(key);
    if (it == jits->end()) it = jits->emplace(key, Jit(options)).first;
    return it->second;
}

void bind_kernels(py::module_& m) {
    py::class_<Function, std::shared_ptr<Function>>(
        m, "Function",
        "A compiled formula: f(x=2.0, y=0.5) gives (value, gradient[, hessian]); with arrays the same at every "
        "row; f.sum(...) sums them over the rows.")
        .def("__call__", &Function::call,
             "At one point (keywords with numbers, or a sequence of numbers): (value, gradient[, hessian]). With "
             "arrays (keywords with 1-D arrays, or one 2-D array): the same at every row, as arrays.")
        .def("sum", &Function::sum, "The value, gradient[, hessian] summed over the rows of arrays.")
        .def_property_readonly("inputs", &Function::names, "The variables a call reads, in order.")
        .def_property_readonly("wrt", &Function::wrt_names, "The variables of the gradient, in order.")
        .def_property_readonly("threads", &Function::threads)
        .def_property_readonly("hessian", &Function::has_hessian)
        .def("__repr__", [](const Function& f) { return "<gradc.Function " + f.text() + ">"; });

    m.def(
        "compile",
        [](py::handle formula, py::handle wrt, bool hessian, std::size_t threads, bool vector_math, bool fma,
           bool stable) {
            JitOptions options;
            options.vector_math = vector_math;
            options.contract_fma = fma;
            options.stable_forms = stable;
            return std::make_shared<Function>(formula, wrt, hessian, threads, options);
        },
        py::arg("formula"), py::arg("wrt") = py::none(), py::kw_only(), py::arg("hessian") = false,
        py::arg("threads") = 1, py::arg("vector_math") = true, py::arg("fma") = false, py::arg("stable_forms") = true,
        "Compiles a formula (text or gradc.Expr) and its gradient by `wrt` (default: every variable) to native code. "
        "threads: 0 for one per hardware thread. Options as docs/kernels.md describes them.");
}

}  // namespace gradc::python
