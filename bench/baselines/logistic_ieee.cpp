#include "logistic_loop.hpp"
#define LOGISTIC_LOSS_NAME logistic_loss_ieee
#include "logistic_loop.inc"
