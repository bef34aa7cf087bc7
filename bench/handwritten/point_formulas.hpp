// Hand-written value + gradient of the formulas jit_bench compiles, written as one
// would write them in C++ for speed and compiled with -O3 -march=native (see
// bench/CMakeLists.txt). Each has the point-kernel calling convention
// (include/gradc/jit.hpp): `in` holds the inputs in the order listed,
// out[0] = the value, out[1 + i] = the partial by input i.
#pragma once

#include <cstddef>

namespace gradc::bench::handwritten {

using PointFunction = void (*)(const double* in, double* out);

// x^2*sin(y); inputs x, y.
void x2_sin_y(const double* in, double* out);

// Feynman I.41.16: h/(2 pi) * omega^3/(pi^2 c^2) / (exp(h/(2 pi) * omega/(kb T)) - 1);
// inputs omega, T, h, kb, c.
void feynman_I_41_16(const double* in, double* out);

// exp(-r)*cos(3 r)/r with r = sqrt(x^2 + y^2 + z^2); inputs x, y, z.
void radial_wave(const double* in, double* out);

// log(1 + x^2) + atan(y/x)*sqrt(z); inputs x, y, z.
void log_atan_sqrt(const double* in, double* out);

// sin(x)*cos(y)*tanh(z) + log(x*y + 2); inputs x, y, z.
void trig_tanh_log(const double* in, double* out);

// Chained Rosenbrock sum_{i=0}^{n-2} 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2 over
// x_0 .. x_{n-1}, with n fixed at compile time as a hand-written kernel would have it.
// Returns the function for n, or nullptr for an n not instantiated (10, 100, 1000,
// 10000).
PointFunction rosenbrock(std::size_t n);

}  // namespace gradc::bench::handwritten
