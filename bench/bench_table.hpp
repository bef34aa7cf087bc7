// What the benchmarks that measure gradc against a baseline in the same run share: a
// console reporter that keeps every run's time for a table printed at the end, and
// the time of each benchmark's last run, for counters that give a ratio at once.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace gradc::bench {

// Google Benchmark's console output, then `table` (a summary with ratios).
class TableReporter : public benchmark::ConsoleReporter {
public:
    using Table = std::function<void(const TableReporter&)>;
    explicit TableReporter(Table table) : table_(std::move(table)) {}

    void ReportRuns(const std::vector<Run>& runs) override {
        // One run each, or with --benchmark_repetitions the median.
        for (const Run& run : runs)
            if (run.run_type == Run::RT_Iteration || run.aggregate_name == "median")
                times_[run.run_name.str()] = run.GetAdjustedRealTime();
        ConsoleReporter::ReportRuns(runs);
    }
    void Finalize() override {
        ConsoleReporter::Finalize();
        table_(*this);
    }
    // Real time per iteration of the run called `name` ("gradc_batch/2/real_time"), in
    // its benchmark's unit; NaN when it did not run.
    double time(const std::string& name) const {
        const auto it = times_.find(name);
        return it == times_.end() ? std::nan("") : it->second;
    }

private:
    Table table_;
    std::map<std::string, double> times_;
};

// Runs the benchmarks the command line selects with a TableReporter printing `table`.
inline int run_with_table(int argc, char** argv, TableReporter::Table table) {
    benchmark::Initialize(&argc, argv);
    TableReporter reporter(std::move(table));
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}

// Seconds per iteration of each benchmark's last run, by a key of the caller's choice:
// a benchmark that runs after its baseline sets a ratio counter from them.
class LastTimes {
public:
    template <class Body>
    void measure(benchmark::State& state, const std::string& key, Body body) {
        const auto start = std::chrono::steady_clock::now();
        for (auto _ : state) body();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        seconds_[key] = seconds / static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1));
    }
    // Seconds per iteration under `key`; NaN when it has not run.
    double seconds(const std::string& key) const {
        const auto it = seconds_.find(key);
        return it == seconds_.end() ? std::nan("") : it->second;
    }
    // Sets counter `name` to time(key) / time(baseline) when both have run.
    void set_ratio(benchmark::State& state, const char* name, const std::string& key, const std::string& baseline) {
        const double ratio = seconds(key) / seconds(baseline);
        if (!std::isnan(ratio)) state.counters[name] = ratio;
    }

private:
    std::map<std::string, double> seconds_;
};

}  // namespace gradc::bench
