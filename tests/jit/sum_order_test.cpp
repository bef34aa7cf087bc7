// A batch kernel's sums follow the order jit.hpp documents, bit for bit: 8 partial sums
// and a fixed tree per call, chunks of kChunkRows rows added in order, at every lane
// count, with sums in registers or in memory, at O0, and on any number of threads. The
// rows mix 1e16, 1 and -1e16, so that any other order gives other bits (checked too).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "gradc/autodiff.hpp"
#include "gradc/jit.hpp"
#include "gradc/thread_pool.hpp"
#include "support/sum_order.hpp"

namespace {

using gradc::BatchKernel;
using gradc::Expr;
using gradc::testing::batch_sum;
using gradc::testing::call_sum;

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

std::string bits_text(double v) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof v);
    return std::to_string(v) + " (bits " + std::to_string(bits) + ")";
}

// Values whose sum depends on the order of the additions: next to 1e16, whose ulp is 2,
// an added 1 is rounded away (to even), unless -1e16 has cancelled it first.
std::vector<double> order_sensitive(std::mt19937_64& rng, std::size_t rows) {
    const double choices[] = {1e16, -1e16, 1.0, 1.0, -1.0, 3.0, 0.5, -0.0};
    std::uniform_int_distribution<std::size_t> pick(0, std::size(choices) - 1);
    std::vector<double> v(rows);
    for (double& x : v) x = choices[pick(rng)];
    return v;
}

// The order batch kernels followed before (lane j adding rows j, j + lanes, ... from
// +0.0, the lanes then added in order, chunks of 1024 rows), to show that the data above
// tell it from the documented one.
double lane_order_sum(std::span<const double> terms, std::size_t lanes) {
    double total = 0.0;
    for (std::size_t first = 0; first < terms.size(); first += 1024) {
        const std::span<const double> chunk = terms.subspan(first, std::min<std::size_t>(1024, terms.size() - first));
        std::vector<double> lane(lanes, 0.0);
        for (std::size_t t = 0; t < chunk.size(); ++t) lane[t % lanes] += chunk[t];
        double sum = lane[0];
        for (std::size_t j = 1; j < lanes; ++j) sum += lane[j];
        total += sum;
    }
    return total;
}

// The documented order but for the partials of a call added left to right: the tree
// must matter for the data above, or a kernel adding them in a row would pass.
double left_to_right_sum(std::span<const double> terms) {
    double total = 0.0;
    for (std::size_t first = 0; first < terms.size(); first += BatchKernel::kChunkRows) {
        const std::span<const double> chunk =
            terms.subspan(first, std::min<std::size_t>(BatchKernel::kChunkRows, terms.size() - first));
        double s[8] = {-0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0};
        for (std::size_t t = 0; t < chunk.size(); ++t) s[t % 8] += chunk[t];
        double sum = s[0];
        for (std::size_t j = 1; j < 8; ++j) sum += s[j];
        total = first == 0 ? sum : total + sum;
    }
    return total;
}

// loss = p*c + d over columns c and d: with p = 1 the kernel sums the terms c_r + d_r
// (out[0]) and c_r (out[1], the partial by p).
struct Kernels {
    gradc::ExprContext ctx;
    Expr p = ctx.variable("p"), c = ctx.variable("c"), d = ctx.variable("d");
    Expr loss = ctx.add(ctx.mul(p, c), d);

    BatchKernel compile(const gradc::JitOptions& options) {
        gradc::Jit jit(options);
        const Expr columns[] = {c, d};
        BatchKernel kernel = gradc::compile_batch(jit, ctx, loss, std::span<const Expr>(&p, 1), columns);
        REQUIRE(kernel.output_count() == 2);
        return kernel;
    }
};

// Every way of building the kernel whose sums must agree: lanes 1, 2, 4, 8, each with
// sums in registers (the full pipeline), in memory (the light one), and unoptimized.
struct Setting {
    std::string name;
    gradc::JitOptions options;
};

std::vector<Setting> settings() {
    std::vector<Setting> all;
    for (unsigned lanes : {1u, 2u, 4u, 8u}) {
        gradc::JitOptions full;
        full.lanes = lanes;
        gradc::JitOptions light = full;
        light.large_kernel_nodes = 0;
        gradc::JitOptions o0 = full;
        o0.opt_level = gradc::OptLevel::O0;
        const std::string l = std::to_string(lanes) + " lanes";
        all.push_back({l + ", sums in registers", full});
        all.push_back({l + ", sums in memory", light});
        all.push_back({l + ", O0", o0});
    }
    return all;
}

}  // namespace

