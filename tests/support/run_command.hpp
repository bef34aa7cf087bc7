// Runs a shell command and captures what it prints, for tests of the gradc command.
#pragma once

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace gradc::testing {

struct CommandResult {
    std::string out;  // standard output and error together
    int exit_code;    // -1 when the command did not exit normally
};

inline CommandResult run_command(const std::string& command) {
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) throw std::runtime_error("cannot run: " + command);
    std::string out;
    std::array<char, 4096> buffer{};
    std::size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
    const int status = pclose(pipe);
    return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

}  // namespace gradc::testing
