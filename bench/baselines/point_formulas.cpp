#include "point_formulas.hpp"

#include <cmath>
#include <numbers>

namespace gradc::bench {

void x2_sin_y(const double* in, double* out) {
    const double x = in[0], y = in[1];
    const double s = std::sin(y), c = std::cos(y);
    out[0] = x * x * s;
    out[1] = 2 * x * s;
    out[2] = x * x * c;
}

// f = h/(2 pi) * omega^3 / (pi^2 c^2) / (exp(h/(2 pi) * omega/(kb T)) - 1)
void feynman_I_41_16(const double* in, double* out) {
    const double omega = in[0], T = in[1], h = in[2], kb = in[3], c = in[4];
    constexpr double pi = std::numbers::pi;
    const double hbar = h / (2 * pi);
    const double a = hbar * omega * omega * omega / (pi * pi * c * c);
    const double u = hbar * omega / (kb * T);
    const double e = std::exp(u);
    const double d = 1 / (e - 1);
    const double f = a * d;
    const double dfdu = -a * e * d * d;  // df/du
    out[0] = f;
    out[1] = 3 * f / omega + dfdu * u / omega;
    out[2] = -dfdu * u / T;
    out[3] = f / h + dfdu * u / h;
    out[4] = -dfdu * u / kb;
    out[5] = -2 * f / c;
}

void radial_wave(const double* in, double* out) {
    const double x = in[0], y = in[1], z = in[2];
    const double r = std::sqrt(x * x + y * y + z * z);
    const double e = std::exp(-r), c = std::cos(3 * r), s = std::sin(3 * r);
    const double f = e * c / r;
    const double dfdr = -f - 3 * e * s / r - f / r;
    out[0] = f;
    out[1] = dfdr * x / r;
    out[2] = dfdr * y / r;
    out[3] = dfdr * z / r;
}

void log_atan_sqrt(const double* in, double* out) {
    const double x = in[0], y = in[1], z = in[2];
    const double q = y / x, a = std::atan(q), sz = std::sqrt(z);
    const double da = 1 / (1 + q * q);
    out[0] = std::log(1 + x * x) + a * sz;
    out[1] = 2 * x / (1 + x * x) - da * q / x * sz;
    out[2] = da / x * sz;
    out[3] = a / (2 * sz);
}

void trig_tanh_log(const double* in, double* out) {
    const double x = in[0], y = in[1], z = in[2];
    const double sx = std::sin(x), cx = std::cos(x), sy = std::sin(y), cy = std::cos(y), t = std::tanh(z);
    const double l = x * y + 2;
    out[0] = sx * cy * t + std::log(l);
    out[1] = cx * cy * t + y / l;
    out[2] = -sx * sy * t + x / l;
    out[3] = sx * cy * (1 - t * t);
}

void rosenbrock(const double* in, double* out, std::size_t n) {
    double f = 0;
    for (std::size_t i = 0; i < n; ++i) out[1 + i] = 0;
    for (std::size_t i = 0; i + 1 < n; ++i) {
        const double a = in[i + 1] - in[i] * in[i], b = 1 - in[i];
        f += 100 * a * a + b * b;
        out[1 + i] += -400 * a * in[i] - 2 * b;
        out[2 + i] += 200 * a;
    }
    out[0] = f;
}

}  // namespace gradc::bench
