// What the emit tests share: a scratch folder, the system C compiler, loading a shared
// library, and oracles for batch sums in the order a kernel adds its rows.
#pragma once

#include <dlfcn.h>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "gradc/eval.hpp"
#include "gradc/expr.hpp"
#include "support/run_command.hpp"
#include "support/sum_order.hpp"

namespace gradc::testing {

// A fresh folder under $TMPDIR or /tmp, removed at the end of the test.
class ScratchFolder {
public:
    ScratchFolder() {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/gradc-test-XXXXXX";
        REQUIRE(mkdtemp(pattern.data()) != nullptr);
        path_ = pattern;
    }
    ~ScratchFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

inline void write_text(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    REQUIRE(out.good());
}

inline std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs the system C compiler (`cc`) or C++ compiler (`c++`) with `args`, requiring
// success and showing its messages when it fails.
inline void compile(const std::string& compiler, const std::string& args) {
    const CommandResult r = run_command(compiler + " " + args);
    INFO(compiler << " " << args << "\n" << r.out);
    REQUIRE(r.exit_code == 0);
}

// A shared library opened with dlopen and closed at the end of the scope.
class Library {
public:
    explicit Library(const std::string& path) : handle_(dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)) {
        INFO("dlopen " << path << ": " << (handle_ ? "" : dlerror()));
        REQUIRE(handle_ != nullptr);
    }
    ~Library() { dlclose(handle_); }
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;

    template <class Function>
    Function function(const std::string& name) const {
        void* symbol = dlsym(handle_, name.c_str());
        INFO("symbol " << name);
        REQUIRE(symbol != nullptr);
        return reinterpret_cast<Function>(symbol);
    }

private:
    void* handle_;
};

using PointFunction = void (*)(const double*, double*);
using SumFunction = void (*)(const double*, const double* const*, std::uint64_t, std::uint64_t, double*);

// Columns of random data, with a pointer to each.
struct Columns {
    std::vector<std::vector<double>> values;
    std::vector<const double*> pointers;

    Columns(std::mt19937_64& rng, std::size_t count, std::size_t rows) : values(count, std::vector<double>(rows)) {
        std::uniform_real_distribution<double> value(-2.0, 2.0);
        for (auto& column : values)
            for (double& v : column) v = value(rng);
        for (const auto& column : values) pointers.push_back(column.data());
    }
};

// The sums of `outputs` (functions of params, then columns) over rows [begin, end), in
// the order jit.hpp documents for one kernel call (support/sum_order.hpp), whatever the
// kernel's lane count. Exact when the interpreter's numbers are the kernel's.
inline std::vector<double> ordered_sums(const Interpreter& interpreter, const std::vector<double>& params,
                                        const Columns& data, std::uint64_t begin, std::uint64_t end) {
    const std::size_t outputs = interpreter.output_count();
    std::vector<std::vector<double>> terms(outputs);  // [output][row - begin]
    std::vector<double> in(params);
    in.resize(params.size() + data.values.size());
    for (std::uint64_t r = begin; r < end; ++r) {
        for (std::size_t j = 0; j < data.values.size(); ++j) in[params.size() + j] = data.values[j][r];
        const std::vector<double> out = interpreter.run(in);
        for (std::size_t k = 0; k < outputs; ++k) terms[k].push_back(out[k]);
    }
    std::vector<double> total(outputs);
    for (std::size_t k = 0; k < outputs; ++k) total[k] = call_sum(terms[k]);
    return total;
}

}  // namespace gradc::testing
