// Gauss–Legendre quadrature on [0, 1]: n nodes integrate polynomials of degree 2n - 1
// exactly, and smooth functions with an error that falls geometrically in n.
#pragma once

#include <cstddef>
#include <vector>

namespace gradc::train {

struct Quadrature {
    std::vector<double> nodes;    // increasing, inside (0, 1)
    std::vector<double> weights;  // positive, summing to 1
};

// The n-node rule (n >= 1): the roots of the Legendre polynomial P_n by Newton's method
// from Tricomi's estimates, mapped from [-1, 1] to [0, 1].
Quadrature gauss_legendre(std::size_t n);

}  // namespace gradc::train
