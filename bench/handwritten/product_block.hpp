// The register-blocked matrix product the hand-written loop nests share, summing in
// the documented order: C[r, c] = Σ_i A(r, i) B[i, c] with term i in partial i mod 8.
#pragma once

#include <cstddef>

#include "handwritten/vec8.hpp"

namespace gradc::bench::handwritten {

inline constexpr std::size_t kBlockRows = 8;   // rows of C per register block
inline constexpr std::size_t kBlockCols = 16;  // columns of C per register block: two vectors

// C[r, 0..8V) for r < R, where A(r, i) = A[r*ar + i*ai] (a matrix, or a transposed one)
// and B's rows are ldb apart. Partial p takes the terms i ≡ p (mod 8) in increasing i:
// one pass over i per partial keeps the R·V accumulators in registers (8·2 = 16 of
// AVX-512's 32) while B's rows stream through the cache.
template <std::size_t R, std::size_t V>
void product_block(const double* A, std::size_t ar, std::size_t ai, const double* B, std::size_t ldb, std::size_t inner,
                   double* C, std::size_t ldc) {
    Vec8 partial[8][R][V];
    for (std::size_t p = 0; p < 8; ++p) {
        Vec8 acc[R][V];
        for (std::size_t r = 0; r < R; ++r)
            for (std::size_t v = 0; v < V; ++v) acc[r][v] = kMinusZero8;
        for (std::size_t i = p; i < inner; i += 8) {
            Vec8 b[V];
            for (std::size_t v = 0; v < V; ++v) b[v] = load8(B + i * ldb + 8 * v);
            for (std::size_t r = 0; r < R; ++r) {
                const double a = A[r * ar + i * ai];
                for (std::size_t v = 0; v < V; ++v) acc[r][v] += a * b[v];
            }
        }
        for (std::size_t r = 0; r < R; ++r)
            for (std::size_t v = 0; v < V; ++v) partial[p][r][v] = acc[r][v];
    }
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t v = 0; v < V; ++v) {
            Vec8 s[8];
            for (std::size_t p = 0; p < 8; ++p) s[p] = partial[p][r][v];
            store8(C + r * ldc + 8 * v, combine8(s));
        }
}

// C [rows, cols] (rows ldc apart) = A B over `inner`, cols a multiple of 16, A read as
// product_block reads it. Row blocks outermost: their part of A stays in L1 while B
// passes through L2.
inline void product(const double* A, std::size_t ar, std::size_t ai, const double* B, std::size_t ldb, std::size_t rows,
                    std::size_t cols, std::size_t inner, double* C, std::size_t ldc) {
    const std::size_t whole = rows - rows % kBlockRows;
    for (std::size_t r = 0; r < whole; r += kBlockRows)
        for (std::size_t c = 0; c < cols; c += kBlockCols)
            product_block<kBlockRows, 2>(A + r * ar, ar, ai, B + c, ldb, inner, C + r * ldc + c, ldc);
    for (std::size_t r = whole; r < rows; ++r)
        for (std::size_t c = 0; c < cols; c += kBlockCols)
            product_block<1, 2>(A + r * ar, ar, ai, B + c, ldb, inner, C + r * ldc + c, ldc);
}

}  // namespace gradc::bench::handwritten
