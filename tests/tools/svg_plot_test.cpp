// The SVG charts of --plot on their own: nice ticks that cover the range, labels that
// read back as the ticks, and documents that are well-formed with every point and label.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "svg_plot.hpp"  // tools/, through gradc_cli_support

using gradc::cli::Chart;
using gradc::cli::nice_ticks;
using gradc::cli::PlotSeries;
using gradc::cli::svg_chart;
using gradc::cli::tick_label;
using gradc::cli::wants_log_scale;

namespace {

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
    return n;
}

// Whether every element is closed in order: a stack of tag names, with <?...?> and
// self-closing tags standing alone, and no '<' or '&' left unescaped in text.
bool well_formed(const std::string& svg) {
    std::vector<std::string> open;
    std::size_t at = 0;
    while ((at = svg.find('<', at)) != std::string::npos) {
        const std::size_t end = svg.find('>', at);
        if (end == std::string::npos) return false;
        const std::string tag = svg.substr(at + 1, end - at - 1);
        if (tag.find('<') != std::string::npos) return false;
        const std::size_t name_end = tag.find_first_of(" \n/", tag[0] == '/' ? 1 : 0);
        if (tag[0] == '?') {
            if (tag.back() != '?') return false;
        } else if (tag[0] == '/') {
            if (open.empty() || open.back() != tag.substr(1)) return false;
            open.pop_back();
        } else if (tag.back() != '/') {
            open.push_back(tag.substr(0, name_end));
        }
        // Text up to the next tag has no raw '&' other than the entities the writer makes.
        const std::size_t next = svg.find('<', end);
        const std::string text = svg.substr(end + 1, next - end - 1);
        for (std::size_t amp = text.find('&'); amp != std::string::npos; amp = text.find('&', amp + 1))
            if (text.compare(amp, 4, "&lt;") && text.compare(amp, 4, "&gt;") && text.compare(amp, 5, "&amp;") &&
                text.compare(amp, 6, "&quot;"))
                return false;
        at = end + 1;
    }
    return open.empty() && svg.rfind("<?xml", 0) == 0;
}

// The number of x,y pairs in every polyline, and of dots.
std::size_t plotted_points(const std::string& svg) {
    std::size_t n = count_of(svg, "<circle ");
    for (std::size_t at = svg.find("points=\""); at != std::string::npos; at = svg.find("points=\"", at + 1)) {
        const std::size_t end = svg.find('"', at + 8);
        n += count_of(svg.substr(at + 8, end - at - 8), ",");
    }
    return n;
}

// The text of every <text> element.
std::vector<std::string> texts(const std::string& svg) {
    std::vector<std::string> out;
    for (std::size_t at = svg.find("<text"); at != std::string::npos; at = svg.find("<text", at + 1)) {
        const std::size_t start = svg.find('>', at) + 1;
        out.push_back(svg.substr(start, svg.find("</text>", start) - start));
    }
    return out;
}

bool has_text(const std::string& svg, const std::string& text) {
    for (const std::string& t : texts(svg))
        if (t == text) return true;
    return false;
}

PlotSeries series(const std::string& name, const std::vector<double>& y) {
    PlotSeries s{name, {}, y};
    for (std::size_t i = 0; i < y.size(); ++i) s.x.push_back(static_cast<double>(i + 1));
    return s;
}

}  // namespace

