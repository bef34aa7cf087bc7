// Every option of gradc fit reaches the run: each is checked against an expectation
// found without the command (a closed form, a property of the solution, or the library's
// fit() called directly with the setting), and each must change the result, so that a
// flag ignored, or swapped with another, fails.
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "command_output.hpp"
#include "gradc/fit.hpp"
#include "gradc/nn.hpp"
#include "temp_files.hpp"

using namespace gradc;
using gradc::testing::json_token;
using gradc::testing::parse_number;
using gradc::testing::run_gradc_stream;
using gradc::testing::temp_file;

namespace {

// y = 1.5u - 0.5v + 2 plus seeded noise, 40 rows: enough for batches, a split and a
// validation loss that stops improving.
std::string noisy_plane() {
    std::string text = "u,v,y\n";
    std::uint64_t state = 12345;
    auto uniform = [&state] {  // a small LCG: the file is the same everywhere
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(state >> 11) / 9007199254740992.0;
    };
    for (int r = 0; r < 40; ++r) {
        const double u = 4 * uniform() - 2, v = 4 * uniform() - 2, noise = uniform() - 0.5;
        text +=
            std::to_string(u) + "," + std::to_string(v) + "," + std::to_string(1.5 * u - 0.5 * v + 2 + noise) + "\n";
    }
    return text;
}

const std::string& plane_csv() {
    static const std::string path = temp_file("plane.csv", noisy_plane());
    return path;
}

const std::string kPlane = "a*u + c*v + b";

// What a run gave: the parameters in the model's order, the losses and the epochs.
struct Fitted {
    std::vector<double> params;
    double loss = NAN;
    double val_loss = NAN;
    double epochs = NAN;
    std::vector<double> history;
};

std::vector<double> json_numbers(const std::string& json, const std::string& key) {
    std::vector<double> out;
    std::size_t at = json.find("\"" + key + "\": [");
    if (at == std::string::npos) return out;
    at += key.size() + 5;
    const std::size_t end = json.find(']', at);
    while (at < end) {
        const std::size_t comma = std::min(json.find(',', at), end);
        out.push_back(parse_number(json.substr(at, comma - at)));
        at = comma + 2;
    }
    return out;
}

Fitted cli_fit(const std::string& model, const std::string& csv, const std::string& flags,
               const std::vector<std::string>& params) {
    const auto r =
        run_gradc_stream(1, "fit " + (model.empty() ? "" : "'" + model + "' ") + "--data " + csv + " --json " + flags);
    INFO("gradc fit " << flags << "\n" << r.out);
    REQUIRE(r.exit_code == 0);
    Fitted f;
    for (const std::string& p : params) f.params.push_back(parse_number(json_token(r.out, {"params", p})));
    f.loss = parse_number(json_token(r.out, {"loss"}));
    f.val_loss = parse_number(json_token(r.out, {"val_loss"}));
    f.epochs = parse_number(json_token(r.out, {"epochs"}));
    f.history = json_numbers(r.out, "history");
    return f;
}

Fitted library_result(const FitResult& r) {
    Fitted f{r.params, r.loss, r.val_loss, static_cast<double>(r.epochs), {}};
    for (const EpochLoss& e : r.history) f.history.push_back(e.loss);
    return f;
}

Fitted library_fit(const std::string& model, const std::string& csv, const FitOptions& options) {
    return library_result(fit(model, read_csv_file(csv), options));
}

// Same bits: the command runs the library's code on the same numbers.
bool same(const Fitted& a, const Fitted& b) {
    auto same_number = [](double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); };
    bool ok = a.params == b.params && same_number(a.loss, b.loss) && same_number(a.val_loss, b.val_loss) &&
              a.epochs == b.epochs && a.history.size() == b.history.size();
    for (std::size_t k = 0; ok && k < a.history.size(); ++k) ok = same_number(a.history[k], b.history[k]);
    return ok;
}

std::string describe(const Fitted& f) {
    std::string text = "params";
    for (double p : f.params) text += " " + std::to_string(p);
    return text + ", loss " + std::to_string(f.loss) + ", epochs " + std::to_string(f.epochs);
}

// One option: the flags of the run without it, the option's text, and what each does
// to the library's FitOptions (and to an optimizer of the caller's, when it needs one).
struct Case {
    std::string base_flags;
    std::string option;
    std::function<void(FitOptions&)> base;
    std::function<void(FitOptions&)> with_option;
    std::function<std::unique_ptr<Optimizer>()> optimizer = nullptr;  // the run with the option
};

