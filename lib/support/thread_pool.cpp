#include "gradc/thread_pool.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace gradc {

struct ThreadPool::State {
    std::mutex mutex;
    std::condition_variable wake;      // workers wait here for a new run
    std::condition_variable finished;  // the caller waits here for the workers
    std::mutex run_mutex;              // one run at a time
    std::vector<std::thread> workers;
    const std::function<void(std::size_t)>* task = nullptr;
    std::size_t count = 0;
    std::atomic<std::size_t> next{0};
    std::size_t generation = 0;  // counts runs, so a worker joins each run once
    std::size_t busy = 0;        // workers still in the current run
    bool stopping = false;
    std::exception_ptr error;

    // Takes task numbers until none are left; records the first exception.
    void drain() {
        for (std::size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) {
            try {
                (*task)(i);
            } catch (...) {
                std::lock_guard lock(mutex);
                if (!error) error = std::current_exception();
            }
        }
    }

    void work() {
        std::size_t seen = 0;
        while (true) {
            {
                std::unique_lock lock(mutex);
                wake.wait(lock, [&] { return stopping || generation != seen; });
                if (stopping) return;
                seen = generation;
            }
            drain();
            std::lock_guard lock(mutex);
            if (--busy == 0) finished.notify_one();
        }
    }
};

ThreadPool::ThreadPool(std::size_t threads) : state_(std::make_unique<State>()) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    for (std::size_t i = 1; i < threads; ++i) state_->workers.emplace_back([s = state_.get()] { s->work(); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard lock(state_->mutex);
        state_->stopping = true;
    }
    state_->wake.notify_all();
    for (std::thread& t : state_->workers) t.join();
}

std::size_t ThreadPool::size() const noexcept { return state_->workers.size() + 1; }

void ThreadPool::run(std::size_t count, const std::function<void(std::size_t)>& task) {
    State& s = *state_;
    std::lock_guard one_run(s.run_mutex);
    if (s.workers.empty() || count <= 1) {
        for (std::size_t i = 0; i < count; ++i) task(i);
        return;
    }
    {
        std::lock_guard lock(s.mutex);
        s.task = &task;
        s.count = count;
        s.next = 0;
        s.error = nullptr;
        s.busy = s.workers.size();
        ++s.generation;
    }
    s.wake.notify_all();
    s.drain();
    std::unique_lock lock(s.mutex);
    s.finished.wait(lock, [&] { return s.busy == 0; });
    s.task = nullptr;
    if (s.error) std::rethrow_exception(s.error);
}

}  // namespace gradc
