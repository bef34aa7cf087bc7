#include "train/quadrature.hpp"

#include <cmath>
#include <numbers>

#include "gradc/error.hpp"

namespace gradc::train {

Quadrature gauss_legendre(std::size_t n) {
    GRADC_ASSERT(n >= 1, "a quadrature rule needs a node");
    Quadrature q;
    q.nodes.resize(n);
    q.weights.resize(n);
    const double nd = static_cast<double>(n);
    // Roots come in pairs ±t: find the (n + 1) / 2 in [0, 1), largest first.
    for (std::size_t k = 0; k < (n + 1) / 2; ++k) {
        double t = std::cos(std::numbers::pi * (static_cast<double>(k) + 0.75) / (nd + 0.5));
        double derivative = 1.0;
        for (int iteration = 0; iteration < 100; ++iteration) {
            // P_n(t) and P_n'(t) by the three-term recurrence.
            double p0 = 1.0, p1 = t;
            for (std::size_t j = 2; j <= n; ++j) {
                const double jd = static_cast<double>(j);
                const double p2 = ((2 * jd - 1) * t * p1 - (jd - 1) * p0) / jd;
                p0 = p1;
                p1 = p2;
            }
            const double pn = n == 1 ? t : p1, pm = n == 1 ? 1.0 : p0;
            derivative = nd * (t * pn - pm) / (t * t - 1);
            const double step = pn / derivative;
            t -= step;
            if (std::abs(step) <= 1e-16 * std::max(1.0, std::abs(t))) break;
        }
        const double w = 2.0 / ((1 - t * t) * derivative * derivative);
        // [-1, 1] -> [0, 1]: u = (1 ± t) / 2, weights halved.
        q.nodes[k] = 0.5 * (1 - t);
        q.nodes[n - 1 - k] = 0.5 * (1 + t);
        q.weights[k] = q.weights[n - 1 - k] = 0.5 * w;
    }
    return q;
}

}  // namespace gradc::train
