#include "logistic_loop.hpp"
#define LOGISTIC_LOSS_NAME logistic_loss_fast_math
#include "logistic_loop.inc"
