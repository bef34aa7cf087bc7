// The examples in the Markdown docs are run as written: every fenced block whose
// lines start with "$ gradc" is a session; each command runs through the shell with
// the built gradc, and its standard output and error together must match the lines
// that follow it, so the docs cannot drift from the program.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/run_command.hpp"

namespace {

struct Session {
    std::string file;
    int line;
    std::string command;  // after "$ "
    std::string expected;
    int expected_exit = 0;  // a line "[exit N]" after the output sets it
};

// A file of the source tree, by its path relative to the top.
std::string read_file(const std::string& relative) {
    std::string path = GRADC_SOURCE_DIR;
    path.append("/").append(relative);
    std::ifstream in(path);
    REQUIRE(in.good());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<Session> sessions_in(const std::string& relative) {
    std::istringstream in(read_file(relative));
    std::vector<Session> out;
    std::string line;
    bool in_block = false;
    bool collecting = false;  // lines belong to the last command until the block ends
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.rfind("```", 0) == 0) {
            in_block = !in_block;
            collecting = false;
            continue;
        }
        if (!in_block) continue;
        if (line.rfind("$ gradc", 0) == 0) {
            out.push_back({relative, number, line.substr(2), "", 0});
            collecting = true;
        } else if (collecting) {
            if (line.rfind("[exit ", 0) == 0)
                out.back().expected_exit = std::stoi(line.substr(6));
            else
                out.back().expected += line + "\n";
        }
    }
    return out;
}

}  // namespace

TEST_CASE("the examples in the docs are true", "[docs]") {
    int count = 0;
    // Every page: a new one is checked without being listed here.
    std::vector<std::string> docs = {"README.md"};
    for (const auto& entry : std::filesystem::directory_iterator(GRADC_SOURCE_DIR "/docs"))
        if (entry.path().extension() == ".md") docs.push_back("docs/" + entry.path().filename().string());
    std::sort(docs.begin() + 1, docs.end());
    for (const std::string& doc : docs) {
        for (const Session& s : sessions_in(doc)) {
            INFO(s.file << ":" << s.line << ": $ " << s.command);
            // "gradc" at the start of the command is the freshly built tool.
            auto [output, exit_code] = gradc::testing::run_command(
                "cd " GRADC_SOURCE_DIR " && LANG=C.UTF-8 LC_ALL=C.UTF-8 " GRADC_CLI_PATH + s.command.substr(5));
            CHECK(output == s.expected);
            CHECK(exit_code == s.expected_exit);
            ++count;
        }
    }
    CHECK(count >= 20);
}

TEST_CASE("CI runs the README's test command", "[docs]") {
    const std::string readme = read_file("README.md");
    const std::string ci = read_file(".ci/run");
    const std::string marker = "ctest --preset dev";
    const auto end = readme.find(marker);
    REQUIRE(end != std::string::npos);
    const auto begin = readme.rfind('\n', end) + 1;
    const std::string command = readme.substr(begin, end + marker.size() - begin);
    INFO(command);
    CHECK(ci.find(command) != std::string::npos);
}