FitOptions plane_options() {
    FitOptions o;
    o.target = "y";
    return o;
}

// The command with the option gives the library's run with it, and something other
// than the run without it.
void check_option(const Case& c) {
    INFO("gradc fit " << c.base_flags << " " << c.option);
    FitOptions without = plane_options();
    c.base(without);
    FitOptions with = without;
    c.with_option(with);
    std::unique_ptr<Optimizer> optimizer = c.optimizer ? c.optimizer() : nullptr;
    with.optimizer = optimizer.get();
    const Fitted expected = library_fit(kPlane, plane_csv(), with);
    const Fitted control = library_fit(kPlane, plane_csv(), without);
    const Fitted got = cli_fit(kPlane, plane_csv(), "--target y " + c.base_flags + " " + c.option, {"a", "c", "b"});
    INFO("command: " << describe(got) << "\nlibrary: " << describe(expected)
                     << "\nwithout the option: " << describe(control));
    CHECK(same(got, expected));
    CHECK(!same(expected, control));
}

auto gd(double lr, std::size_t epochs, std::size_t batch = 0) {
    return [=](FitOptions& o) {
        o.method = Method::GradientDescent;
        o.learning_rate = lr;
        o.epochs = epochs;
        o.batch_size = batch;
    };
}

}  // namespace

TEST_CASE("fit's run options each reach the run", "[cli][fit][options]") {
    const std::string gd_flags = "--optimizer gd --lr 0.05 --epochs 4 --batch-size 8";
    const auto gd_run = gd(0.05, 4, 8);
    const std::vector<Case> cases = {
        {"--optimizer gd --epochs 4", "--lr 0.02", gd(0.01, 4), [](FitOptions& o) { o.learning_rate = 0.02; }},
        {"--optimizer gd --lr 0.05 --batch-size 8", "--epochs 7", gd(0.05, 100, 8),
         [](FitOptions& o) { o.epochs = 7; }},
        {"--optimizer gd --lr 0.05 --epochs 4", "--batch-size 8", gd(0.05, 4), [](FitOptions& o) { o.batch_size = 8; }},
        {gd_flags, "--seed 9", gd_run, [](FitOptions& o) { o.seed = 9; }},
        {gd_flags, "--no-shuffle", gd_run, [](FitOptions& o) { o.shuffle = false; }},
        {gd_flags, "--exact-loss", gd_run, [](FitOptions& o) { o.exact_epoch_loss = true; }},
        {gd_flags, "--validation 0.25", gd_run, [](FitOptions& o) { o.validation = 0.25; }},
        {gd_flags + " --validation 0.25 --seed 2", "--standardize",
         [&](FitOptions& o) { gd_run(o), o.validation = 0.25, o.seed = 2; },
         [](FitOptions& o) { o.standardize = true; }},
        {gd_flags, "--l1 0.3", gd_run, [](FitOptions& o) { o.l1 = 0.3; }},
        {gd_flags, "--l2 0.3", gd_run, [](FitOptions& o) { o.l2 = 0.3; }},
        {gd_flags, "--loss mae", gd_run, [](FitOptions& o) { o.loss = Loss::named("mae"); }},
        {gd_flags, "--loss huber", gd_run, [](FitOptions& o) { o.loss = Loss::named("huber"); }},
        {gd_flags, "--loss 'log(1 + (p - y)^2)'", gd_run,
         [](FitOptions& o) { o.loss = Loss::named("log(1 + (p - y)^2)"); }},
        {gd_flags, "--param a=0.5", gd_run, [](FitOptions& o) { o.initial = {{"a", 0.5}}; }},
        {"--optimizer gd --lr 0.01 --epochs 500", "--tol 1e-3", gd(0.01, 500),
         [](FitOptions& o) { o.tolerance = 1e-3; }},
        {"--optimizer gd --lr 0.3 --epochs 300 --validation 0.3", "--patience 2",
         [](FitOptions& o) { gd(0.3, 300)(o), o.validation = 0.3; }, [](FitOptions& o) { o.patience = 2; }},
    };
    for (const Case& c : cases) check_option(c);
}

