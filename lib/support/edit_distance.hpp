// How far apart two names are, for "did you mean" messages (function names in the
// parser, misspelt columns in fit).
#pragma once

#include <cstddef>
#include <string_view>

namespace gradc::support {

// Edit distance with swaps of neighbours counted once (optimal string alignment):
// insertions, deletions, substitutions and swaps each cost 1, so "wieght" is one from
// "weight" and "sni" one from "sin". Quadratic in the lengths: meant for names.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace gradc::support
