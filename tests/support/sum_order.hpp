// The order of a batch kernel's sums, written from jit.hpp's description alone: the
// oracle compiled sums must match bit for bit, whatever their lane count.
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>

namespace gradc::testing {

// One kernel call's sum over rows [begin, end), `terms` holding the rows' values in
// order: term t goes into partial s[t mod 8], each partial starting at -0.0; then
// ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)). No terms give +0.0.
inline double call_sum(std::span<const double> terms) {
    if (terms.empty()) return 0.0;
    double s[8] = {-0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0};
    for (std::size_t t = 0; t < terms.size(); ++t) s[t % 8] += terms[t];
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

// BatchKernel::operator()'s sum over rows [0, terms.size()): one call per chunk of
// `chunk_rows` rows, the chunks' sums added in chunk order, the first one first.
inline double batch_sum(std::span<const double> terms, std::size_t chunk_rows) {
    if (terms.empty()) return 0.0;
    double total = call_sum(terms.first(std::min(chunk_rows, terms.size())));
    for (std::size_t first = chunk_rows; first < terms.size(); first += chunk_rows)
        total += call_sum(terms.subspan(first, std::min(chunk_rows, terms.size() - first)));
    return total;
}

}  // namespace gradc::testing
