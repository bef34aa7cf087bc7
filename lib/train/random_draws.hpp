// Draws from a std::mt19937_64 by this file's own transforms rather than <random>'s
// distributions, whose algorithms the standard leaves open: a seed gives the same numbers
// with every standard library (network initializers, SmoothGrad's noise).
#pragma once

#include <cmath>
#include <numbers>
#include <random>

namespace gradc::train {

// A double in [0, 1) from the top 53 bits: the engine's output is fixed by the standard.
inline double uniform01(std::mt19937_64& random) { return static_cast<double>(random() >> 11) * 0x1.0p-53; }

// One standard normal by Box–Muller (the cosine half; the sine half is dropped so each
// draw uses exactly two engine outputs). 1 - u keeps the log's argument in (0, 1].
inline double standard_normal(std::mt19937_64& random) {
    const double u1 = 1.0 - uniform01(random);
    const double u2 = uniform01(random);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace gradc::train
