// The whole public API of gradc.
#pragma once

#include "gradc/autodiff.hpp"
#include "gradc/dataset.hpp"
#include "gradc/emit.hpp"
#include "gradc/error.hpp"
#include "gradc/eval.hpp"
#include "gradc/expr.hpp"
#include "gradc/fit.hpp"
#include "gradc/gradcheck.hpp"
#include "gradc/jit.hpp"
#include "gradc/model_file.hpp"
#include "gradc/nn.hpp"
#include "gradc/optimize.hpp"
#include "gradc/parse.hpp"
#include "gradc/passes.hpp"
#include "gradc/print.hpp"
#include "gradc/thread_pool.hpp"
