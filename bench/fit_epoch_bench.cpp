// Time per training epoch of gradc::fit() on 10^6 rows x 4 features, linear regression
// (mse) and logistic regression (bce), full-batch gradient descent and mini-batch SGD
// (1024 rows, in file order and shuffled), on 1 and 2 threads, against a hand-written
// epoch compiled with -O3 -march=native, without and with -ffast-math for its per-row
// losses (baselines/sgd_epoch.hpp), in the same run.
// Both do the same work per epoch: the steps, then the loss and gradient over every
// row at the new parameters (fit() with FitOptions::exact_epoch_loss). By default a
// mini-batch epoch of fit() skips that pass and reports the mean of its batches' losses,
// as Keras does: that is timed too, on 1 thread, in the table's last column. Prints a
// ratio table at the end, from the fastest of kRepetitions runs of each benchmark.
//   build/release/bench/fit_epoch_bench --benchmark_enable_random_interleaving=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "baselines/logistic_loop.hpp"
#include "baselines/sgd_epoch.hpp"
#include "gradc/gradc.hpp"

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kRows = 1'000'000;
constexpr std::size_t kFeatures = 4;
constexpr double kLearningRate = 0.05;
// fit() is timed between the ends of its first and last epochs, which leaves out its
// set-up (copying the data, compiling the kernel, the loss at the start).
constexpr std::size_t kEpochsPerFit = 6;
// On a shared machine noise only adds time, and more to memory-bound loops than to the
// others: the table takes each benchmark's fastest repetition.
constexpr int kRepetitions = 5;
constexpr const char* kModel = "w0*x0 + w1*x1 + w2*x2 + w3*x3 + b";

enum class Task { Linear, Logistic };  // fit's mse, bce

struct Case {
    std::string key;   // benchmark names start with it
    std::string name;  // for the table
    Task task;
    std::size_t batch;  // 0: full batch
    bool shuffle;
};

const std::array<Case, 6> kCases{{
    {"linear_full", "linear (mse), full batch", Task::Linear, 0, false},
    {"linear_batch", "linear (mse), batch 1024", Task::Linear, 1024, false},
    {"linear_shuffled", "linear (mse), batch 1024 shuffled", Task::Linear, 1024, true},
    {"logistic_full", "logistic (bce), full batch", Task::Logistic, 0, false},
    {"logistic_batch", "logistic (bce), batch 1024", Task::Logistic, 1024, false},
    {"logistic_shuffled", "logistic (bce), batch 1024 shuffled", Task::Logistic, 1024, true},
}};

// Columns x0..x3, then y (a linear target with noise) and c (a class from a logit).
struct Problem {
    gradc::Dataset data;
    std::vector<const double*> x;

    Problem() {
        std::mt19937_64 rng(42);
        std::normal_distribution<double> normal;
        for (std::size_t i = 0; i < kFeatures; ++i) data.names.push_back("x" + std::to_string(i));
        data.names.insert(data.names.end(), {"y", "c"});
        data.columns.assign(kFeatures + 2, std::vector<double>(kRows));
        for (std::size_t i = 0; i < kFeatures; ++i)
            for (double& v : data.columns[i]) v = normal(rng);
        auto& c = data.columns;
        for (std::size_t r = 0; r < kRows; ++r) {
            c[kFeatures][r] = 3 + 1.5 * c[0][r] - 2 * c[1][r] + 0.5 * c[2][r] + 0.1 * normal(rng);
            c[kFeatures + 1][r] = c[0][r] - 0.5 * c[1][r] + 0.3 * normal(rng) > 0 ? 1.0 : 0.0;
        }
        for (std::size_t i = 0; i < kFeatures; ++i) x.push_back(c[i].data());
    }

    const double* target(Task task) const { return data.columns[kFeatures + (task == Task::Linear ? 0 : 1)].data(); }
};

const Problem& problem() {
    static const Problem p;
    return p;
}

gradc::Jit& jit() {
    static gradc::Jit j;
    return j;
}

