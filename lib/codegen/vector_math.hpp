// Calls to C library math functions from scalar or vector code. Scalar code calls libm;
// vector code calls glibc's libmvec variant where one exists (its x86-64 vector ABI
// names: _ZGVdN4v_exp is exp on 4 doubles with AVX2), else libm once per lane.
#pragma once

#include <span>
#include <string_view>

#include <llvm/IR/IRBuilder.h>

namespace gradc::codegen {

// `name` is the libm function ("exp", "atan2"); `args` are all doubles or all vectors
// of 2, 4 or 8 doubles. With `vector_library` false, vectors go lane by lane.
// `as_called` keeps LLVM from rewriting a libm call into other math (pow(x, 2) into
// x*x, pow(2, x) into exp2(x)): close, but not always libm's bits.
llvm::Value* call_math(llvm::IRBuilder<>& b, std::string_view name, std::span<llvm::Value* const> args,
                       bool vector_library, bool as_called = false);

// The libmvec symbol for `name` on `lanes` doubles with `arity` arguments, or "" when
// libmvec has none.
std::string libmvec_name(std::string_view name, unsigned lanes, std::size_t arity);

}  // namespace gradc::codegen
