#include "backend/llvm_error.hpp"

#include <string>

#include "gradc/codegen.hpp"

namespace gradc::backend {

void throw_jit_error(llvm::Error error, std::string_view doing) {
    throw JitError("LLVM failed while " + std::string(doing) + ": " + llvm::toString(std::move(error)));
}

}  // namespace gradc::backend
