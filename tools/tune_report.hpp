// What gradc tune prints: the leaderboard, the chosen settings as a fit command, and
// the same as JSON; and its --plot, validation loss against trials and each setting.
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>

#include "gradc/jit.hpp"
#include "gradc/tune.hpp"
#include "json.hpp"

namespace gradc::cli {

// The chosen model on --test rows: a classifier's accuracy, or a regression's mean
// squared error.
struct TestReport {
    std::string path;
    std::size_t rows = 0;
    bool classifier = false;
    double value = 0.0;
};

struct TuneReport {
    TuneResult result;
    SearchSpace space;
    TuneOptions options;
    double validation = 0.2;  // the fraction of rows each trial holds out
    std::string command;      // the chosen settings as a fit command; empty when none
    std::optional<TestReport> test;
    JitStats kernels;
    bool times = true;  // print each trial's seconds
};

// The trial that ranks each configuration: its last (the most epochs), the best first.
std::vector<const TrialRecord*> leaderboard(const TuneReport& report);

void write_tune_text(std::ostream& out, const TuneReport& report);
Json tune_json(const TuneReport& report);
std::string tune_svg(const TuneReport& report);

}  // namespace gradc::cli
