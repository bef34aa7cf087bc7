// Golden diagnostics: every tests/data/parse_errors/NAME.input must fail to parse (as a
// tensor program when it declares a tensor) with
// exactly the text in NAME.expect (ParseError::what(): position, message, source line
// and caret). The input is used byte for byte, trailing newline included.
//
// After changing a message on purpose, regenerate and review the diff:
//   GRADC_UPDATE_GOLDEN=1 build/dev/tests/gradc_parse_tests "[golden]"
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/parse.hpp"
#include "gradc/tensor_parse.hpp"

using namespace gradc;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string diagnostic_for(const std::string& text) {
    ExprContext ctx;
    TensorContext tensors;
    try {
        if (declares_tensors(text))
            parse_tensor_program(tensors, text);
        else
            parse(ctx, text);
    } catch (const ParseError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("not a ParseError: ") + e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("golden parse error messages", "[parse][golden]") {
    const fs::path dir = fs::path(GRADC_TEST_DATA_DIR) / "parse_errors";
    std::vector<fs::path> inputs;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().extension() == ".input") inputs.push_back(entry.path());
    std::sort(inputs.begin(), inputs.end());
    CHECK(inputs.size() >= 30);

    const bool update = std::getenv("GRADC_UPDATE_GOLDEN") != nullptr;
    for (const fs::path& input : inputs) {
        const std::string got = diagnostic_for(read_file(input));
        fs::path expect_path = input;
        expect_path.replace_extension(".expect");
        if (update) {
            std::ofstream(expect_path, std::ios::binary) << got << '\n';
            continue;
        }
        INFO(input.filename().string());
        REQUIRE(fs::exists(expect_path));
        std::string expected = read_file(expect_path);
        if (!expected.empty() && expected.back() == '\n') expected.pop_back();
        CHECK(got == expected);
    }
}
