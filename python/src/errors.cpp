// gradc's C++ errors as a small hierarchy of Python exceptions with the same messages:
//
//   gradc.Error(Exception)
//     ParseError(Error, ValueError)     .line .column .source_line .caret .detail
//     SemanticError(Error, ValueError)
//     DataError(Error, ValueError)      .line .column
//     LimitError(Error)
//     JitError(Error, RuntimeError)
//
// An InternalError (a bug in gradc) becomes RuntimeError.
#include <Python.h>

#include "bindings.hpp"
#include "gradc/codegen.hpp"
#include "gradc/dataset.hpp"
#include "gradc/error.hpp"

namespace gradc::python {
namespace {

// The classes, created once when the module loads; the module's attributes keep them
// alive for as long as the interpreter runs.
struct ErrorClasses {
    PyObject* error = nullptr;
    PyObject* parse = nullptr;
    PyObject* semantic = nullptr;
    PyObject* data = nullptr;
    PyObject* limit = nullptr;
    PyObject* jit = nullptr;
};
ErrorClasses classes;

PyObject* make_class(py::module_& m, const char* name, const char* doc, py::tuple bases) {
    const std::string qualified = std::string("gradc.") + name;
    PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
    if (cls == nullptr) throw py::error_already_set();
    m.add_object(name, py::reinterpret_borrow<py::object>(cls));
    return cls;
}

// Raises an instance of `cls` with `message` and the given attributes.
void raise(PyObject* cls, const char* message, const py::dict& attributes = {}) {
    py::object error = py::reinterpret_borrow<py::object>(cls)(message);
    for (const auto& [key, value] : attributes) error.attr(key) = value;
    PyErr_SetObject(cls, error.ptr());
}

}  // namespace

void bind_errors(py::module_& m) {
    const py::handle base(PyExc_Exception);
    classes.error = make_class(m, "Error", "Any error gradc reports: the message says what is wrong and what to do.",
                               py::make_tuple(base));
    const py::handle error(classes.error);
    classes.parse = make_class(m, "ParseError",
                               "A malformed formula: .line and .column (1-based) say where, .source_line and "
                               ".caret show it, .detail says what is wrong.",
                               py::make_tuple(error, py::handle(PyExc_ValueError)));
    classes.semantic =
        make_class(m, "SemanticError", "A well-formed formula used in a way it cannot be (a missing variable, ...).",
                   py::make_tuple(error, py::handle(PyExc_ValueError)));
    classes.data = make_class(m, "DataError", "Data that cannot be read: .line and .column say where.",
                              py::make_tuple(error, py::handle(PyExc_ValueError)));
    classes.limit = make_class(m, "LimitError", "A configured limit (length, nesting, node count) was exceeded.",
                               py::make_tuple(error));
    classes.jit = make_class(m, "JitError", "LLVM could not build or link a kernel.",
                             py::make_tuple(error, py::handle(PyExc_RuntimeError)));

    py::register_local_exception_translator([](std::exception_ptr thrown) {
        try {
            if (thrown) std::rethrow_exception(thrown);
        } catch (const ParseError& e) {
            const Diagnostic& d = e.diagnostic();
            py::dict attributes;
            attributes["line"] = d.line;
            attributes["column"] = d.column;
            attributes["source_line"] = d.source_line;
            attributes["caret"] = d.caret;
            attributes["detail"] = d.message;
            raise(classes.parse, e.what(), attributes);
        } catch (const DataError& e) {
            py::dict attributes;
            attributes["line"] = e.line();
            attributes["column"] = e.column();
            raise(classes.data, e.what(), attributes);
        } catch (const SemanticError& e) {
            raise(classes.semantic, e.what());
        } catch (const LimitError& e) {
            raise(classes.limit, e.what());
        } catch (const JitError& e) {
            raise(classes.jit, e.what());
        } catch (const Error& e) {
            raise(classes.error, e.what());
        } catch (const InternalError& e) {
            PyErr_SetString(PyExc_RuntimeError, e.what());
        }
    });
}

}  // namespace gradc::python