TEST_CASE("batch sums have the documented order's bits at every lane count", "[jit][batch][order]") {
    std::mt19937_64 rng(20261215);
    const std::size_t row_counts[] = {0, 1, 7, 8, 9, 63, 64, 65, 1000};
    const std::vector<double> c = order_sensitive(rng, 1000), d = order_sensitive(rng, 1000);
    std::vector<double> c_plus_d(c.size());
    for (std::size_t r = 0; r < c.size(); ++r) c_plus_d[r] = c[r] + d[r];
    const std::vector<const double*> columns = {c.data(), d.data()};
    const std::vector<double> params = {1.0};
    Kernels k;
    gradc::ThreadPool pool(3);
    int compared = 0;
    for (const Setting& s : settings()) {
        const BatchKernel kernel = k.compile(s.options);
        for (std::size_t rows : row_counts) {
            const double want[] = {batch_sum(std::span(c_plus_d).first(rows), BatchKernel::kChunkRows),
                                   batch_sum(std::span(c).first(rows), BatchKernel::kChunkRows)};
            const std::vector<double> alone = kernel(params, columns, rows);
            const std::vector<double> shared = kernel(params, columns, rows, &pool);
            for (std::size_t out = 0; out < 2; ++out) {
                INFO(s.name << ", " << rows << " rows, output " << out << ": got " << bits_text(alone[out])
                            << ", documented order " << bits_text(want[out]));
                CHECK(same_bits(alone[out], want[out]));
                CHECK(same_bits(shared[out], want[out]));
                ++compared;
            }
        }
    }
    CHECK(compared == 12 * 9 * 2);
    // The rows tell the orders apart: lane by lane, 1, 4 or 8 lanes at a time, the
    // sums over 1000 rows have other bits.
    for (const std::size_t lanes : {std::size_t{1}, std::size_t{4}, std::size_t{8}}) {
        INFO(lanes << " lanes");
        CHECK_FALSE(same_bits(lane_order_sum(c, lanes), batch_sum(c, BatchKernel::kChunkRows)));
    }
    // And each part of the order matters on its own: the tree, and chunks of 64 rows
    // rather than 1024.
    CHECK_FALSE(same_bits(left_to_right_sum(c), batch_sum(c, BatchKernel::kChunkRows)));
    CHECK_FALSE(same_bits(batch_sum(c, 1024), batch_sum(c, BatchKernel::kChunkRows)));
}

TEST_CASE("a kernel call numbers its partial sums from its first row", "[jit][batch][order]") {
    std::mt19937_64 rng(7);
    const std::vector<double> c = order_sensitive(rng, 200), d(200, 0.0);
    const std::vector<const double*> columns = {c.data(), d.data()};
    const double params[] = {1.0};
    Kernels k;
    for (const Setting& s : settings()) {
        const BatchKernel kernel = k.compile(s.options);
        for (const auto& [begin, end] :
             {std::pair<std::size_t, std::size_t>{5, 5}, {9, 3}, {5, 6}, {3, 12}, {13, 100}, {64, 129}, {1, 200}}) {
            double out[2] = {7.0, 7.0};
            kernel.function()(params, columns.data(), begin, end, out);
            // An empty or reversed range adds nothing: +0.0.
            const double want = begin < end ? call_sum(std::span(c).subspan(begin, end - begin)) : 0.0;
            INFO(s.name << ", rows [" << begin << ", " << end << "): got " << bits_text(out[1]) << ", documented "
                        << bits_text(want));
            CHECK(same_bits(out[1], want));
        }
    }
}

TEST_CASE("batch sums keep the sign of zero the documented order gives", "[jit][batch][order]") {
    // Partials start at -0.0 and rows past the end add -0.0, so -0.0 rows sum to -0.0;
    // a +0.0 row makes its partial +0.0, and so the sum; no rows give +0.0.
    std::vector<double> c(150, -0.0);
    c[77] = 0.0;  // chunk 1, partial 5
    const std::vector<double> d(150, -0.0);
    const std::vector<const double*> columns = {c.data(), d.data()};
    const std::vector<double> params = {1.0};
    Kernels k;
    for (const Setting& s : settings()) {
        const BatchKernel kernel = k.compile(s.options);
        for (const std::size_t rows : std::vector<std::size_t>{0, 1, 3, 8, 13, 64, 77, 78, 150}) {
            const double want = batch_sum(std::span(c).first(rows), BatchKernel::kChunkRows);
            INFO(s.name << ", " << rows << " rows: got " << bits_text(kernel(params, columns, rows)[1]));
            CHECK(std::signbit(want) == (rows > 0 && rows <= 77));
            CHECK(same_bits(kernel(params, columns, rows)[1], want));
        }
    }
}
