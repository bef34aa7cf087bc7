#include "attribution_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <sstream>

#include "svg_plot.hpp"

namespace gradc::cli {
namespace {

constexpr std::size_t kMostBars = 20;
constexpr double kCell = 16;  // pixels per image cell
constexpr double kGap = 24;   // between panels

std::string number(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", v);
    return text;
}

std::string header(double width, double height) {
    std::ostringstream out;
    out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
        << "\" viewBox=\"0 0 " << width << ' ' << height << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
        << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    return out.str();
}

// Grey for a pixel: its value's place between the smallest and largest of the image, dark
// for large values (ink on paper, as the digits were written).
std::string grey(double v, double lo, double hi) {
    const double t = hi > lo && std::isfinite(v) ? (v - lo) / (hi - lo) : 0.0;
    const int level = static_cast<int>(std::lround(255 * (1 - t)));
    char text[8];
    std::snprintf(text, sizeof text, "#%02x%02x%02x", level, level, level);
    return text;
}

// A diverging colour: white at 0, red for +scale, blue for -scale.
std::string heat(double v, double scale) {
    const double t = scale > 0 && std::isfinite(v) ? std::clamp(v / scale, -1.0, 1.0) : 0.0;
    const int fade = static_cast<int>(std::lround(255 * (1 - std::abs(t))));
    char text[8];
    if (t >= 0)
        std::snprintf(text, sizeof text, "#ff%02x%02x", fade, fade);
    else
        std::snprintf(text, sizeof text, "#%02x%02xff", fade, fade);
    return text;
}

}  // namespace

std::string svg_attribution_bars(const std::string& title, const std::vector<std::string>& names,
                                 const std::vector<std::vector<double>>& values) {
    std::vector<double> mean(names.size(), 0.0);
    for (std::size_t i = 0; i < names.size(); ++i) {
        for (const double v : values[i]) mean[i] += std::abs(v);
        if (!values[i].empty()) mean[i] /= static_cast<double>(values[i].size());
    }
    std::vector<std::size_t> order(names.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    // Largest first, inputs of equal means in their order, NaN last.
    std::vector<double> key(mean);
    for (double& k : key) k = std::isnan(k) ? -1.0 : k;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return key[a] > key[b] || (key[a] == key[b] && a < b); });
    order.resize(std::min(order.size(), kMostBars));
    const double largest = order.empty() ? 0.0 : mean[order.front()];
    const double left = 160, right = 560, top = 50, bar = 18;
    const double height = top + bar * static_cast<double>(order.size()) + 50;
    std::ostringstream out;
    out << header(640, height) << "<text x=\"320\" y=\"24\" text-anchor=\"middle\" font-size=\"14\">"
        << svg_escaped(title) << "</text>\n";
    for (std::size_t k = 0; k < order.size(); ++k) {
        const std::size_t i = order[k];
        const double y = top + bar * static_cast<double>(k);
        const double w = largest > 0 ? (right - left) * mean[i] / largest : 0.0;
        out << "<text x=\"" << left - 6 << "\" y=\"" << y + 13 << "\" text-anchor=\"end\">" << svg_escaped(names[i])
            << "</text>\n"
            << "<rect x=\"" << left << "\" y=\"" << y + 2 << "\" width=\"" << w << "\" height=\"" << bar - 4
            << "\" fill=\"#1f77b4\"/>\n"
            << "<text x=\"" << left + w + 4 << "\" y=\"" << y + 13 << "\">" << number(mean[i]) << "</text>\n";
    }
    out << "<text x=\"" << (left + right) / 2 << "\" y=\"" << height - 16
        << "\" text-anchor=\"middle\">mean |attribution| over " << (values.empty() ? 0 : values[0].size())
        << " rows</text>\n</svg>\n";
    return out.str();
}

std::string svg_attribution_images(const std::string& title, const std::vector<std::vector<double>>& pixels,
                                   const std::vector<std::vector<double>>& values, std::size_t height,
                                   std::size_t width, std::size_t rows, const std::vector<std::string>& labels) {
    // Two rows side by side: each an image, its heat map, and a caption below them.
    const double w = kCell * static_cast<double>(width), h = kCell * static_cast<double>(height);
    const double pair = 2 * w + kGap / 2, top = 40, left = 16, caption = 20;
    const std::size_t lines = (rows + 1) / 2;
    const double page_width = std::max(2 * left + 2 * pair + kGap, 360.0);
    const double page_height = top + static_cast<double>(lines) * (h + caption + kGap) + 24;
    std::ostringstream out;
    out << header(page_width, page_height) << "<text x=\"" << page_width / 2
        << "\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">" << svg_escaped(title) << "</text>\n";
    for (std::size_t r = 0; r < rows; ++r) {
        const double x0 = left + static_cast<double>(r % 2) * (pair + kGap);
        const double y0 = top + static_cast<double>(r / 2) * (h + caption + kGap);
        double lo = 0, hi = 0, scale = 0;
        for (std::size_t i = 0; i < pixels.size(); ++i) {
            lo = i == 0 ? pixels[i][r] : std::min(lo, pixels[i][r]);
            hi = i == 0 ? pixels[i][r] : std::max(hi, pixels[i][r]);
            if (std::isfinite(values[i][r])) scale = std::max(scale, std::abs(values[i][r]));
        }
        for (std::size_t i = 0; i < pixels.size() && i < height * width; ++i) {
            const double x = x0 + kCell * static_cast<double>(i % width),
                         y = y0 + kCell * static_cast<double>(i / width);
            out << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << kCell << "\" height=\"" << kCell
                << "\" fill=\"" << grey(pixels[i][r], lo, hi) << "\"/>"
                << "<rect x=\"" << x + w + kGap / 2 << "\" y=\"" << y << "\" width=\"" << kCell << "\" height=\""
                << kCell << "\" fill=\"" << heat(values[i][r], scale) << "\"/>\n";
        }
        out << "<rect x=\"" << x0 + w + kGap / 2 << "\" y=\"" << y0 << "\" width=\"" << w << "\" height=\"" << h
            << "\" fill=\"none\" stroke=\"#999999\"/>\n<text x=\"" << x0 + pair / 2 << "\" y=\"" << y0 + h + 15
            << "\" text-anchor=\"middle\">row " << r + 1 << (r < labels.size() ? ", " + svg_escaped(labels[r]) : "")
            << ": input, attribution (±" << number(scale) << ")</text>\n";
    }
    out << "<text x=\"" << page_width / 2 << "\" y=\"" << page_height - 10
        << "\" text-anchor=\"middle\">red: raised the output; blue: lowered it</text>\n</svg>\n";
    return out.str();
}

}  // namespace gradc::cli
