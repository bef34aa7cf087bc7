#include "sgd_epoch.hpp"
#define SQUARED_LOSS_NAME squared_loss_fast_math
#include "squared_loop.inc"