TEST_CASE("nice ticks step by 1, 2 or 5 times a power of ten and cover the range", "[cli][plot]") {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> exponent(-12, 12), unit(-1, 1);
    for (int trial = 0; trial < 2000; ++trial) {
        const double scale = std::pow(10.0, exponent(rng));
        double lo = unit(rng) * scale, hi = unit(rng) * scale;
        if (lo > hi) std::swap(lo, hi);
        if (lo == hi) continue;
        INFO(lo << " .. " << hi);
        const std::vector<double> ticks = nice_ticks(lo, hi);
        REQUIRE(ticks.size() >= 3);
        CHECK(ticks.size() <= 7);
        CHECK(ticks.front() <= lo);
        CHECK(ticks.back() >= hi);
        const double step = ticks[1] - ticks[0];
        const double decade = std::pow(10.0, std::floor(std::log10(step) + 1e-9));
        const double mantissa = std::round(step / decade);
        CHECK((mantissa == 1 || mantissa == 2 || mantissa == 5 || mantissa == 10));
        std::set<std::string> labels;
        for (std::size_t i = 0; i < ticks.size(); ++i) {
            // Evenly spaced multiples of the step, each the double nearest its label.
            CHECK(ticks[i] / step == Approx(std::round(ticks[i] / step)).margin(1e-6));
            if (i > 0) CHECK(ticks[i] - ticks[i - 1] == Approx(step).epsilon(1e-9));
            const std::string label = tick_label(ticks[i], step);
            CHECK(std::abs(std::stod(label) - ticks[i]) <= step * 1e-9);
            labels.insert(label);
        }
        CHECK(labels.size() == ticks.size());
    }
}

TEST_CASE("nice ticks of familiar ranges", "[cli][plot]") {
    CHECK(nice_ticks(0, 1) == std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1});
    CHECK(nice_ticks(1, 100) == std::vector<double>{0, 20, 40, 60, 80, 100});
    CHECK(nice_ticks(-3.2, 7.9) == std::vector<double>{-5, 0, 5, 10});
    CHECK(nice_ticks(0.013, 0.021) == std::vector<double>{0.012, 0.014, 0.016, 0.018, 0.02, 0.022});
    CHECK(nice_ticks(2, 2) == std::vector<double>{2});
    // A span beyond the largest double still gets its ticks.
    const std::vector<double> huge = nice_ticks(-1e308, 1e308);
    REQUIRE(huge.size() == 5);
    CHECK(huge[2] == 0);
    CHECK(huge.back() == Approx(1e308));
    CHECK(nice_ticks(1, 0).empty());
    CHECK(nice_ticks(0, INFINITY).empty());
}

TEST_CASE("tick labels have the digits that tell ticks apart", "[cli][plot]") {
    CHECK(tick_label(0.6000000000000001, 0.2) == "0.6");
    CHECK(tick_label(1500, 500) == "1500");
    CHECK(tick_label(-0.4, 0.2) == "-0.4");
    CHECK(tick_label(1e-17, 0.1) == "0");
    CHECK(tick_label(2.5e-07, 5e-08) == "2.5e-07");
    CHECK(tick_label(1.5e8, 5e7) == "1.5e+08");
}

TEST_CASE("a log scale for positive values over more than three decades", "[cli][plot]") {
    CHECK(wants_log_scale(std::vector<double>{1, 10, 1e4}));
    CHECK_FALSE(wants_log_scale(std::vector<double>{1, 999}));
    CHECK_FALSE(wants_log_scale(std::vector<double>{0, 1e6}));  // 0 has no logarithm
    CHECK_FALSE(wants_log_scale(std::vector<double>{-1, 1e6}));
    CHECK(wants_log_scale(std::vector<double>{NAN, 1, INFINITY, 1e5}));
    CHECK_FALSE(wants_log_scale(std::vector<double>{}));
}

TEST_CASE("a chart has axes, tick labels, axis labels and every point", "[cli][plot]") {
    // y = 10 - k at k = 1..10: linear ticks 0, 2, ..., 10 on both axes.
    std::vector<double> y;
    for (int k = 1; k <= 10; ++k) y.push_back(10 - k);
    const std::string svg = svg_chart(Chart{"w*x + b", "epoch", "loss", {series("loss", y)}});
    CHECK(well_formed(svg));
    CHECK(plotted_points(svg) == 10);
    CHECK(count_of(svg, "<polyline ") == 1);
    for (const char* label : {"0", "2", "4", "6", "8", "10", "epoch", "loss", "w*x + b"}) {
        INFO(label);
        CHECK(has_text(svg, label));
    }
    // Six ticks on each axis, the two axis labels and the title; one series needs no legend.
    CHECK(texts(svg).size() == 6 + 6 + 3);
}

