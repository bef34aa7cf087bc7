// Seeded values for the tensor tests.
#pragma once

#include <random>
#include <vector>

namespace gradc::testing {

// n values drawn uniformly from [-scale, scale].
inline std::vector<double> random_reals(std::size_t n, std::mt19937_64& random, double scale = 1.0) {
    std::uniform_real_distribution<double> u(-scale, scale);
    std::vector<double> v(n);
    for (double& x : v) x = u(random);
    return v;
}

}  // namespace gradc::testing
