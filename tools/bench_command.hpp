// `gradc bench PROGRAM`: a tensor program compiled once (with --grad, its loss and
// gradient), then its kernel timed call by call, as Google Benchmark reports.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>

#include "subcommand.hpp"

namespace gradc::cli {

struct BenchOptions {
    CommandOptions common;  // EXPR, -f, --ascii, --at, --json
    bool grad = false;
    long long threads = 1;      // 0: one per hardware thread
    long long rows = 0;         // --rows: N for random inputs
    long long repetitions = 0;  // timed calls, when --repetitions is given; else as many as fill min_time
    double min_time = 0.5;      // seconds
    std::uint64_t seed = 1;
    CLI::Option* rows_option = nullptr;
    CLI::Option* repetitions_option = nullptr;
    CLI::Option* min_time_option = nullptr;
};

CLI::App* add_bench_command(CLI::App& parent, BenchOptions& options);
int run_bench(const BenchOptions& options);

}  // namespace gradc::cli
