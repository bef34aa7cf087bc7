// Hand-written value + gradient of the formulas jit_bench compiles, as one would write
// them in C++ (compiled with -O3 -march=native). out = {value, partials...}.
#pragma once

#include <cstddef>

namespace gradc::bench {

void x2_sin_y(const double* in, double* out);            // x^2*sin(y)
void feynman_I_41_16(const double* in, double* out);     // omega, T, h, kb, c
void radial_wave(const double* in, double* out);         // exp(-r)*cos(3*r)/r, r = |(x, y, z)|
void log_atan_sqrt(const double* in, double* out);       // log(1 + x^2) + atan(y/x)*sqrt(z)
void trig_tanh_log(const double* in, double* out);       // sin(x)*cos(y)*tanh(z) + log(x*y + 2)
// Chained Rosenbrock over n variables: value and n partials.
void rosenbrock(const double* in, double* out, std::size_t n);

}  // namespace gradc::bench
