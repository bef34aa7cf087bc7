// The system's tools that emitting a shared library relies on: a program found on PATH,
// run without a shell, and a temporary folder for its files.
#pragma once

#include <string>
#include <vector>

namespace gradc::emit_detail {

// The path of the executable `program` in a folder of PATH, or "" when there is none.
std::string find_on_path(const std::string& program);

struct ProgramRun {
    int exit_code = -1;  // -1 when it did not exit normally
    std::string output;  // standard output and error together
};

// Runs argv[0] (a path) with arguments argv[1...], standard input empty and its output
// collected in the file `log`. Throws Error when it cannot be started.
ProgramRun run_program(const std::vector<std::string>& argv, const std::string& log);

// A fresh folder under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TemporaryFolder {
public:
    TemporaryFolder();
    ~TemporaryFolder();
    TemporaryFolder(const TemporaryFolder&) = delete;
    TemporaryFolder& operator=(const TemporaryFolder&) = delete;
    const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
};

// Writes `bytes` to `path`; throws Error when it cannot.
void write_file(const std::string& path, const std::string& bytes);

}  // namespace gradc::emit_detail
