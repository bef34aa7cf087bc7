// Preparing data for a fit: seeded splits and epochs, standardization, row selection.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>
#include <set>

#include "gradc/dataset.hpp"

namespace {

gradc::Dataset counting(std::size_t rows) {
    gradc::Dataset d;
    d.names = {"i", "twice"};
    d.columns.resize(2);
    for (std::size_t r = 0; r < rows; ++r) {
        d.columns[0].push_back(static_cast<double>(r));
        d.columns[1].push_back(2.0 * static_cast<double>(r));
    }
    return d;
}

}  // namespace

TEST_CASE("a split keeps every row once, rows intact, and repeats with its seed", "[dataset]") {
    const gradc::Dataset d = counting(100);
    const gradc::Split s = gradc::split_rows(d, 0.2, 7);
    CHECK(s.train.rows() == 80);
    CHECK(s.validation.rows() == 20);
    std::set<double> seen;
    for (const gradc::Dataset* part : {&s.train, &s.validation})
        for (std::size_t r = 0; r < part->rows(); ++r) {
            seen.insert(part->columns[0][r]);
            CHECK(part->columns[1][r] == 2 * part->columns[0][r]);  // rows stay whole
        }
    CHECK(seen.size() == 100);
    CHECK(gradc::split_rows(d, 0.2, 7).validation.columns == s.validation.columns);
    CHECK(gradc::split_rows(d, 0.2, 8).validation.columns != s.validation.columns);
    // Tiny sets still get a row on each side, and 0 keeps everything for training.
    CHECK(gradc::split_rows(counting(2), 0.1, 1).validation.rows() == 1);
    CHECK(gradc::split_rows(counting(5), 0.0, 1).validation.rows() == 0);
    CHECK_THROWS_AS(gradc::split_rows(d, 1.0, 1), gradc::Error);
}

TEST_CASE("an epoch order is a permutation, fixed by its seed, or the identity", "[dataset]") {
    const std::vector<std::size_t> a = gradc::epoch_order(1000, true, 3);
    std::vector<std::size_t> sorted = a;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::size_t> identity(1000);
    std::iota(identity.begin(), identity.end(), std::size_t{0});
    CHECK(sorted == identity);
    CHECK(a != identity);
    CHECK(gradc::epoch_order(1000, true, 3) == a);
    CHECK(gradc::epoch_order(1000, false, 3) == identity);
}

TEST_CASE("standardization gives mean 0 and population deviation 1", "[dataset]") {
    gradc::Dataset d = counting(11);
    d.names.push_back("constant");
    d.columns.push_back(std::vector<double>(11, 4.0));
    const std::size_t which[] = {1, 2};
    const gradc::Standardization s = gradc::fit_standardization(d, which);
    CHECK(s.mean[0] == Approx(10.0));
    CHECK(s.scale[0] == Approx(2.0 * std::sqrt(10.0)));  // population sd of 0,2,...,20
    CHECK(s.scale[1] == 1.0);                            // a constant column is not divided by 0
    s.apply(d);
    double mean = 0, square = 0;
    for (double v : d.columns[1]) mean += v / 11;
    for (double v : d.columns[1]) square += v * v / 11;
    CHECK(mean == Approx(0.0).margin(1e-15));
    CHECK(square == Approx(1.0));
    CHECK(d.columns[2] == std::vector<double>(11, 0.0));
    CHECK(d.columns[0][3] == 3.0);  // columns not listed are untouched
    CHECK(s.restore(0, d.columns[1][5]) == Approx(10.0));
}
