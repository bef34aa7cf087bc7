// The progress bar of fit and minimize: its line as a pure function of the run's
// state, the redraw limit, and that nothing is drawn when standard error is no terminal.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "command_output.hpp"
#include "progress.hpp"  // tools/, through gradc_cli_support

using gradc::cli::duration_text;
using gradc::cli::progress_line;
using gradc::cli::ProgressState;
using gradc::cli::RedrawLimit;

namespace {

ProgressState epoch_state(std::size_t done, std::size_t total, double rate) {
    ProgressState s;
    s.unit = "epoch";
    s.value_name = "loss";
    s.done = done;
    s.total = total;
    s.value = 0.0196336;
    s.rate = rate;
    return s;
}

}  // namespace

TEST_CASE("the progress line shows the step, a bar, the loss, the rate and the time left", "[cli][progress]") {
    // 37 of 100 fills 7 of 20 cells; 63 epochs left at 412 a second take 0.15 s.
    CHECK(progress_line(epoch_state(37, 100, 412), 200) ==
          "epoch 37/100 [#######.............]  loss 0.0196336  412 epochs/s  ETA 0:00");
    // 900 iterations left at 0.5 a second: 30 minutes.
    ProgressState s = epoch_state(100, 1000, 0.5);
    s.unit = "iteration";
    s.value_name = "value";
    s.value = 2.5;
    CHECK(progress_line(s, 200) == "iteration 100/1000 [##..................]  value 2.5  0.5 iterations/s  ETA 30:00");
}

TEST_CASE("the progress line adds the validation loss when there is one", "[cli][progress]") {
    ProgressState s = epoch_state(5, 10, 2);
    s.val_loss = 0.5;
    CHECK(progress_line(s, 200) ==
          "epoch 5/10 [##########..........]  loss 0.0196336  val_loss 0.5  2 epochs/s  ETA 0:03");
}

TEST_CASE("the progress line before the rate is known, and at the end", "[cli][progress]") {
    const std::string start = progress_line(epoch_state(0, 50, 0), 200);
    CHECK(start == "epoch 0/50 [....................]  loss 0.0196336  ETA --:--");
    const std::string end = progress_line(epoch_state(50, 50, 1e5), 200);
    CHECK(end == "epoch 50/50 [####################]  loss 0.0196336  100k epochs/s  ETA 0:00");
    // A run without a known end has neither a bar nor a time left.
    CHECK(progress_line(epoch_state(3, 0, 1.5), 200) == "epoch 3  loss 0.0196336  1.5 epochs/s");
}

TEST_CASE("the progress line fits the terminal: the bar goes first, then the end is cut", "[cli][progress]") {
    const ProgressState s = epoch_state(37, 100, 412);
    const std::string full = progress_line(s, 200);
    for (std::size_t width = 1; width <= full.size() + 2; ++width) {
        INFO("width " << width);
        const std::string line = progress_line(s, width);
        CHECK(line.size() <= width - 1);
        const bool has_bar = line.find('[') != std::string::npos;
        CHECK(has_bar == (width > full.size()));
    }
    // Without the bar the loss is still there on an 80-column terminal.
    CHECK(progress_line(epoch_state(187062, 200000, 561357), 80) ==
          "epoch 187062/200000  loss 0.0196336  561k epochs/s  ETA 0:00");
}

TEST_CASE("durations read as minutes and seconds, or hours", "[cli][progress]") {
    CHECK(duration_text(0) == "0:00");
    CHECK(duration_text(59.4) == "0:59");
    CHECK(duration_text(61) == "1:01");
    CHECK(duration_text(3723) == "1:02:03");
    CHECK(duration_text(std::nan("")) == "--:--");
    CHECK(duration_text(INFINITY) == "--:--");
}

TEST_CASE("the bar redraws at most ten times a second", "[cli][progress]") {
    RedrawLimit limit(0.1);
    CHECK(limit.due(0.0));  // the first update draws
    CHECK_FALSE(limit.due(0.05));
    CHECK(limit.due(0.15));
    CHECK_FALSE(limit.due(0.2));
    // A thousand updates a millisecond apart draw once per 0.1 s: ten or eleven times.
    RedrawLimit steady(0.1);
    int draws = 0;
    for (int k = 0; k < 1000; ++k) draws += steady.due(k * 1e-3) ? 1 : 0;
    CHECK(draws >= 10);
    CHECK(draws <= 11);
}

TEST_CASE("no bar with --json, and none when standard error is not a terminal", "[cli][progress]") {
    CHECK_FALSE(gradc::cli::ProgressBar::wanted(true));
    // The tests run the command with its standard error on a pipe: it has only the result.
    const std::string data = GRADC_SOURCE_DIR "/docs/data/line_noisy.csv";
    const auto fit = gradc::testing::run_gradc_stream(
        2, "fit 'w*x + b' --data " + data + " --target y --optimizer adam --lr 0.1 --epochs 50");
    CHECK(fit.exit_code == 0);
    CHECK(fit.out.empty());
    const auto minimize =
        gradc::testing::run_gradc_stream(2, "minimize 'x^2 + y^2' --from x=1,y=2 --optimizer gd --lr 0.1");
    CHECK(minimize.exit_code == 0);
    CHECK(minimize.out.empty());
}
