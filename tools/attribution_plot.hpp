// The pictures of `gradc explain --plot`, as standalone SVG documents:
// - for tabular data, bars of each input's mean |attribution| over the rows, largest
//   first (the 20 largest);
// - for image-shaped inputs (--image HxW, row-major pixels), each row's image in grey
//   beside a heat map of its attributions (the first 8 rows, two to a line): red where an input raised the output, blue
//   where it lowered it, white for nothing, on one scale per row (its largest |value|).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace gradc::cli {

// values[i][r]: the attribution of input i (called names[i]) at row r.
std::string svg_attribution_bars(const std::string& title, const std::vector<std::string>& names,
                                 const std::vector<std::vector<double>>& values);

// The first `rows` rows, pixels[i][r] and values[i][r] for pixel i = y·width + x, two
// to a line, each captioned with labels[r] when there is one ("class 3").
std::string svg_attribution_images(const std::string& title, const std::vector<std::vector<double>>& pixels,
                                   const std::vector<std::vector<double>>& values, std::size_t height,
                                   std::size_t width, std::size_t rows, const std::vector<std::string>& labels);

}  // namespace gradc::cli
