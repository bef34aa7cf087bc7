// Random values for the inputs of a tensor program that the command line leaves out,
// for `gradc bench --rows N`: timing a program needs values of the right shapes, and
// rarely depends on which.
#pragma once

#include <cstdint>
#include <span>

#include "gradc/tensor.hpp"

namespace gradc::cli {

// Adds a value to `bindings` for every input of `inputs` it has none for, with N =
// bindings.rows, drawn from std::mt19937_64 seeded with `seed`, input by input in the
// order of `inputs`, elements in row-major order:
// - reals (params and real data) uniformly from [-1, 1);
// - int data uniformly from 0 ... K - 1, where K is the length (with N bound) of the
//   shortest axis any node of `outputs` indexes with it (take_along_axis, z[n, y[n]]),
//   so every index is in range; K = 1, all zeros, where it indexes no axis or only
//   empty ones.
// The same seed, program and N give the same values on every machine.
void draw_missing_inputs(TensorBindings& bindings, std::span<const Tensor> inputs, std::span<const Tensor> outputs,
                         std::uint64_t seed);

}  // namespace gradc::cli