// `exact_loss`: each epoch ends with the pass over every row that the hand-written loop
// makes (equal work); false is fit()'s default.
gradc::FitOptions fit_options(const Case& c, std::size_t epochs, gradc::ThreadPool& pool, bool exact_loss = true) {
    gradc::FitOptions o;
    o.target = c.task == Task::Linear ? "y" : "c";
    o.loss = gradc::Loss::named(c.task == Task::Linear ? "mse" : "bce");
    o.method = gradc::Method::GradientDescent;
    o.learning_rate = kLearningRate;
    o.epochs = epochs;
    o.batch_size = c.batch;
    o.shuffle = c.shuffle;
    o.exact_epoch_loss = exact_loss;
    o.jit = &jit();
    o.pool = &pool;
    return o;
}

gradc::bench::LossSum loss_sum(Task task, bool fast_math) {
    if (task == Task::Linear) return fast_math ? gradc::bench::squared_loss_fast_math : gradc::bench::squared_loss_ieee;
    return fast_math ? gradc::bench::logistic_loss_fast_math : gradc::bench::logistic_loss_ieee;
}

// The hand-written epoch loop; epoch k visits the rows in fit()'s order for epoch k.
struct HandWritten {
    const Case& c;
    gradc::bench::SgdEpoch loop;
    std::vector<double> theta = std::vector<double>(kFeatures + 1, 0.0);
    std::uint64_t epoch = 0;

    HandWritten(const Case& k, bool fast_math)
        : c(k), loop(loss_sum(k.task, fast_math), problem().x, problem().target(k.task), kRows, kLearningRate) {}

    double run() {
        ++epoch;
        // A batch in file order is read where it lies, without an order to follow.
        const std::vector<std::size_t> order =
            c.shuffle ? gradc::epoch_order(kRows, true, epoch) : std::vector<std::size_t>{};
        return loop.run(order, c.batch, theta);
    }
};

void handwritten_epoch(benchmark::State& state, const Case& c, bool fast_math) {
    HandWritten h(c, fast_math);
    for (auto _ : state) benchmark::DoNotOptimize(h.run());
}

void gradc_epoch(benchmark::State& state, const Case& c, std::size_t threads, bool exact_loss) {
    gradc::ThreadPool pool(threads);
    gradc::FitOptions options = fit_options(c, kEpochsPerFit, pool, exact_loss);
    std::vector<Clock::time_point> ends;
    options.on_epoch = [&ends](std::size_t, const gradc::EpochLoss&) { ends.push_back(Clock::now()); };
    for (auto _ : state) {
        ends.clear();
        const gradc::FitResult result = gradc::fit(kModel, problem().data, options);
        benchmark::DoNotOptimize(result.params.data());
        if (result.stop != gradc::FitStop::MaxEpochs) {
            state.SkipWithError(result.message.c_str());
            break;
        }
        const std::chrono::duration<double> span = ends.back() - ends.front();
        state.SetIterationTime(span.count() / static_cast<double>(ends.size() - 1));
    }
}

// gradc on 1 and 2 threads ends two epochs where both hand-written loops do, before
// anything is timed: a benchmark of different work is worthless. Each epoch's reported
// loss is compared, not only the last: fit() returns the loss at its final parameters
// either way, but only an epoch that makes the pass over every row reports it as its own.
bool results_agree() {
    constexpr std::size_t kEpochs = 2;
    auto close = [](double u, double v) { return std::fabs(u - v) <= 1e-9 * std::max(1.0, std::fabs(v)); };
    bool ok = true;
    for (const Case& c : kCases)
        for (std::size_t threads : {1, 2}) {
            gradc::ThreadPool pool(threads);
            const gradc::FitResult r = gradc::fit(kModel, problem().data, fit_options(c, kEpochs, pool));
            for (bool fast_math : {false, true}) {
                HandWritten h(c, fast_math);
                double loss = 0;
                bool same = r.history.size() == kEpochs;
                for (std::size_t k = 0; k < kEpochs; ++k) {
                    loss = h.run();
                    if (same && !close(r.history[k].loss, loss))
                        std::fprintf(stderr,
                                     "fit_epoch_bench: %s, %zu threads: epoch %zu's loss %.17g, hand-written %.17g\n",
                                     c.name.c_str(), threads, k + 1, r.history[k].loss, loss);
                    same = same && close(r.history[k].loss, loss);
                }
                same = same && close(r.loss, loss);
                for (std::size_t i = 0; i <= kFeatures; ++i) same = same && close(r.params[i], h.theta[i]);
                if (!same)
                    std::fprintf(stderr,
                                 "fit_epoch_bench: %s, %zu threads: gradc's loss %.17g, b %.17g differ from "
                                 "the hand-written%s %.17g, %.17g\n",
                                 c.name.c_str(), threads, r.loss, r.params[kFeatures], fast_math ? " fast-math" : "",
                                 loss, h.theta[kFeatures]);
                ok = ok && same;
            }
        }
    return ok;
}

class RatioReporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& run : runs) {
            if (run.run_type != Run::RT_Iteration && run.aggregate_name != "min") continue;
            const auto [at, fresh] = times_.try_emplace(run.run_name.function_name, run.GetAdjustedRealTime());
            if (!fresh) at->second = std::min(at->second, run.GetAdjustedRealTime());
        }
        ConsoleReporter::ReportRuns(runs);
    }
    void Finalize() override {
        ConsoleReporter::Finalize();
        std::printf(
            "\nms per epoch, %zu rows x %zu features, gradient descent (lr %g); an epoch is its steps, then the\n"
            "loss and gradient over every row. Hand-written: -O3 -march=native, IEEE and with -ffast-math;\n"
            "gradc's ratios are its time over the IEEE loop's and over the fast-math loop's; each the fastest of\n"
            "%d repetitions. Last column: fit()'s default mini-batch epoch on 1 thread, without that pass\n"
            "(not the same work).\n",
            kRows, kFeatures, kLearningRate, kRepetitions);
        std::printf("  %-36s %8s %9s | %8s %6s %6s | %8s %6s %6s | %8s %6s\n", "", "IEEE", "fast-math", "gradc 1",
                    "/IEEE", "/fast", "gradc 2", "/IEEE", "/fast", "no pass", "/IEEE");
        for (const Case& c : kCases) {
            const double ieee = times_[c.key + "/handwritten_ieee"];
            const double fast = times_[c.key + "/handwritten_fast_math"];
            std::printf("  %-36s %8.2f %9.2f", c.name.c_str(), ieee, fast);
            for (const char* threads : {"1", "2"}) {
                const double t = times_[c.key + "/gradc/" + threads];
                std::printf(" | %8.2f %5.2fx %5.2fx", t, t / ieee, t / fast);
            }
            if (c.batch != 0) {
                const double t = times_[c.key + "/gradc_no_pass/1"];
                std::printf(" | %8.2f %5.2fx", t, t / ieee);
            }
            std::printf("\n");
        }
    }

private:
    std::map<std::string, double> times_;  // ms per epoch, by benchmark name: the fastest repetition
};

double fastest(const std::vector<double>& times) { return *std::min_element(times.begin(), times.end()); }

}  // namespace

int main(int argc, char** argv) {
    if (!results_agree()) return 1;
    for (const Case& c : kCases) {
        for (bool fast_math : {false, true})
            benchmark::RegisterBenchmark((c.key + (fast_math ? "/handwritten_fast_math" : "/handwritten_ieee")).c_str(),
                                         handwritten_epoch, c, fast_math)
                ->Unit(benchmark::kMillisecond)
                ->UseRealTime()
                ->Repetitions(kRepetitions)
                ->ComputeStatistics("min", fastest);
        const auto gradc_benchmark = [&c](const std::string& name, std::size_t threads, bool exact_loss) {
            benchmark::RegisterBenchmark((c.key + name).c_str(), gradc_epoch, c, threads, exact_loss)
                ->Unit(benchmark::kMillisecond)
                ->UseManualTime()
                ->Repetitions(kRepetitions)
                ->ComputeStatistics("min", fastest);
        };
        for (std::size_t threads : {1, 2}) gradc_benchmark("/gradc/" + std::to_string(threads), threads, true);
        // A full-batch epoch's loss is the pass its next step needs: it has no other default.
        if (c.batch != 0) gradc_benchmark("/gradc_no_pass/1", 1, false);
    }
    benchmark::Initialize(&argc, argv);
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
}
