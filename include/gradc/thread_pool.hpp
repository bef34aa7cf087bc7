// A fixed set of worker threads for data-parallel kernels. Work is split into
// numbered tasks by the caller, so how the tasks are spread over threads never
// changes a result: batch kernels sum fixed chunks of rows in chunk order.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace gradc {

class ThreadPool {
public:
    // `threads` 0 means one per hardware thread. The calling thread counts as one of
    // them: a pool of 1 starts no thread and runs everything on the caller.
    explicit ThreadPool(std::size_t threads = 0);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    std::size_t size() const noexcept;

    // Runs task(0) ... task(count - 1), each once, on the pool's threads and the
    // caller, and returns when all have finished. The first exception a task throws is
    // rethrown here (after the others finish). One run at a time per pool: calls from
    // several threads take turns.
    void run(std::size_t count, const std::function<void(std::size_t)>& task);

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace gradc
