// Calling batch and map kernels: size checks, and rows cut into fixed chunks that a
// thread pool shares out. Sums add the chunks in chunk order, so the thread count
// never changes a bit of the result.
#include <algorithm>
#include <functional>
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

// task(0) ... task(count - 1), on the pool when there is one and more than one task.
void run_tasks(std::size_t count, ThreadPool* pool, const std::function<void(std::size_t)>& task) {
    if (pool == nullptr || count <= 1) {
        for (std::size_t i = 0; i < count; ++i) task(i);
    } else {
        pool->run(count, task);
    }
}

// The most memory chunk sums waiting to be added may take. Chunks run in waves of as
// many as fit (at least 4 per thread), each wave's sums added to the total before the
// next starts: a network's thousands of outputs over many chunks would otherwise need
// chunks x outputs doubles at once.
constexpr std::size_t kWaitingSumBytes = std::size_t{4} << 20;

}  // namespace

void BatchKernel::operator()(std::span<const double> params, std::span<const double* const> columns, std::size_t rows,
                             std::span<double> out, ThreadPool* pool) const {
    check_sizes("batch", fn_ == nullptr, params.size(), params_, columns.size(), columns_, out.size(), outputs_);
    const std::size_t count = chunks_of(rows);
    if (count <= 1) {  // one chunk (a mini-batch) or none: the kernel's sums are the answer
        fn_(params.data(), columns.data(), 0, rows, out.data());
        return;
    }
    const std::size_t threads = pool == nullptr ? 1 : pool->size();
    const std::size_t fit = kWaitingSumBytes / (std::max<std::size_t>(outputs_, 1) * sizeof(double));
    const std::size_t wave = std::min(count, std::max(fit, 4 * threads));
    std::vector<double> partial(wave * outputs_);
    for (std::size_t first = 0; first < count; first += wave) {
        const std::size_t n = std::min(wave, count - first);
        run_tasks(n, pool, [&](std::size_t i) {
            const std::size_t begin = (first + i) * kChunkRows;
            const std::size_t end = std::min(rows, begin + kChunkRows);
            fn_(params.data(), columns.data(), begin, end, partial.data() + i * outputs_);
        });
        // Chunk 0's sums, then each later chunk's added in chunk order.
        for (std::size_t i = 0; i < n; ++i) {
            const double* sums = partial.data() + i * outputs_;
            if (first + i == 0)
                std::copy_n(sums, outputs_, out.begin());
            else
                for (std::size_t k = 0; k < outputs_; ++k) out[k] += sums[k];
        }
    }
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
    run_tasks(chunks_of(rows), pool, [&](std::size_t c) {
        const std::size_t begin = c * BatchKernel::kChunkRows;
        fn_(params.data(), columns.data(), begin, std::min(rows, begin + BatchKernel::kChunkRows), out.data());
    });
}

}  // namespace gradc
