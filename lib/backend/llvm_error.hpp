// The one place LLVM's errors become gradc::JitError.
#pragma once

#include <string_view>
#include <utility>

#include <llvm/Support/Error.h>

namespace gradc::backend {

[[noreturn]] void throw_jit_error(llvm::Error error, std::string_view doing);

inline void check(llvm::Error error, std::string_view doing) {
    if (error) throw_jit_error(std::move(error), doing);
}

template <class T>
T take(llvm::Expected<T> value, std::string_view doing) {
    if (!value) throw_jit_error(value.takeError(), doing);
    return std::move(*value);
}

}  // namespace gradc::backend
