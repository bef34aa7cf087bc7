// The extension module gradc._gradc; python/gradc/__init__.py re-exports it as `gradc`.
#include "bindings.hpp"

PYBIND11_MODULE(_gradc, m) {
    using namespace gradc::python;
    m.doc() = "gradc: exact derivatives and compiled kernels (the C++ library, from Python)";
    bind_errors(m);
    bind_expressions(m);
    bind_symbolic(m);
    bind_kernels(m);
    bind_minimize(m);
    bind_fit(m);
    bind_emit(m);
    bind_explain(m);
    bind_tune(m);
}
