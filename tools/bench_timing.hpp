// What `gradc bench` reports about its timed calls: order statistics of the call
// times, durations written with a unit that suits them, and the machine they ran on.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace gradc::cli {

// The times of the timed calls, in nanoseconds. Order statistics rather than a mean
// and a standard deviation: a call that the operating system interrupted is one slow
// outlier, which moves a mean and a deviation but hardly a median or a quantile.
struct CallTimes {
    std::size_t calls = 0;
    double median = 0;
    double min = 0;
    double max = 0;
    double mean = 0;
    double mad = 0;  // the median of |t - median|: the spread, as a typical distance
    double p10 = 0;  // quantiles by linear interpolation between order statistics,
    double p90 = 0;  // as NumPy's default
};

// The statistics of `nanoseconds`, which must not be empty.
CallTimes summarize_calls(std::vector<double> nanoseconds);

// "812 ns", "4.73 µs", "1.21 ms", "2.5 s": three significant digits, the unit the
// value needs (ASCII "us" when `unicode` is false).
std::string duration_text(double nanoseconds, bool unicode);

// The processor's name as /proc/cpuinfo gives it ("model name"), or "unknown CPU"
// where there is none (some ARM kernels name no model).
std::string cpu_name();

}  // namespace gradc::cli
