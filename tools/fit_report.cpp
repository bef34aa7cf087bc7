#include "fit_report.hpp"

#include <cmath>
#include <cstdio>

#include "subcommand.hpp"

namespace gradc::cli {
namespace {

// Fitted parameters are estimates: 6 significant digits say more than the data
// usually supports, and stay the same whatever the SIMD width sums in (--json keeps every bit).
std::string rounded(double v) {
    if (!std::isfinite(v)) return number_text(v);
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", v);
    return text;
}

}  // namespace

FitReport fit_report(const FitResult& result, const FitOptions& options, bool drop_nonfinite) {
    FitReport report;
    for (std::size_t i = 0; i < result.params.size(); ++i)
        report.params.emplace_back(result.names.params[i], result.params[i]);
    report.loss = result.loss;
    if (options.validation > 0) report.val_loss = result.val_loss;
    if (drop_nonfinite) report.dropped_rows = result.dropped_rows;
    report.epochs = result.epochs;
    for (const EpochLoss& e : result.history) report.history.push_back(e.loss);
    report.diverged = result.stop == FitStop::Diverged;
    report.failed = report.diverged || result.stop == FitStop::Failed;
    report.why = result.message;
    if (report.diverged && options.method != Method::Lbfgs) {
        const double lr = options.learning_rate.value_or(default_learning_rate(options.method));
        report.why.append(", as in --lr ").append(rounded(lr / 10));
    }
    return report;
}

std::string stop_line(const FitReport& report) { return (report.diverged ? "diverged: " : "stopped: ") + report.why; }

void write_fit_text(std::ostream& out, const FitReport& report) {
    if (report.network)
        out << "network: " << *report.network << ", " << report.network_params << " parameters\n";
    else
        for (const auto& [name, value] : report.params) out << name << " = " << rounded(value) << '\n';
    out << "loss = " << rounded(report.loss) << '\n';
    if (report.val_loss) out << "val_loss = " << rounded(*report.val_loss) << '\n';
    if (report.accuracy) out << "accuracy = " << rounded(*report.accuracy) << '\n';
    if (report.val_accuracy) out << "val_accuracy = " << rounded(*report.val_accuracy) << '\n';
    if (report.dropped_rows) out << "dropped_rows = " << *report.dropped_rows << '\n';
    out << "epochs = " << report.epochs << '\n' << stop_line(report) << '\n';
}

JsonObject fit_json(const FitReport& report) {
    JsonObject json;
    if (report.network) json.emplace_back("network", *report.network);
    JsonObject params;
    for (const auto& [name, value] : report.params) params.emplace_back(name, value);
    json.emplace_back("params", std::move(params));
    json.emplace_back("loss", report.loss);
    if (report.val_loss) json.emplace_back("val_loss", *report.val_loss);
    if (report.accuracy) json.emplace_back("accuracy", *report.accuracy);
    if (report.val_accuracy) json.emplace_back("val_accuracy", *report.val_accuracy);
    if (report.dropped_rows) json.emplace_back("dropped_rows", static_cast<double>(*report.dropped_rows));
    json.emplace_back("epochs", static_cast<double>(report.epochs));
    JsonArray history(report.history.begin(), report.history.end());
    json.emplace_back("history", std::move(history));
    return json;
}

}  // namespace gradc::cli
