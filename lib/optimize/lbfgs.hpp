// L-BFGS behind minimize(Method::Lbfgs).
#pragma once

#include <span>

#include "gradc/optimize.hpp"

namespace gradc::optim {

// The run from `x0` with `options` (already checked by minimize()).
MinimizeResult minimize_lbfgs(const Objective& f, std::span<const double> x0, const MinimizeOptions& options);

}  // namespace gradc::optim
