// Learning-rate schedules against their closed forms, evaluated by hand at chosen steps.
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "gradc/error.hpp"
#include "gradc/optimize.hpp"

using gradc::Schedule;

TEST_CASE("a constant schedule keeps the base rate", "[train][schedule]") {
    const Schedule s;
    CHECK(s.kind() == Schedule::Kind::Constant);
    CHECK(s.rate(0.1, 0) == 0.1);
    CHECK(s.rate(0.1, 12345) == 0.1);
}

TEST_CASE("a step schedule multiplies by gamma every step_size steps", "[train][schedule]") {
    const Schedule s = Schedule::step(3, 0.5);
    // Steps 0, 1, 2 at the base rate, 3 to 5 halved, 6 to 8 quartered.
    CHECK(s.rate(0.8, 0) == 0.8);
    CHECK(s.rate(0.8, 2) == 0.8);
    CHECK(s.rate(0.8, 3) == 0.4);
    CHECK(s.rate(0.8, 5) == 0.4);
    CHECK(s.rate(0.8, 6) == 0.2);
    CHECK(s.rate(0.8, 30) == Approx(0.8 / 1024).epsilon(1e-15));
    CHECK(Schedule::step(10).rate(1.0, 10) == Approx(0.1).epsilon(1e-15));  // PyTorch's gamma 0.1
}

TEST_CASE("an exponential schedule multiplies by gamma every step", "[train][schedule]") {
    const Schedule s = Schedule::exponential(0.9);
    CHECK(s.rate(2.0, 0) == 2.0);
    CHECK(s.rate(2.0, 1) == Approx(1.8).epsilon(1e-15));
    CHECK(s.rate(2.0, 2) == Approx(1.62).epsilon(1e-15));
    CHECK(s.rate(2.0, 10) == Approx(0.6973568802).epsilon(1e-9));  // 2 * 0.9^10
}

TEST_CASE("a cosine schedule anneals from the base rate to eta_min over T_max steps", "[train][schedule]") {
    const Schedule s = Schedule::cosine(100, 0.01);
    CHECK(s.rate(0.11, 0) == Approx(0.11).epsilon(1e-15));
    CHECK(s.rate(0.11, 50) == Approx(0.06).epsilon(1e-14));    // halfway: the mean of the ends
    CHECK(s.rate(0.11, 100) == Approx(0.01).epsilon(1e-14));
    // A quarter of the way: eta_min + (base - eta_min)(1 + cos(pi/4))/2.
    CHECK(s.rate(0.11, 25) == Approx(0.01 + 0.1 * (1 + std::sqrt(0.5)) / 2).epsilon(1e-14));
    // Past T_max it rises again, as PyTorch's closed form does.
    CHECK(s.rate(0.11, 150) == Approx(0.06).epsilon(1e-14));
    CHECK(Schedule::cosine(4).rate(1.0, 4) == Approx(0.0).margin(1e-16));
}

TEST_CASE("schedules refuse parameters outside their range", "[train][schedule][errors]") {
    CHECK_THROWS_AS(Schedule::step(0), gradc::Error);
    CHECK_THROWS_AS(Schedule::step(5, 0.0), gradc::Error);
    CHECK_THROWS_AS(Schedule::exponential(-0.5), gradc::Error);
    CHECK_THROWS_AS(Schedule::exponential(NAN), gradc::Error);
    CHECK_THROWS_AS(Schedule::cosine(0), gradc::Error);
    CHECK_THROWS_AS(Schedule::cosine(10, -1.0), gradc::Error);
}

TEST_CASE("an optimizer takes its learning rate from the schedule step by step", "[train][schedule]") {
    // Gradient descent on f(x) = x^2 / 2 (gradient x) with lr 0.5 halved after every step:
    // x <- x - lr_t * x with lr 0.5, 0.25, 0.125.
    gradc::Sgd sgd(gradc::SgdOptions{.lr = 0.5});
    sgd.set_schedule(Schedule::step(1, 0.5));
    double x = 8.0;
    for (const double want : {4.0, 3.0, 2.625}) {
        const double g = x;
        sgd.step(std::span<double>(&x, 1), std::span<const double>(&g, 1));
        CHECK(x == want);
    }
    CHECK(sgd.current_learning_rate() == 0.0625);
    sgd.reset();
    CHECK(sgd.current_learning_rate() == 0.5);
}

TEST_CASE("schedules and optimizers are read by the names the command line takes", "[train][schedule][names]") {
    // Each named schedule gives the rates of the factory it names.
    for (const std::size_t t : {0u, 1u, 99u, 100u, 250u}) {
        CHECK(Schedule::named("step:100:0.5").rate(0.1, t) == Schedule::step(100, 0.5).rate(0.1, t));
        CHECK(Schedule::named("step:100").rate(0.1, t) == Schedule::step(100).rate(0.1, t));
        CHECK(Schedule::named("exp:0.99").rate(0.1, t) == Schedule::exponential(0.99).rate(0.1, t));
        CHECK(Schedule::named("cosine:200:1e-5").rate(0.1, t) == Schedule::cosine(200, 1e-5).rate(0.1, t));
    }
    CHECK_THROWS_WITH(Schedule::named("step:0"), Catch::Contains("1 or more"));
    CHECK_THROWS_WITH(Schedule::named("exp"), Catch::Contains("exp:GAMMA"));
    CHECK_THROWS_WITH(Schedule::named("linear:5"), Catch::Contains("cosine:T_MAX"));

    for (const gradc::Method m :
         {gradc::Method::GradientDescent, gradc::Method::Momentum, gradc::Method::Nesterov, gradc::Method::Adagrad,
          gradc::Method::Rmsprop, gradc::Method::Adam, gradc::Method::AdamW, gradc::Method::Lbfgs})
        CHECK(gradc::method_named(gradc::method_name(m)) == m);
    CHECK(gradc::method_named("sgd") == gradc::Method::GradientDescent);
    CHECK(gradc::method_name(gradc::Method::GradientDescent) == "gd");
    CHECK_THROWS_WITH(gradc::method_named("adamax"), Catch::Contains("choose one of gd (or sgd)"));
}
