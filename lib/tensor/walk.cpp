#include "tensor/walk.hpp"

#include <algorithm>
#include <string>

#include "gradc/error.hpp"

namespace gradc::tensor {

std::vector<std::size_t> strides_of(std::span<const std::size_t> dims) {
    std::vector<std::size_t> strides(dims.size(), 1);
    for (std::size_t k = dims.size(); k-- > 1;) strides[k - 1] = strides[k] * dims[k];
    return strides;
}

bool next_index(std::vector<std::size_t>& index, std::span<const std::size_t> dims) {
    for (std::size_t k = dims.size(); k-- > 0;) {
        if (++index[k] < dims[k]) return true;
        index[k] = 0;
    }
    return false;
}

void operand_offsets(Tensor node, std::span<const std::vector<std::size_t>> operand_dims,
                     std::span<const std::size_t> at, std::size_t offset, std::span<std::size_t> out) {
    switch (node->kind()) {
        case TensorKind::Map:
            for (std::size_t k = 0; k < operand_dims.size(); ++k) {
                const std::vector<std::size_t>& dims = operand_dims[k];
                const std::vector<std::size_t> strides = strides_of(dims);
                const std::size_t shift = at.size() - dims.size();  // aligned at the right
                std::size_t o = 0;
                for (std::size_t j = 0; j < dims.size(); ++j) o += (dims[j] == 1 ? 0 : at[shift + j]) * strides[j];
                out[k] = o;
            }
            return;
        case TensorKind::Broadcast: {
            const std::vector<std::size_t>& dims = operand_dims[0];
            const std::vector<std::size_t> strides = strides_of(dims);
            std::size_t o = 0;
            for (std::size_t j = 0; j < dims.size(); ++j) o += (dims[j] == 1 ? 0 : at[node->axes()[j]]) * strides[j];
            out[0] = o;
            return;
        }
        case TensorKind::Permute: {
            const std::vector<std::size_t> strides = strides_of(operand_dims[0]);
            std::size_t o = 0;
            for (std::size_t k = 0; k < at.size(); ++k) o += at[k] * strides[node->axes()[k]];
            out[0] = o;
            return;
        }
        case TensorKind::Reshape: out[0] = offset; return;
        case TensorKind::Param:
        case TensorKind::Data:
        case TensorKind::Constant:
        case TensorKind::Contract:
        case TensorKind::Sum:
        case TensorKind::Max:
        case TensorKind::Gather:
        case TensorKind::ScatterAdd:
        case TensorKind::Delta:
        case TensorKind::View:
        case TensorKind::ViewAdjoint: break;
    }
    GRADC_ASSERT(false, "operand_offsets is for elementwise kinds");
}

SumTerms sum_terms(Tensor node, std::span<const std::vector<std::size_t>> operand_dims,
                   std::span<const std::size_t> at) {
    SumTerms terms;
    if (node->kind() == TensorKind::Sum || node->kind() == TensorKind::Max) {
        const std::vector<std::size_t>& dims = operand_dims[0];
        const std::vector<std::size_t> strides = strides_of(dims);
        const std::span<const std::size_t> reduced = node->axes();
        std::vector<std::size_t> reduced_dims, index(dims.size());
        for (const std::size_t a : reduced) reduced_dims.push_back(dims[a]);
        std::size_t kept = 0;
        for (std::size_t k = 0; k < dims.size(); ++k)
            if (!std::binary_search(reduced.begin(), reduced.end(), k)) index[k] = at[kept++];
        std::vector<std::size_t> r(reduced.size(), 0);
        for (const std::size_t d : reduced_dims)
            if (d == 0) return terms;
        do {
            std::size_t o = 0;
            for (std::size_t j = 0; j < reduced.size(); ++j) index[reduced[j]] = r[j];
            for (std::size_t k = 0; k < dims.size(); ++k) o += index[k] * strides[k];
            terms.a.push_back(o);
        } while (next_index(r, reduced_dims));
        return terms;
    }
    GRADC_ASSERT(node->kind() == TensorKind::Contract, "sum_terms is for Contract, Sum and Max");
    const std::string_view la = node->labels(0), lb = node->labels(1), lo = node->output_labels();
    // The summed labels in order of first appearance in "a,b".
    std::string summed;
    for (const std::string_view labels : {la, lb})
        for (const char c : labels)
            if (lo.find(c) == std::string_view::npos && summed.find(c) == std::string::npos) summed.push_back(c);
    const auto size_of = [&](char c) {
        const std::size_t i = la.find(c);
        return i != std::string_view::npos ? operand_dims[0][i] : operand_dims[1][lb.find(c)];
    };
    std::vector<std::size_t> summed_dims;
    for (const char c : summed) summed_dims.push_back(size_of(c));
    for (const std::size_t d : summed_dims)
        if (d == 0) return terms;
    const std::vector<std::size_t> sa = strides_of(operand_dims[0]), sb = strides_of(operand_dims[1]);
    const auto value_of = [&](char c, const std::vector<std::size_t>& r) {
        const std::size_t i = lo.find(c);
        return i != std::string_view::npos ? at[i] : r[summed.find(c)];
    };
    std::vector<std::size_t> r(summed.size(), 0);
    do {
        std::size_t oa = 0, ob = 0;
        for (std::size_t i = 0; i < la.size(); ++i) oa += value_of(la[i], r) * sa[i];
        for (std::size_t i = 0; i < lb.size(); ++i) ob += value_of(lb[i], r) * sb[i];
        terms.a.push_back(oa);
        terms.b.push_back(ob);
    } while (next_index(r, summed_dims));
    return terms;
}

}  // namespace gradc::tensor
