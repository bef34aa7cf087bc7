#include "gradc/thread_pool.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
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
    // Counts runs, so a worker joins each run once. Written under `mutex`; atomic so
    // that a waiting thread can spin on it and the counter below before sleeping.
    std::atomic<std::size_t> generation{0};
    std::atomic<std::size_t> busy{0};  // workers still in the current run
    std::atomic<bool> stopping{false};
    std::exception_ptr error;

    // Waits up to kSpin for `waiting` to turn false, without sleeping. A kernel runs
    // its stages as a run each, with short single-threaded stages between them: a
    // worker asleep in the kernel (a virtual machine's, above all) takes tens of
    // microseconds to wake, as long as a whole stage.
    static constexpr std::chrono::microseconds kSpin{100};
    template <class Waiting>
    static void spin_while(const Waiting& waiting) {
        const auto until = std::chrono::steady_clock::now() + kSpin;
        for (unsigned i = 0; waiting(); ++i) {
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#endif
            if (i % 64 == 63 && std::chrono::steady_clock::now() > until) return;
        }
    }

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
            spin_while([&] { return !stopping && generation == seen; });
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
    State::spin_while([&] { return s.busy != 0; });
    std::unique_lock lock(s.mutex);
    s.finished.wait(lock, [&] { return s.busy == 0; });
    s.task = nullptr;
    if (s.error) std::rethrow_exception(s.error);
}

}  // namespace gradc
