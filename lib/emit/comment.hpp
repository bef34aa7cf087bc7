// The comment at the top of emitted C and headers: each kernel's signature, formula,
// inputs and outputs, then the calling conventions and semantics they follow.
#pragma once

#include <span>
#include <string>

#include "gradc/emit.hpp"

namespace gradc::emit_detail {

struct CommentFacts {
    std::string title;                // the first sentence
    std::string closing;              // a last paragraph, or empty
    std::span<const unsigned> lanes;  // per kernel: rows per SIMD vector of batch kernels
};

// A C block comment (never containing "*/" before its end), its lines within 88
// columns but for the formulas, which keep their own lines.
std::string kernels_comment(std::span<const AotKernel> kernels, const CommentFacts& facts);

// The kernel's C declaration, without `restrict` and the semicolon, as headers give it.
std::string c_declaration(const AotKernel& kernel);

}  // namespace gradc::emit_detail