TEST_CASE("two series get a legend, and NaN and infinite points are left out", "[cli][plot]") {
    const std::vector<double> training{4, 3, NAN, 2, 1.5, 1};
    const std::vector<double> validation{5, 4, 3.5, INFINITY, 3, 2.5};
    const std::string svg = svg_chart(
        Chart{"", "epoch", "loss", {series("training loss", training), series("validation loss", validation)}});
    CHECK(well_formed(svg));
    CHECK(plotted_points(svg) == 10);  // 12 points, 2 not finite
    // Each gap splits its line in two.
    CHECK(count_of(svg, "<polyline ") == 4);
    CHECK(has_text(svg, "training loss"));
    CHECK(has_text(svg, "validation loss"));
}

TEST_CASE("values over many decades go on a log axis that says so", "[cli][plot]") {
    std::vector<double> y;
    for (int k = 0; k <= 10; ++k) y.push_back(std::pow(10.0, -k));
    const std::string svg = svg_chart(Chart{"", "iteration", "value", {series("value", y)}});
    CHECK(well_formed(svg));
    CHECK(has_text(svg, "value (log scale)"));
    // Decades 1e-10 .. 1 labelled every two.
    for (const char* label : {"1e-10", "1e-08", "1e-06", "1e-04", "0.01", "1"}) {
        INFO(label);
        CHECK(has_text(svg, label));
    }
    CHECK(plotted_points(svg) == 11);
}

TEST_CASE("empty, one-point and all-NaN series still give a chart", "[cli][plot]") {
    const std::string empty = svg_chart(Chart{"", "epoch", "loss", {series("loss", {})}});
    CHECK(well_formed(empty));
    CHECK(plotted_points(empty) == 0);
    const std::string none = svg_chart(Chart{"", "epoch", "loss", {}});
    CHECK(well_formed(none));
    const std::string one = svg_chart(Chart{"", "epoch", "loss", {series("loss", {0.25})}});
    CHECK(well_formed(one));
    CHECK(count_of(one, "<circle ") == 1);
    CHECK(plotted_points(one) == 1);
    const std::string nan = svg_chart(Chart{"", "epoch", "loss", {series("loss", {NAN, NAN})}});
    CHECK(well_formed(nan));
    CHECK(plotted_points(nan) == 0);
    CHECK(has_text(nan, "no finite values to plot"));
}

TEST_CASE("text in a chart is escaped", "[cli][plot]") {
    const std::string svg = svg_chart(Chart{"x < 1 & y > 2", "epoch", "loss", {series("a\"b", {1, 2})}});
    CHECK(well_formed(svg));
    CHECK(has_text(svg, "x &lt; 1 &amp; y &gt; 2"));
}

TEST_CASE("a long run is thinned to what the chart can show, keeping its last point", "[cli][plot]") {
    std::vector<double> y(100000);
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = 1.0 + static_cast<double>(i % 7);
    const std::string svg = svg_chart(Chart{"", "epoch", "loss", {series("loss", y)}});
    CHECK(well_formed(svg));
    const std::size_t points = plotted_points(svg);
    CHECK(points >= 1000);
    CHECK(points <= 2001);
    // The last point sits at the right end of the plotting area.
    CHECK(svg.find(" 620.0,") != std::string::npos);
}

TEST_CASE("a plot file that cannot be written is refused before anything runs", "[cli][plot]") {
    CHECK_THROWS_WITH(gradc::cli::PlotFile("/nonexistent-folder/loss.svg"),
                      "cannot write the plot to '/nonexistent-folder/loss.svg': check that its folder exists and is "
                      "writable");
}
