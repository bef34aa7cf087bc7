#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "fit_command.hpp"

namespace gradc::cli {

struct TuneCommandOptions {
    // fit's options: the model, data and target, the settings every trial shares, and
    // --epochs (a full trial's), --seed, --validation, --save, --plot and --json.
    FitCommandOptions fit;
    std::vector<const CLI::Option*> fit_flags;  // fit's options as registered here, to hand on to trials
    const CLI::App* app = nullptr;
    std::string space;
    std::string method = "hyperband";
    long long trials = 40;
    long long budget = 0;  // read only when given
    long long eta = 3;
    std::string metric = "loss";
    long long threads = 0;
    std::string test;   // --test FILE: rows read only to report the chosen model
    bool no_times = false;
};

CLI::App* add_tune_command(CLI::App& parent, TuneCommandOptions& options);
// Exit 0 when some full trial finished, 1 when every one failed.
int run_tune(const TuneCommandOptions& options);

}  // namespace gradc::cli
