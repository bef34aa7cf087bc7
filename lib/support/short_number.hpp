// A number for a message, shared by the optimizers' and the fit loop's explanations.
#pragma once

#include <string>

namespace gradc::support {

// Up to 6 significant digits ("0.001", "2.5e+11", "nan"): what a reader needs to act
// on, where shortest_number() would print every digit a value has.
std::string short_number(double v);

}  // namespace gradc::support
