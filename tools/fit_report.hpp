// What `gradc fit` reports when a run ends, gathered once and written as text or as
// JSON: the two forms list the same facts, so they are filled in one place.
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "gradc/fit.hpp"
#include "json.hpp"

namespace gradc::cli {

struct FitReport {
    // --mlp: the network ("64-32-10 relu") and its parameter count; its parameters are
    // too many for the text, which leaves them to --json.
    std::optional<std::string> network;
    std::size_t network_params = 0;
    std::vector<std::pair<std::string, double>> params;
    double loss = 0.0;
    std::optional<double> val_loss;      // with validation rows
    std::optional<double> accuracy;      // classifiers
    std::optional<double> val_accuracy;  // classifiers with validation rows
    std::optional<std::size_t> dropped_rows;  // with --drop-nonfinite
    std::size_t epochs = 0;
    std::vector<double> history;  // the training loss of every epoch recorded
    bool diverged = false;
    bool failed = false;  // diverged, or L-BFGS could not go on
    std::string why;      // why the run stopped, with advice when it failed
};

// The report of `result`, fitted with `options`; the caller adds a network's facts.
FitReport fit_report(const FitResult& result, const FitOptions& options, bool drop_nonfinite);

// `name = value` lines, with values to 6 significant digits, then how the run stopped.
void write_fit_text(std::ostream& out, const FitReport& report);
// The JSON object --json prints (every bit of every number).
JsonObject fit_json(const FitReport& report);
// "diverged: ..." or "stopped: ...".
std::string stop_line(const FitReport& report);

}  // namespace gradc::cli
