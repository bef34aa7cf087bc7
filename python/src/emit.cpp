// gradc.emit(): a formula's point kernel written ahead of time (emit.hpp) as C source,
// a C header, LLVM IR, assembly, an object file, or a shared library with its header,
// as `gradc emit` writes them.
#include <pybind11/stl.h>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "gradc/emit.hpp"

namespace gradc::python {
namespace {

Derivatives derivatives_named(const std::string& name) {
    if (name == "none") return Derivatives::None;
    if (name == "gradient") return Derivatives::Gradient;
    if (name == "hessian") return Derivatives::Hessian;
    throw py::value_error("derivatives is none, gradient or hessian, not '" + name + "'");
}

py::object emit_formula(py::handle formula, const std::string& format, const std::string& name,
                        const std::string& derivatives, const std::optional<std::string>& path,
                        const std::string& cpu) {
    const Formula f = read_formula(formula);
    CodegenOptions options;
    options.cpu = cpu;
    std::vector<AotKernel> kernels{aot_point_kernel(f.context->ctx, name, std::vector<Expr>{f.value}, f.variables,
                                                    derivatives_named(derivatives))};
    kernels[0].formula = f.text;
    if (format == "so") {
        if (!path) throw py::value_error("format 'so' writes a shared library: name it with path='libf.so'");
        emit_shared_library(kernels, *path, options);
        std::string header_path = *path;
        if (header_path.size() > 3 && header_path.ends_with(".so")) header_path.resize(header_path.size() - 3);
        header_path += ".h";
        std::ofstream header(header_path, std::ios::binary);
        header << emit_c_header(kernels, options);
        if (!header) throw Error("cannot write " + header_path);
        return py::str(header_path);
    }
    std::string text;
    if (format == "c")
        text = emit_c_source(kernels, options);
    else if (format == "h")
        text = emit_c_header(kernels, options);
    else if (format == "llvm")
        text = emit_llvm_ir(kernels[0], options);
    else if (format == "asm")
        text = emit_assembly(kernels[0], options);
    else if (format == "obj")
        text = emit_object(kernels[0], options);
    else
        throw py::value_error("format is c, h, llvm, asm, obj or so, not '" + format + "'");
    if (path) {
        std::ofstream out(*path, std::ios::binary);
        out << text;
        if (!out) throw Error("cannot write " + *path);
        return py::str(*path);
    }
    if (format == "obj") return py::bytes(text);
    return py::str(text);
}

}  // namespace

void bind_emit(py::module_& m) {
    m.def("emit", &emit_formula, py::arg("formula"), py::arg("format") = "c", py::kw_only(), py::arg("name") = "f",
          py::arg("derivatives") = "gradient", py::arg("path") = py::none(), py::arg("cpu") = "",
          "The formula's point kernel, void NAME(const double* in, double* out), ahead of time: format c, h (its "
          "header), llvm, asm, obj (bytes) or so (a shared library at `path` and its header beside it, whose path "
          "is returned). With `path`, other formats are written there too.");
}

}  // namespace gradc::python
