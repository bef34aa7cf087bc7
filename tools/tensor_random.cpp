#include "tensor_random.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <string>

namespace gradc::cli {
namespace {

// The index input a gather or scatter reads: int data, maybe regrouped by reshapes
// (y: data[N] int indexing z[n, y[n]] is reshaped to [N,1] for take_along_axis).
Tensor index_input(Tensor index) {
    while (index->kind() == TensorKind::Reshape) index = index->operand(0);
    return index->kind() == TensorKind::Data ? index : nullptr;
}

// Per index input, the length of the shortest axis it indexes with N = rows.
std::map<Tensor, std::int64_t> indexed_lengths(std::span<const Tensor> outputs, std::size_t rows) {
    std::map<Tensor, std::int64_t> shortest;
    for (const Tensor t : tensor_order(outputs)) {
        Tensor index = nullptr;
        const Shape* indexed = nullptr;
        if (t->kind() == TensorKind::Gather) {
            index = t->operand(1);
            indexed = &t->operand(0)->shape();
        } else if (t->kind() == TensorKind::ScatterAdd) {
            index = t->operand(0);
            indexed = &t->shape();
        } else {
            continue;
        }
        const Tensor input = index_input(index);
        if (input == nullptr) continue;
        const auto length = static_cast<std::int64_t>(indexed->bound(rows)[t->axes()[0]]);
        const auto [it, added] = shortest.emplace(input, length);
        if (!added) it->second = std::min(it->second, length);
    }
    return shortest;
}

// Uniform in [-1, 1) from the generator's top 53 bits: spelled out rather than
// std::uniform_real_distribution, whose algorithm each standard library picks.
double uniform_real(std::mt19937_64& random) { return -1.0 + 2.0 * static_cast<double>(random() >> 11) * 0x1p-53; }

}  // namespace

void draw_missing_inputs(TensorBindings& bindings, std::span<const Tensor> inputs, std::span<const Tensor> outputs,
                         std::uint64_t seed) {
    std::mt19937_64 random(seed);
    const std::map<Tensor, std::int64_t> lengths = indexed_lengths(outputs, bindings.rows);
    for (const Tensor input : inputs) {
        if (bindings.find(input->name()) != nullptr) continue;
        TensorValue value;
        value.shape = input->shape().bound(bindings.rows);
        const std::size_t count = input->shape().elements(bindings.rows);
        if (input->type() == ElementType::Index) {
            const auto it = lengths.find(input);
            const auto k = static_cast<std::uint64_t>(it == lengths.end() ? 1 : std::max<std::int64_t>(it->second, 1));
            value.indices.resize(count);
            // The modulo's bias is below K / 2^64: nothing a benchmark could see.
            for (std::int64_t& v : value.indices) v = static_cast<std::int64_t>(random() % k);
        } else {
            value.reals.resize(count);
            for (double& v : value.reals) v = uniform_real(random);
        }
        bindings.inputs.emplace_back(std::string(input->name()), std::move(value));
    }
}

}  // namespace gradc::cli