TEST_CASE("fit's optimizer and its settings each reach the run", "[cli][fit][options]") {
    const std::string run = "--lr 0.05 --epochs 3 --batch-size 8";
    const auto method = [](Method m) {
        return [m](FitOptions& o) {
            o.method = m;
            o.learning_rate = 0.05;
            o.epochs = 3;
            o.batch_size = 8;
        };
    };
    const auto set_method = [](Method m) { return [m](FitOptions& o) { o.method = m; }; };
    std::vector<Case> cases = {
        {run, "--optimizer momentum", method(Method::GradientDescent), set_method(Method::Momentum)},
        {run + " --optimizer momentum", "--nesterov", method(Method::Momentum), set_method(Method::Nesterov)},
        {run, "--optimizer nesterov", method(Method::GradientDescent), set_method(Method::Nesterov)},
        {run, "--optimizer adagrad", method(Method::GradientDescent), set_method(Method::Adagrad)},
        {run, "--optimizer rmsprop", method(Method::GradientDescent), set_method(Method::Rmsprop)},
        {run, "--optimizer adam", method(Method::GradientDescent), set_method(Method::Adam)},
        {run, "--optimizer adamw", method(Method::Adam), set_method(Method::AdamW)},
        {"--epochs 20", "--optimizer lbfgs", [](FitOptions& o) { o.method = Method::GradientDescent, o.epochs = 20; },
         set_method(Method::Lbfgs)},
    };
    const auto caller = [](Method m) { return [m](FitOptions& o) { o.method = m; }; };
    // The settings, against the library's optimizers built with them.
    cases.push_back({run + " --optimizer momentum", "--momentum 0.5", method(Method::Momentum),
                     caller(Method::Momentum),
                     [] { return std::make_unique<Sgd>(SgdOptions{.lr = 0.05, .momentum = 0.5}); }});
    cases.push_back({run + " --optimizer rmsprop", "--momentum 0.5", method(Method::Rmsprop), caller(Method::Rmsprop),
                     [] { return std::make_unique<Rmsprop>(RmspropOptions{.lr = 0.05, .momentum = 0.5}); }});
    cases.push_back({run + " --optimizer momentum --momentum 0.5", "--nesterov",
                     [&](FitOptions& o) {
                         method(Method::Momentum)(o);
                         static Sgd plain(SgdOptions{.lr = 0.05, .momentum = 0.5});
                         o.optimizer = &plain;
                     },
                     caller(Method::Momentum),
                     [] { return std::make_unique<Sgd>(SgdOptions{.lr = 0.05, .momentum = 0.5, .nesterov = true}); }});
    cases.push_back({run + " --optimizer gd", "--weight-decay 0.2", method(Method::GradientDescent),
                     caller(Method::GradientDescent),
                     [] { return std::make_unique<Sgd>(SgdOptions{.lr = 0.05, .weight_decay = 0.2}); }});
    cases.push_back({run + " --optimizer adamw", "--weight-decay 0.2", method(Method::AdamW), caller(Method::AdamW),
                     [] { return std::make_unique<AdamW>(AdamWOptions{.lr = 0.05, .weight_decay = 0.2}); }});
    cases.push_back({run + " --optimizer adam", "--betas 0.5,0.9", method(Method::Adam), caller(Method::Adam),
                     [] { return std::make_unique<Adam>(AdamOptions{.lr = 0.05, .beta1 = 0.5, .beta2 = 0.9}); }});
    cases.push_back({run + " --optimizer adam", "--eps 0.1", method(Method::Adam), caller(Method::Adam),
                     [] { return std::make_unique<Adam>(AdamOptions{.lr = 0.05, .eps = 0.1}); }});
    cases.push_back({run + " --optimizer adagrad", "--eps 0.1", method(Method::Adagrad), caller(Method::Adagrad),
                     [] { return std::make_unique<Adagrad>(AdagradOptions{.lr = 0.05, .eps = 0.1}); }});
    cases.push_back({run + " --optimizer rmsprop", "--alpha 0.5", method(Method::Rmsprop), caller(Method::Rmsprop),
                     [] { return std::make_unique<Rmsprop>(RmspropOptions{.lr = 0.05, .alpha = 0.5}); }});
    cases.push_back({run + " --optimizer gd", "--schedule step:2:0.5", method(Method::GradientDescent),
                     caller(Method::GradientDescent), [] {
                         auto o = std::make_unique<Sgd>(SgdOptions{.lr = 0.05});
                         o->set_schedule(Schedule::step(2, 0.5));
                         return o;
                     }});
    for (const Case& c : cases) check_option(c);
}

TEST_CASE("fit --history-size sets L-BFGS's memory", "[cli][fit][options]") {
    check_option({"--epochs 3", "--history-size 1", [](FitOptions& o) { o.epochs = 3; },
                  [](FitOptions& o) { o.lbfgs_history = 1; }});
}

