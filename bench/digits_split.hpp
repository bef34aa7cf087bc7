// The fixed 80/20 split of data/digits.csv (data/digits_split.csv: "row,split"), for the
// benchmarks that train on the digits.
#pragma once

#include <cstddef>
#include <fstream>
#include <string>
#include <vector>

namespace gradc::bench {

// The 0-based row numbers of the training and the test rows.
inline void read_digits_split(const std::string& path, std::vector<std::size_t>& train,
                              std::vector<std::size_t>& test) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        const std::size_t comma = line.find(',');
        (line.compare(comma + 1, 4, "test") == 0 ? test : train).push_back(std::stoul(line.substr(0, comma)));
    }
}

}  // namespace gradc::bench
