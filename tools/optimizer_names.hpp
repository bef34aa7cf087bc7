// The optimizer names --optimizer accepts, shared by minimize and fit.
#pragma once

#include <string>
#include <string_view>

#include "gradc/optimize.hpp"

namespace gradc::cli {

// The method called `name` (gd or sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw,
// lbfgs); gradc::Error listing them for any other name.
Method method_named(const std::string& name);
// The name --optimizer gives `method`, for messages.
std::string_view method_name(Method method);

}  // namespace gradc::cli