TEST_CASE("fit --l1 gives a sparse solution and --l2 a shrunk one", "[cli][fit][options]") {
    // Two rows with u = 1 and v = ±1: the mean squared error of y = 2u + 0.1v is
    // (a - 2)² + (c - 0.1)², so the lasso's minimizer is a = 2 - l1/2, c = max(0, 0.1 -
    // l1/2), and the ridge's a = 2/(1 + l2), c = 0.1/(1 + l2).
    const std::string data = temp_file("orthogonal.csv", "u,v,y\n1,1,2.1\n1,-1,1.9\n");
    const std::string gd_flags = "--target y --optimizer gd --lr 0.001 --epochs 5000 ";
    const Fitted lasso = cli_fit("a*u + c*v", data, gd_flags + "--l1 1", {"a", "c"});
    // Subgradient steps hover around 0 within a step: lr·(l1 + 2|c - 0.1|) < 0.0013.
    CHECK(std::fabs(lasso.params[1]) < 0.0013);
    CHECK(lasso.params[0] == Approx(1.5).margin(1e-3));
    const Fitted ridge = cli_fit("a*u + c*v", data, "--target y --l2 1", {"a", "c"});
    CHECK(ridge.params[0] == Approx(1.0).margin(1e-9));
    CHECK(ridge.params[1] == Approx(0.05).margin(1e-9));
    // The loss reported includes each penalty with its own weight.
    CHECK(ridge.loss == Approx(1.0 + 0.05 * 0.05 + 1.0 + 0.05 * 0.05).epsilon(1e-9));
}

TEST_CASE("fit --patience stops when the validation loss has not improved for that many epochs",
          "[cli][fit][options]") {
    const std::string history = gradc::testing::temp_path("history.csv");
    const Fitted r = cli_fit(kPlane, plane_csv(),
                             "--target y --optimizer momentum --lr 0.3 --epochs 300 --validation 0.3 --patience 3 "
                             "--history " +
                                 history,
                             {"a", "c", "b"});
    // From the validation losses written per epoch: the run ends 3 epochs after the lowest.
    std::istringstream lines(gradc::testing::read_text(history));
    std::string line;
    std::getline(lines, line);  // epoch,loss,val_loss
    std::vector<double> val;
    while (std::getline(lines, line)) val.push_back(std::strtod(line.c_str() + line.rfind(',') + 1, nullptr));
    REQUIRE(val.size() == static_cast<std::size_t>(r.epochs));
    std::size_t best = 0;
    for (std::size_t k = 1; k < val.size(); ++k)
        if (val[k] < val[best]) best = k;
    CHECK(r.epochs < 300);
    CHECK(r.epochs == static_cast<double>(best + 1 + 3));
    CHECK(r.val_loss == val[best]);
}

TEST_CASE("fit --exact-loss reports each epoch's loss at its end", "[cli][fit][options]") {
    // One epoch: the exact loss is the final loss, which is always taken at the end; the
    // running mean of the batches' losses, taken before their steps, is larger.
    const std::string flags = "--target y --optimizer gd --lr 0.05 --epochs 1 --batch-size 8 ";
    const Fitted exact = cli_fit(kPlane, plane_csv(), flags + "--exact-loss", {"a", "c", "b"});
    const Fitted running = cli_fit(kPlane, plane_csv(), flags, {"a", "c", "b"});
    REQUIRE(exact.history.size() == 1);
    CHECK(exact.history[0] == exact.loss);
    CHECK(running.history[0] > running.loss);
    CHECK(running.loss == exact.loss);
}

TEST_CASE("fit --mlp and --activation train the library's network", "[cli][fit][options][mlp]") {
    const std::string xor_csv = GRADC_SOURCE_DIR "/docs/data/xor.csv";
    const Dataset data = read_csv_file(xor_csv);
    FitOptions o;
    o.target = "y";
    o.loss = Loss::named("xent");
    o.method = Method::Adam;
    o.learning_rate = 0.05;
    o.epochs = 20;
    o.seed = 4;
    for (const std::string activation : {"tanh", "sigmoid"}) {
        nn::MlpOptions net;
        net.hidden = {3, 2};
        net.activation = nn::activation_named(activation);
        const nn::MlpFitResult expected = nn::fit_mlp(data, net, o);
        const Fitted got = cli_fit("", xor_csv,
                                   "--target y --loss xent --optimizer adam --lr 0.05 --epochs 20 --seed 4 --mlp 3,2 "
                                   "--activation " +
                                       activation,
                                   expected.fit.names.params);
        INFO(activation);
        CHECK(same(got, library_result(expected.fit)));
    }
}
