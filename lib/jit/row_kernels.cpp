// Calling batch and map kernels: size checks, and rows cut into fixed chunks that a
// thread pool shares out. Sums add the chunks in chunk order, so the thread count
// never changes a bit of the result.
#include <string>
#include <vector>

#include "gradc/jit.hpp"
#include "gradc/thread_pool.hpp"

namespace gradc {

namespace {

void check_sizes(const char* kind, bool empty, std::size_t params, std::size_t param_count, std::size_t columns,
                 std::size_t column_count, std::size_t outputs, std::size_t output_count) {
    if (empty) throw SemanticError(std::string("this ") + kind + " kernel is empty: get one from a Jit");
    if (params != param_count || columns != column_count || outputs != output_count)
        throw SemanticError(std::string("the ") + kind + " kernel takes " + std::to_string(param_count) +
                            " parameters and " + std::to_string(column_count) + " columns and gives " +
                            std::to_string(output_count) + " outputs, but was called with " + std::to_string(params) +
                            " parameters, " + std::to_string(columns) + " columns and room for " +
                            std::to_string(outputs) + " outputs");
}

std::size_t chunks_of(std::size_t rows) { return (rows + BatchKernel::kChunkRows - 1) / BatchKernel::kChunkRows; }

void for_each_chunk(std::size_t rows, ThreadPool* pool, const std::function<void(std::size_t)>& chunk) {
    const std::size_t count = chunks_of(rows);
    if (pool == nullptr || count <= 1) {
        for (std::size_t c = 0; c < count; ++c) chunk(c);
    } else {
        pool->run(count, chunk);
    }
}

}  // namespace

void BatchKernel::operator()(std::span<const double> params, std::span<const double* const> columns, std::size_t rows,
                             std::span<double> out, ThreadPool* pool) const {
    check_sizes("batch", fn_ == nullptr, params.size(), params_, columns.size(), columns_, out.size(), outputs_);
    const std::size_t count = chunks_of(rows);
    if (count == 1) {  // one chunk: its sums are the answer (a mini-batch takes this way)
        fn_(params.data(), columns.data(), 0, rows, out.data());
        return;
    }
    std::vector<double> partial(count * outputs_, 0.0);
    for_each_chunk(rows, pool, [&](std::size_t c) {
        const std::size_t begin = c * kChunkRows;
        const std::size_t end = std::min(rows, begin + kChunkRows);
        fn_(params.data(), columns.data(), begin, end, partial.data() + c * outputs_);
    });
    std::fill(out.begin(), out.end(), 0.0);
    for (std::size_t c = 0; c < count; ++c)
        for (std::size_t k = 0; k < outputs_; ++k) out[k] += partial[c * outputs_ + k];
}

std::vector<double> BatchKernel::operator()(std::span<const double> params, std::span<const double* const> columns,
                                            std::size_t rows, ThreadPool* pool) const {
    std::vector<double> out(outputs_);
    (*this)(params, columns, rows, out, pool);
    return out;
}

void MapKernel::operator()(std::span<const double> params, std::span<const double* const> columns, std::size_t rows,
                           std::span<double* const> out, ThreadPool* pool) const {
    check_sizes("map", fn_ == nullptr, params.size(), params_, columns.size(), columns_, out.size(), outputs_);
    for_each_chunk(rows, pool, [&](std::size_t c) {
        const std::size_t begin = c * BatchKernel::kChunkRows;
        fn_(params.data(), columns.data(), begin, std::min(rows, begin + BatchKernel::kChunkRows), out.data());
    });
}

}  // namespace gradc
