// Hand-written baselines for jit_bench; compiled -O3 -march=native on their own (a
// separate library, so the rest of the benchmark keeps the build's flags). The
// derivatives are worked out by hand below; jit_bench checks every output against the
// compiled kernels before timing anything.
#include "handwritten/point_formulas.hpp"

#include <cmath>
#include <numbers>

namespace gradc::bench::handwritten {

void x2_sin_y(const double* in, double* out) {
    const double x = in[0], y = in[1];
    const double s = std::sin(y), c = std::cos(y);
    out[0] = x * x * s;
    out[1] = 2 * x * s;  // d/dx
    out[2] = x * x * c;  // d/dy
}

// With hbar = h/(2 pi), a = hbar omega^3 / (pi^2 c^2), u = hbar omega / (kb T) and
// d = exp(u) - 1, f = a / d. Then df/du = -a exp(u) / d^2, and by the chain rule:
//   df/domega = 3 f/omega + df/du * u/omega   (a ~ omega^3, u ~ omega)
//   df/dT     = -df/du * u/T                  (u ~ 1/T)
//   df/dh     = f/h + df/du * u/h             (a ~ h, u ~ h)
//   df/dkb    = -df/du * u/kb                 (u ~ 1/kb)
//   df/dc     = -2 f/c                        (a ~ c^-2)
void feynman_I_41_16(const double* in, double* out) {
    constexpr double pi = std::numbers::pi;
    const double omega = in[0], T = in[1], h = in[2], kb = in[3], c = in[4];
    const double hbar = h / (2 * pi);
    const double a = hbar * (omega * omega * omega) / (pi * pi * (c * c));
    const double u = hbar * omega / (kb * T);
    const double e = std::exp(u);
    const double inv_d = 1 / (e - 1);
    const double f = a * inv_d;
    const double u_dfdu = -f * e * inv_d * u;  // u * df/du
    out[0] = f;
    out[1] = (3 * f + u_dfdu) / omega;
    out[2] = -u_dfdu / T;
    out[3] = (f + u_dfdu) / h;
    out[4] = -u_dfdu / kb;
    out[5] = -2 * f / c;
}

// f = exp(-r) cos(3r) / r; df/dr = -f - 3 exp(-r) sin(3r)/r - f/r; df/dx = df/dr * x/r.
void radial_wave(const double* in, double* out) {
    const double x = in[0], y = in[1], z = in[2];
    const double r = std::sqrt(x * x + y * y + z * z);
    const double inv_r = 1 / r;
    const double e = std::exp(-r);
    const double c = std::cos(3 * r), s = std::sin(3 * r);
    const double f = e * c * inv_r;
    const double dfdr = -f - 3 * e * s * inv_r - f * inv_r;
    const double g = dfdr * inv_r;
    out[0] = f;
    out[1] = g * x;
    out[2] = g * y;
    out[3] = g * z;
}

// f = log(1 + x^2) + atan(q) sqrt(z), q = y/x; atan'(q) = 1/(1 + q^2), dq/dx = -q/x,
// dq/dy = 1/x.
void log_atan_sqrt(const double* in, double* out) {
    const double x = in[0], y = in[1], z = in[2];
    const double q = y / x;
    const double a = std::atan(q), sz = std::sqrt(z);
    const double w = sz / ((1 + q * q) * x);  // sqrt(z) * atan'(q) / x
    const double p = 1 + x * x;
    out[0] = std::log(p) + a * sz;
    out[1] = 2 * x / p - w * q;
    out[2] = w;
    out[3] = a / (2 * sz);
}

// f = sin(x) cos(y) tanh(z) + log(x y + 2); tanh' = 1 - tanh^2.
void trig_tanh_log(const double* in, double* out) {
    const double x = in[0], y = in[1], z = in[2];
    const double sx = std::sin(x), cx = std::cos(x);
    const double sy = std::sin(y), cy = std::cos(y);
    const double t = std::tanh(z);
    const double inv_l = 1 / (x * y + 2);
    out[0] = sx * cy * t + std::log(x * y + 2);
    out[1] = cx * cy * t + y * inv_l;
    out[2] = -sx * sy * t + x * inv_l;
    out[3] = sx * cy * (1 - t * t);
}

namespace {

// One pass: with a_i = x_{i+1} - x_i^2 and b_i = 1 - x_i,
//   df/dx_i = 200 a_{i-1} - 400 x_i a_i - 2 b_i   (the first term absent for i = 0, the
//   last two for i = n-1).
template <std::size_t N>
void rosenbrock_n(const double* x, double* out) {
    static_assert(N >= 2);
    double f = 0;
    double* g = out + 1;
    double previous = 0;  // 200 a_{i-1}
    for (std::size_t i = 0; i + 1 < N; ++i) {
        const double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
        f += 100 * a * a + b * b;
        g[i] = previous - 400 * x[i] * a - 2 * b;
        previous = 200 * a;
    }
    g[N - 1] = previous;
    out[0] = f;
}

}  // namespace

PointFunction rosenbrock(std::size_t n) {
    switch (n) {
        case 10: return rosenbrock_n<10>;
        case 100: return rosenbrock_n<100>;
        case 1000: return rosenbrock_n<1000>;
        case 10000: return rosenbrock_n<10000>;
        default: return nullptr;
    }
}

}  // namespace gradc::bench::handwritten
