// --at for tensor programs: each item is one value in brackets or name=number pairs.
#pragma once

#include <span>
#include <string>

#include "tensor_inputs.hpp"

namespace gradc::cli {

// The values of the --at items, in the order given: `w=[0.5,-1]`, `X=[[1,2],[3,4]]`,
// `x=1,y=2`. Throws gradc::Error for text that is not of that form.
NamedTensorValues parse_tensor_at(std::span<const std::string> items);

}  // namespace gradc::cli
