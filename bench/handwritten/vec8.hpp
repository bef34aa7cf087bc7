// Eight doubles as one value (GCC's and Clang's vector extension): one AVX-512 register
// with -march=native on this machine, two AVX2 registers elsewhere. The hand-written
// loop nests use it so that their register blocks stay in registers, as a programmer
// tuning a loop nest by hand would make sure of; the arithmetic stays IEEE, lane by lane.
#pragma once

#include <cstring>

namespace gradc::bench::handwritten {

using Vec8 = double __attribute__((vector_size(64)));

inline Vec8 load8(const double* p) {
    Vec8 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

inline void store8(double* p, Vec8 v) { std::memcpy(p, &v, sizeof v); }

// The start of every partial sum: -0.0 + t is t exactly, whatever the sign of t.
inline constexpr Vec8 kMinusZero8 = {-0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0};

// ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7)) lane by lane.
inline Vec8 combine8(const Vec8* s) { return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7])); }

}  // namespace gradc::bench::handwritten
