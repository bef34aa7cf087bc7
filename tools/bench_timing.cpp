#include "bench_timing.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numeric>

#include "gradc/error.hpp"
#include "number.hpp"

namespace gradc::cli {
namespace {

// The q-quantile of sorted values: linear between the two order statistics around
// position q·(n - 1), as numpy.quantile's default method.
double quantile(const std::vector<double>& sorted, double q) {
    const double position = q * static_cast<double>(sorted.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(position));
    const std::size_t above = std::min(below + 1, sorted.size() - 1);
    const double fraction = position - static_cast<double>(below);
    return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

}  // namespace

CallTimes summarize_calls(std::vector<double> nanoseconds) {
    GRADC_ASSERT(!nanoseconds.empty(), "summarize_calls needs at least one time");
    std::sort(nanoseconds.begin(), nanoseconds.end());
    CallTimes t;
    t.calls = nanoseconds.size();
    t.median = quantile(nanoseconds, 0.5);
    t.min = nanoseconds.front();
    t.max = nanoseconds.back();
    t.mean = std::accumulate(nanoseconds.begin(), nanoseconds.end(), 0.0) / static_cast<double>(t.calls);
    t.p10 = quantile(nanoseconds, 0.1);
    t.p90 = quantile(nanoseconds, 0.9);
    std::vector<double> deviations;
    deviations.reserve(nanoseconds.size());
    for (const double v : nanoseconds) deviations.push_back(std::fabs(v - t.median));
    std::sort(deviations.begin(), deviations.end());
    t.mad = quantile(deviations, 0.5);
    return t;
}

std::string duration_text(double nanoseconds, bool unicode) {
    struct Unit {
        double scale;
        const char* name;
    };
    const Unit units[] = {{1, "ns"}, {1e3, unicode ? "µs" : "us"}, {1e6, "ms"}, {1e9, "s"}};
    const Unit* unit = &units[0];
    for (const Unit& u : units)
        if (std::fabs(nanoseconds) >= u.scale) unit = &u;
    const double v = nanoseconds / unit->scale;
    // Three significant digits, but never a rounded-off integer part: 1234 s stays 1234 s.
    const int decimals = std::fabs(v) >= 100 ? 0 : std::fabs(v) >= 10 ? 1 : 2;
    char text[64];
    std::snprintf(text, sizeof text, "%.*f %s", decimals, v, unit->name);
    return text;
}

std::string cpu_name() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line)) {
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos || trim(std::string_view(line).substr(0, colon)) != "model name") continue;
        const std::string_view name = trim(std::string_view(line).substr(colon + 1));
        if (!name.empty()) return std::string(name);
    }
    return "unknown CPU";
}

}  // namespace gradc::cli
